"""Where the templates shipped with the project are: the checkout's folder, else the copy a
wheel installs. Settings fall back to them and the composer fills any gaps from them."""

from __future__ import annotations

import sys
from pathlib import Path


def _built_in_templates() -> Path:
    """The checkout's templates folder when running from one, else the installed copy."""
    checkout = Path(__file__).resolve().parents[1] / "templates"
    installed = Path(sys.prefix) / "share" / "reminder-service" / "templates"
    return checkout if checkout.is_dir() else installed


BUILT_IN_TEMPLATES = _built_in_templates()
"""The templates shipped with the project, used for any a deployment's folder lacks."""
