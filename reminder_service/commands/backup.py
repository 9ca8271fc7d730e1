"""`backup`: a consistent copy of the database, safe to take while the service runs."""

from __future__ import annotations

import argparse
from pathlib import Path

from reminder_service.commands.output import EXIT_OK, size_text
from reminder_service.settings import load_settings
from reminder_service.store import backup_database


def backup(args: argparse.Namespace) -> int:
    """Copy the database to the file given, and say where the copy is and how big."""
    settings = load_settings()
    destination = Path(args.destination)
    size = backup_database(settings.database, destination, overwrite=args.overwrite)
    print(f"Backup of {settings.database} written to {destination} ({size_text(size)}).")
    return EXIT_OK
