"""How commands show text that came in a reply."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.commands.output import (
    json_text,
    print_json_list,
    print_table,
    printable,
    table,
)


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


_CELLS = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
"""Cell texts, with the controls, bidi overrides and odd spaces `printable` replaces."""


@given(st.lists(st.dictionaries(_CELLS, st.one_of(_CELLS, st.integers(), st.none()), max_size=3)))
def test_a_json_list_printed_item_by_item_is_the_whole_lists_json(
    items: list[dict[str, object]],
) -> None:
    """`print_json_list` prints, a piece at a time, exactly what printing `json_text` of the
    whole list prints."""
    assert _printed(lambda: print_json_list(iter(items))) == _printed(
        lambda: print(json_text(items))
    )


@given(st.lists(st.tuples(_CELLS, _CELLS, _CELLS), max_size=6))
def test_a_table_printed_row_by_row_is_the_whole_table(rows: list[tuple[str, ...]]) -> None:
    """`print_table` over the rows read twice prints exactly what printing `table` prints."""
    header = ("Date", "Pair", "Duration")
    assert _printed(lambda: print_table(iter(rows), header, again=iter(rows))) == _printed(
        lambda: print(table(rows, header))
    )


def _printed(printing: Callable[[], None]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        printing()
    return out.getvalue()


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_printable_ascii_text_is_shown_a_character_at_a_time(text: str) -> None:
    """Text all in ASCII, taken whole (the quick way when every character shows as itself),
    is shown as its characters are one at a time."""
    assert printable(text) == "".join(printable(ch) for ch in text)


@given(st.lists(st.text(alphabet=st.characters(max_codepoint=127)), max_size=3))
def test_json_text_of_ascii_text_escapes_what_a_terminal_would_act_on(texts: list[str]) -> None:
    """JSON all in ASCII is printed as it is unless a character would not show as itself;
    either way it reads back exactly and every line is printable."""
    out = json_text(texts)
    assert json.loads(out) == texts
    assert all(line.isprintable() for line in out.splitlines())
    if all(text.isprintable() for text in texts):
        assert out == json.dumps(texts, indent=2)
