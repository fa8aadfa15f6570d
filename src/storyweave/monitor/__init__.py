"""Monitoring: a store of articles grouped into developing stories, each with its current briefing.

* :mod:`.store`   :class:`Store` over SQLite or PostgreSQL (SQLAlchemy Core): ingest, stories,
  current briefings;
* :mod:`.schema`  the tables and their versioned migrations, the writer lock;
* :mod:`.access`  opening a store safely (foreign or newer databases refused), one-line
  database errors, run owners;
* :mod:`.records` the plain records the store hands out;
* story clustering itself (embedding + names + time window, no database) lives in
  :mod:`storyweave.stories`, shared with the one-story check of every briefing.

Needs the ``monitor`` extra; nothing here is imported by the briefing pipeline.
"""
