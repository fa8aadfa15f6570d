"""Fixtures shared by several test modules: a throwaway PostgreSQL server."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_NAMES = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL: $STORYWEAVE_TEST_POSTGRES_URL, else one started by the script
    (once per test session, stopped at its end)."""
    given = os.environ.get("STORYWEAVE_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    pytest.importorskip("psycopg", reason="needs psycopg (storyweave[monitor]) for PostgreSQL")
    script = REPO / "scripts" / "start-postgres.sh"
    if shutil.which("bash") is None:
        pytest.skip("no bash to run scripts/start-postgres.sh")
    result = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=300,
                            check=False)
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
        pytest.skip(f"PostgreSQL could not be started by scripts/start-postgres.sh: {reason}")
    url, folder = result.stdout.strip().splitlines()[-2:]
    try:
        yield url
    finally:
        subprocess.run(["bash", str(script), "--stop", folder], capture_output=True, timeout=60,
                       check=False)


@pytest.fixture
def fresh_postgres(postgres_url: str) -> Callable[[], str]:
    """Makes an empty database on the test server and returns its URL, once per call."""
    from .fault_harness import create_database

    return lambda: create_database(postgres_url, f"sw_{os.getpid()}_{next(_NAMES)}")
