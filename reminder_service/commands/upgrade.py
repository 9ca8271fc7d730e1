"""`upgrade`: bring the database to this version's schema, sending nothing.

The service's start upgrades the database too, but it also plans and sends what is due; a
coordinator whose program is over, or who wants to read `report` before starting the new
version, upgrades with this command instead. It holds the service's lock meanwhile, so it
refuses while a service (of any version) runs on the database.
"""

from __future__ import annotations

import argparse
import sys

from reminder_service.commands.changing import busy_message, open_for_change, service_stopped
from reminder_service.commands.output import EXIT_OK, EXIT_PROBLEMS
from reminder_service.errors import StoreBusyError, StoreError
from reminder_service.settings import load_settings
from reminder_service.store.schema import CURRENT_SCHEMA


def upgrade(_: argparse.Namespace) -> int:
    """Upgrade the database when no service runs on it, and say what was done."""
    database = load_settings().database
    if not database.is_file() or database.stat().st_size == 0:
        print(
            f"reminder-service: there is no database at {database} yet; the service creates "
            "it when it first starts. Nothing to upgrade.",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    with service_stopped(database, command="upgrade") as stopped:
        if not stopped:
            print(
                f"reminder-service: a service is running on {database}. Stop it, then run "
                "this again (or start the new version, whose start upgrades the database). "
                "Nothing was changed.",
                file=sys.stderr,
            )
            return EXIT_PROBLEMS
        try:
            with open_for_change(database, stopped=True) as store:
                if store.upgraded_from is None:
                    print(f"The database {database} is already at schema {CURRENT_SCHEMA}.")
        except StoreBusyError as exc:
            unchanged = "It may be partly upgraded; run this again to finish."
            raise StoreError(busy_message(database, stopped=True, unchanged=unchanged)) from exc
    return EXIT_OK
