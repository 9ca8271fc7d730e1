"""Store fixtures shared by every test that needs a fresh SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reminder_service.store import SqliteStore


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database path in a fresh folder."""
    return tmp_path / "reminders.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[SqliteStore]:
    """A freshly migrated store, closed after the test."""
    with SqliteStore.open(db_path) as opened:
        yield opened
