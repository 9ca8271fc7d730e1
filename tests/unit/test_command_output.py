"""How commands show text that came in a reply."""

from __future__ import annotations

import json

import pytest

from reminder_service.commands.output import json_text, printable


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Bonjour\u202f! On s'est vus mardi\u00a0: 1 h", "Bonjour ! On s'est vus mardi : 1 h"),
        ("a\u2009b\u3000c", "a b c"),
        ("x\x1b[2Jy", "x\N{REPLACEMENT CHARACTER}[2Jy"),
        ("from finance\u202elpmaxe", "from finance\N{REPLACEMENT CHARACTER}lpmaxe"),
        ("csi\x9b2j", "csi\N{REPLACEMENT CHARACTER}2j"),
        ("a\u2028b\u2029c", "a\N{REPLACEMENT CHARACTER}b\N{REPLACEMENT CHARACTER}c"),
        (
            "\u200ex\u200fy\u061c",
            "\N{REPLACEMENT CHARACTER}x\N{REPLACEMENT CHARACTER}y\N{REPLACEMENT CHARACTER}",
        ),
    ],
)
def test_printable_shows_spaces_as_spaces_and_hides_controls(text: str, shown: str) -> None:
    """No-break and other spaces show as plain spaces; controls and bidi overrides do not
    reach the terminal."""
    assert printable(text) == shown


def test_json_text_keeps_no_break_spaces_exact() -> None:
    """In JSON output a no-break space is escaped, so the data reads back exactly."""
    value = {"text": "mardi\u00a0: oui"}
    out = json_text(value)
    assert "\\u00a0" in out
    assert json.loads(out) == value
