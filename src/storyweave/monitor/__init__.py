"""Monitoring: a store of articles grouped into developing stories, each with its current briefing.

* :mod:`.store`   :class:`Store` over SQLite or PostgreSQL (SQLAlchemy Core): ingest, stories,
  current briefings;
* :mod:`.schema`  the tables and their versioned migrations;
* :mod:`.stories` incremental story clustering (embedding + names + time window), no database.

Needs the ``monitor`` extra; nothing here is imported by the briefing pipeline.
"""
