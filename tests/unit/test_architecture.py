"""The picture in GUIDE section 1 stays true: the core is pure, and only the shell does I/O."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "reminder_service"
CORE = PACKAGE / "core"
ALLOWED_THIRD_PARTY = {"dateutil"}
FORBIDDEN_STDLIB = {"asyncio", "socket", "ssl", "sqlite3", "subprocess", "smtplib", "imaplib"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize(
    "module", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_core_modules_import_only_the_standard_library_dateutil_and_the_core(
    module: Path,
) -> None:
    """A core module imports nothing that does I/O and nothing from the shell."""
    for name in _imports(module):
        top = name.split(".")[0]
        if top == "reminder_service":
            assert name.startswith("reminder_service.core"), f"{module.name} imports {name}"
        elif top in sys.stdlib_module_names:
            assert top not in FORBIDDEN_STDLIB, f"{module.name} imports {name}"
        else:
            assert top in ALLOWED_THIRD_PARTY, f"{module.name} imports {name}"
