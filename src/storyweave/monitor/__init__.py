"""Monitoring: a store of articles grouped into developing stories, each with its current briefing.

* :mod:`.store`   :class:`Store` over SQLite or PostgreSQL (SQLAlchemy Core): ingest, stories,
  current briefings;
* :mod:`.schema`  the tables and their versioned migrations;
* story clustering itself (embedding + names + time window, no database) lives in
  :mod:`storyweave.stories`, shared with the one-story check of every briefing.

Needs the ``monitor`` extra; nothing here is imported by the briefing pipeline.
"""
