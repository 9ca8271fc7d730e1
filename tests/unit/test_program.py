"""The program loader: what it accepts, how it resolves defaults, and how it reports problems."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from reminder_service.core.cadence import parse_cadence
from reminder_service.core.model import DEFAULT_LADDER, DigestSchedule, LadderStep, Status
from reminder_service.errors import ConfigError
from reminder_service.program import Problem, ProgramError, known_pairs, load_program, parse_program

EXAMPLE = Path(__file__).parents[2] / "config" / "program.yaml"

# Nine lines, so the first pair's lines are: id 10, mentor 11, mentee 12, started 13, next 14.
HEAD = """\
program:
  name: Northwind Mentoring
  coordinator: {name: Dana Okafor, email: dana@northwind.example}
  timezone: Europe/London
  defaults:
    cadence: monthly
    send_at: "09:30"
    weekdays_only: true
pairs:
"""
PAIR = """\
  - id: ana-ben
    mentor: {name: Ana Lima, email: ana@northwind.example}
    mentee: {name: Ben Ong, email: ben@northwind.example}
    started: 2024-03-01
"""


def problems(text: str) -> list[str]:
    """The problems parse_program reports for `text`, as coordinators see them."""
    with pytest.raises(ProgramError) as info:
        parse_program(text, file="p.yaml")
    return [str(problem) for problem in info.value.problems]


def with_pair(*lines: str, pair: str = PAIR) -> str:
    """A valid program whose first pair gets `lines` appended (from line 14)."""
    return HEAD + pair + "".join(f"    {line}\n" for line in lines)


def test_a_valid_program_loads() -> None:
    """A well-formed file gives a Program with its name, coordinator and pairs."""
    program = parse_program(HEAD + PAIR, file="p.yaml")

    assert program.name == "Northwind Mentoring"
    assert program.coordinator.email == "dana@northwind.example"
    assert program.timezone == ZoneInfo("Europe/London")
    assert [pair.id for pair in program.pairs] == ["ana-ben"]
    assert program.pairs[0].started == date(2024, 3, 1)
    assert program.pairs[0].status is Status.ACTIVE


def test_problem_text_names_file_line_and_field() -> None:
    """A problem reads file:line: field: message, dropping the parts it does not have."""
    assert str(Problem("p.yaml", 41, "pairs[3].mentee.email", "bad")) == (
        "p.yaml:41: pairs[3].mentee.email: bad"
    )
    assert str(Problem("p.yaml", None, "", "the file is empty")) == "p.yaml: the file is empty"


def test_program_error_is_a_config_error_listing_one_problem_per_line() -> None:
    """ProgramError is a ConfigError whose text has one line per problem."""
    text = with_pair("status: pasued", "send_at: '25:00'")

    with pytest.raises(ConfigError) as info:
        parse_program(text, file="p.yaml")

    assert str(info.value).splitlines() == [
        "p.yaml:14: pairs[0].status: 'pasued' is not a status; did you mean 'paused'?",
        "p.yaml:15: pairs[0].send_at: '25:00' is not a time of day;"
        " write HH:MM from 00:00 to 23:59",
    ]


def test_all_problems_are_reported_at_once_in_file_order() -> None:
    """A file with three mistakes in different sections gives three problems, top to bottom."""
    text = HEAD.replace("Europe/London", "Europe/Londn") + PAIR.replace(
        "ben@northwind.example", "jo@"
    )
    text += "  - id: ana-ben\n    mentor: {name: C, email: c@x.example}\n"
    text += "    mentee: {name: D, email: d@x.example}\n    started: 2025-01-01\n"

    assert problems(text) == [
        "p.yaml:4: program.timezone: 'Europe/Londn' is not a time zone;"
        " did you mean 'Europe/London'?",
        "p.yaml:12: pairs[0].mentee.email: 'jo@' is not an email address",
        "p.yaml:14: pairs[1].id: duplicate pair id 'ana-ben' (first at line 10)",
    ]


def test_yaml_syntax_error_gives_its_line() -> None:
    """Text that is not YAML is reported on the line where parsing failed."""
    text = HEAD + PAIR + "    cadence: [weekly\n"

    assert problems(text) == [
        "p.yaml:14: this is not valid YAML: close the '[' on this line with ']' on the same line"
    ]


def test_unquoted_colon_in_a_value_gets_a_hint() -> None:
    """A value containing ': ' is reported with the advice to quote it."""
    text = HEAD.replace("Northwind Mentoring", "Northwind: Mentoring") + PAIR

    assert problems(text) == [
        "p.yaml:2: this is not valid YAML: this line has a second ': ': if a value contains"
        " ': ', put it in quotes"
    ]


IN_BRACES = (
    "a '{' is not closed with '}' on its line, or a value in braces contains ': ' or ' #':"
    " close each '{' with '}' on the same line, and put such a value in quotes, such as"
    ' {name: "Ben Ong: Jr"}'
)


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        pytest.param(
            PAIR.replace("    started", "      started"),
            "p.yaml:13: this is not valid YAML: this line has 6 spaces before it where the"
            " lines of its group have 4: line them up, with the same number of spaces before"
            " each",
            id="indented-too-far",
        ),
        pytest.param(
            PAIR.replace("name: Ben Ong,", "name: Ben Ong: Jr,"),
            f"p.yaml:12: this is not valid YAML: {IN_BRACES}",
            id="colon-in-braces",
        ),
        pytest.param(
            PAIR.replace("ana@northwind.example}", "ana@northwind.example"),
            "p.yaml:11: this is not valid YAML: close the '{' on this line with '}' on the"
            " same line",
            id="brace-not-closed",
        ),
        pytest.param(
            PAIR.replace("name: Ben Ong,", "name: Ben Ong #2,"),
            "p.yaml:12: this is not valid YAML: a value in '{...}' holds ' #', which starts a"
            """ comment there: put that value in quotes, such as {name: "Ben Ong #2"}""",
            id="hash-in-braces",
        ),
    ],
)
def test_common_yaml_mistakes_get_advice(pair: str, expected: str) -> None:
    """Bad indentation, and ': ' or ' #' in a value in braces, are reported with what to do."""
    assert problems(HEAD + pair) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            HEAD.replace('send_at: "09:30"', 'send_at: "09:30')
            + PAIR
            + PAIR.replace("ana-ben", "cy-di"),
            "p.yaml:7: this is not valid YAML: a quote opened on this line is not closed on it",
            id="quote-left-open",
        ),
        pytest.param(
            HEAD + PAIR.replace("started: ", "started:"),
            "p.yaml:13: this is not valid YAML: put a space after the colon in"
            " 'started:2024-03-01'",
            id="no-space-after-colon",
        ),
        pytest.param(
            HEAD + PAIR.replace("- id:", "-id:"),
            "p.yaml:10: this is not valid YAML: put a space after the '-' that starts a list item",
            id="no-space-after-dash",
        ),
        pytest.param(
            HEAD + PAIR + "---\nx: 1\n",
            "p.yaml:14: this is not valid YAML: a second document starts here: a program file"
            " holds one document; remove the extra '---'",
            id="second-document",
        ),
    ],
)
def test_a_slip_is_reported_on_its_own_line(text: str, expected: str) -> None:
    """YAML notices a quote left open, or a colon or dash without its space, only further
    down and in words that do not name it; the problem is the slip, on its line."""
    assert problems(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "program:\n  name: N\n  description: >\n    -Tuesdays preferred\n"
            "  timezone: Europe/London\n   x: 1\n",
            "p.yaml:6: this is not valid YAML: this line has 3 spaces before it",
            id="dash-in-block-text",
        ),
        pytest.param(
            "program:\n  name: N\n  links:\n    - mailto:dana@x.example\n"
            "  timezone: Europe/London\n pairs: []\n",
            "p.yaml:6: this is not valid YAML: this line has 1 space before it",
            id="link-in-a-list",
        ),
        pytest.param(
            'program:\n  name: N\n  description: "Dana\'s program,\n    see below"\n'
            "  timezone: Europe/London\n  x: {a: 1\n",
            "p.yaml:6: this is not valid YAML: close the '{' on this line with '}' on the same",
            id="quoted-text-over-two-lines",
        ),
    ],
)
def test_unusual_but_valid_lines_are_not_taken_for_slips(text: str, expected: str) -> None:
    """Text after '>' or '|', a link in a list and a quoted value over two lines are
    valid: the error stays where YAML found it."""
    [problem] = problems(text)
    assert problem.startswith(expected)


def test_tab_indentation_gets_a_hint() -> None:
    """A tab used for indentation is reported with the advice to use spaces."""
    assert problems("program:\n\tname: x\n") == [
        "p.yaml:2: this is not valid YAML: this line has a tab: indent with spaces, not tabs"
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file_is_rejected(text: str) -> None:
    """A file with no content at all is one problem without a line."""
    assert problems(text) == [
        "p.yaml: the file is empty; it needs a 'program:' section and a 'pairs:' list"
    ]


@pytest.mark.parametrize("text", ["- ana\n- ben\n", "just some words\n"])
def test_top_level_must_be_a_mapping(text: str) -> None:
    """A file that is a list or a bare value says what the top level should hold."""
    assert problems(text) == [
        "p.yaml:1: the file must start with a 'program:' section and a 'pairs:' list"
    ]


def test_missing_sections_and_unknown_top_level_fields() -> None:
    """Missing program/pairs point at the top mapping; an unknown section names the one
    meant, which is then not also reported missing (it is one slip)."""
    assert problems("programme:\n  name: x\n") == [
        "p.yaml:1: pairs: required field 'pairs' is missing",
        "p.yaml:1: programme: unknown field 'programme': did you mean 'program'?",
    ]


def test_duplicate_key_names_both_lines() -> None:
    """A key given twice in one mapping is reported where it repeats, naming the first line."""
    pair = PAIR.replace(
        "    mentee: {name: Ben Ong, email: ben@northwind.example}\n",
        "    mentee:\n      name: Ben Ong\n      email: ben@northwind.example\n"
        "      email: benny@northwind.example\n",
    )

    assert problems(HEAD + pair) == [
        "p.yaml:15: pairs[0].mentee.email: duplicate key 'email' (first at line 14)"
    ]


@pytest.mark.parametrize("pairs_after", [0, 3000])
def test_a_pair_without_its_dash_is_one_problem_naming_the_dash(pairs_after: int) -> None:
    """A second pair written without its '- ' repeats every field of the pair above: one
    problem, on its id, says to start the new pair with '- ' (in a small file and in one
    read a pair at a time)."""
    second = PAIR.replace("ana-ben", "cy-di").replace("  - id:", "    id:")
    later = "".join(
        PAIR.replace("ana-ben", f"p{number}").replace("ana@", f"ana{number}@")
        for number in range(pairs_after)
    )

    assert problems(HEAD + PAIR + second + later) == [
        "p.yaml:14: pairs[0].id: a second 'id' in one pair (the first at line 10): if a new"
        " pair starts here, begin its line with '- ', as line 10 does"
    ]


def test_duplicate_top_level_key_is_reported() -> None:
    """Repeating a whole section is a duplicate key too, not a silent replacement."""
    text = HEAD + PAIR + "pairs: []\n"

    assert problems(text) == ["p.yaml:14: pairs: duplicate key 'pairs' (first at line 9)"]


def test_duplicate_pair_id_is_reported() -> None:
    """Two pairs with one id are reported at the second, naming the line of the first."""
    second = PAIR.replace("ana@", "cy@").replace("ben@", "di@")

    assert problems(HEAD + PAIR + second) == [
        "p.yaml:14: pairs[1].id: duplicate pair id 'ana-ben' (first at line 10)"
    ]


def test_mentor_and_mentee_must_be_different_people() -> None:
    """A pair whose two addresses match (ignoring case) is rejected at the mentee's email."""
    pair = PAIR.replace("ben@northwind.example", "ANA@northwind.example")

    assert problems(HEAD + pair) == [
        "p.yaml:12: pairs[0].mentee.email: the mentee has the mentor's address"
        " ('ANA@northwind.example'); a pair needs two different people"
    ]


@pytest.mark.parametrize(
    ("mentor", "mentee", "shown"),
    [
        ("ana@bücher.example", "ANA@xn--bcher-kva.example", "ANA@bücher.example"),
        ("ana@xn--bcher-kva.example", "ana@BÜCHER.example", "ana@bücher.example"),
    ],
)
def test_both_spellings_of_a_domain_are_one_person(mentor: str, mentee: str, shown: str) -> None:
    """A mentee whose address is the mentor's with the domain spelt otherwise is refused."""
    pair = PAIR.replace("ana@northwind.example", mentor).replace("ben@northwind.example", mentee)

    assert problems(HEAD + pair) == [
        f"p.yaml:12: pairs[0].mentee.email: the mentee has the mentor's address ({shown!r});"
        " a pair needs two different people"
    ]


def test_domains_that_only_casefold_alike_are_two_people() -> None:
    """straße.example and strasse.example are different domains, so the pair is accepted."""
    pair = PAIR.replace("ana@northwind.example", "ana@straße.example").replace(
        "ben@northwind.example", "ana@strasse.example"
    )

    program = parse_program(HEAD + pair, file="p.yaml")

    assert program.pairs[0].mentee.email == "ana@strasse.example"


def test_unknown_field_suggests_the_near_name() -> None:
    """A misspelt field names the field that was probably meant."""
    assert problems(with_pair("cadnce: weekly")) == [
        "p.yaml:14: pairs[0].cadnce: unknown field 'cadnce': did you mean 'cadence'?"
    ]


MENTEE_FIELDS = "the fields allowed here are: name, email, timezone"


@pytest.mark.parametrize(
    ("mentee", "expected"),
    [
        pytest.param(
            "{name: Ong, Ben, email: ben@northwind.example}",
            "pairs[0].mentee.Ben: unknown field 'Ben': in braces a comma ends a value; if 'Ben'"
            ' belongs to the value before it, put that value in quotes: name: "Ong, Ben"',
            id="comma-in-a-name",
        ),
        pytest.param(
            "{name: Ben Ong, email: ben@northwind.example, timezon}",
            "pairs[0].mentee.timezon: unknown field 'timezon': did you mean 'timezone'?",
            id="near-name-first",
        ),
        pytest.param(
            "{Ben, name: Ben Ong, email: ben@northwind.example}",
            f"pairs[0].mentee.Ben: unknown field 'Ben'; {MENTEE_FIELDS}",
            id="nothing-before-it",
        ),
        pytest.param(
            "\n      name: Ong\n      Ben:\n      email: ben@northwind.example",
            f"pairs[0].mentee.Ben: unknown field 'Ben'; {MENTEE_FIELDS}",
            id="not-in-braces",
        ),
    ],
)
def test_a_field_cut_from_a_value_at_a_comma_says_to_quote(mentee: str, expected: str) -> None:
    """A valueless unknown field after a value in braces suggests quoting that value."""
    pair = PAIR.replace("{name: Ben Ong, email: ben@northwind.example}", mentee)

    [problem] = problems(HEAD + pair)

    assert problem.split(": ", 1)[1] == expected


def test_unknown_field_without_a_near_name_lists_the_allowed_ones() -> None:
    """An unrelated field lists what the section allows."""
    pair = PAIR.replace("ben@northwind.example}", "ben@northwind.example, phone: 555}")

    assert problems(HEAD + pair) == [
        "p.yaml:12: pairs[0].mentee.phone: unknown field 'phone';"
        " the fields allowed here are: name, email, timezone"
    ]


def test_missing_field_points_at_its_section() -> None:
    """A required field that is absent is reported on the line of the mapping that lacks it."""
    pair = PAIR.replace(", email: ben@northwind.example", "")

    assert problems(HEAD + pair) == [
        "p.yaml:12: pairs[0].mentee.email: required field 'email' is missing"
    ]


@pytest.mark.parametrize("address", ["jo@", "jo", "jo@@example.org", "Jo <jo@example.org>"])
def test_invalid_email_is_rejected(address: str) -> None:
    """Something that is not a plain email address is rejected, quoting what was written."""
    pair = PAIR.replace("ben@northwind.example", f'"{address}"')

    assert problems(HEAD + pair) == [
        f"p.yaml:12: pairs[0].mentee.email: {address!r} is not an email address"
    ]


def test_non_ascii_local_part_is_rejected_saying_what_to_do() -> None:
    """An address with a non-ASCII letter before the @ is refused where it is written."""
    pair = PAIR.replace("ben@northwind.example", "josé@northwind.example")

    assert problems(HEAD + pair) == [
        "p.yaml:12: pairs[0].mentee.email: 'josé@northwind.example' has 'é' before the @;"
        " many mail servers cannot deliver to such addresses, so this service does not"
        " support them: use an address with only plain letters a-z, digits and . _ - +"
        " before the @"
    ]


def test_non_ascii_domain_is_accepted() -> None:
    """An internationalized domain is kept: it has an ASCII form every mail server takes."""
    pair = PAIR.replace("ben@northwind.example", "ben@bücher.example")

    program = parse_program(HEAD + pair, file="p.yaml")

    assert program.pairs[0].mentee.email == "ben@bücher.example"


def test_email_address_is_normalized() -> None:
    """The domain of an address is kept in its normalized, lowercase form."""
    pair = PAIR.replace("ben@northwind.example", "Ben@NorthWind.Example")

    program = parse_program(HEAD + pair, file="p.yaml")

    assert program.pairs[0].mentee.email == "Ben@northwind.example"


@pytest.mark.parametrize(
    ("escaped", "codepoint"),
    [
        ("\\r", "000D"),
        ("\\n", "000A"),
        ("\\t", "0009"),
        ("\\x07", "0007"),
        ("\\x7F", "007F"),
        ("\\u200B", "200B"),
        ("\\u2028", "2028"),
        ("\\u2029", "2029"),
        ("\\u202E", "202E"),
        ("\\u2067", "2067"),
        ("\\uFEFF", "FEFF"),
    ],
)
def test_control_characters_in_names_are_rejected(escaped: str, codepoint: str) -> None:
    """A line break or other control character in a name would reach a header: rejected."""
    pair = PAIR.replace("name: Ana Lima", f'name: "Ana{escaped}Lima"')

    assert problems(HEAD + pair) == [
        "p.yaml:11: pairs[0].mentor.name: must be one line of plain text; it contains a line"
        f" break or another control character (U+{codepoint})"
    ]


@pytest.mark.parametrize(
    "name",
    [
        "\u0639\u0644\u06cc\u200c\u0632\u0627\u062f\u0647",
        "Sam \U0001f469\u200d\U0001f4bb",
        "Hofmann\u00adsthal",
        "Jo \u2764\ufe0f",
    ],
    ids=["persian-zwnj", "emoji-zwj", "soft-hyphen", "variation-selector"],
)
def test_format_characters_of_real_names_are_accepted(name: str) -> None:
    """A joiner, non-joiner, soft hyphen or variation selector in a name is kept as written."""
    program = parse_program(_dumped(name), file="p.yaml")

    assert program.pairs[0].mentor.name == name


def test_control_character_in_program_name_is_rejected() -> None:
    """The program name goes into subjects, so it must be one line as well."""
    text = HEAD.replace("Northwind Mentoring", '"Northwind\\r\\nBcc: x@example.org"') + PAIR

    [problem] = problems(text)

    assert problem.startswith("p.yaml:2: program.name: must be one line of plain text")


def test_literal_block_name_is_rejected() -> None:
    """A name written as a YAML block keeps its line break and is rejected."""
    pair = PAIR.replace(
        "    mentor: {name: Ana Lima, email: ana@northwind.example}\n",
        "    mentor:\n      name: |\n        Ana\n        Lima\n"
        "      email: ana@northwind.example\n",
    )

    [problem] = problems(HEAD + pair)

    assert problem.startswith("p.yaml:12: pairs[0].mentor.name: must be one line")


def test_overlong_name_is_rejected() -> None:
    """A name over 200 characters is rejected with its length."""
    pair = PAIR.replace("Ana Lima", "A" * 201)

    assert problems(HEAD + pair) == [
        "p.yaml:11: pairs[0].mentor.name: is 201 characters long; the limit is 200"
    ]


def test_blank_name_is_rejected() -> None:
    """A name of only spaces is empty."""
    pair = PAIR.replace("Ana Lima", '"   "')

    assert problems(HEAD + pair) == ["p.yaml:11: pairs[0].mentor.name: must not be empty"]


@pytest.mark.parametrize(
    "pair_id", ["Ana-Ben", "a", "-ana", "ana ben", "ana_ben", "a" * 33, "ana\\nben"]
)
def test_invalid_pair_id_is_rejected(pair_id: str) -> None:
    """Ids are short lowercase slugs; anything else (including control characters) is refused."""
    pair = PAIR.replace("id: ana-ben", f'id: "{pair_id}"')
    shown = repr(pair_id.replace("\\n", "\n"))

    assert problems(HEAD + pair) == [
        f"p.yaml:10: pairs[0].id: {shown} cannot be used as an id; use 2 to 32 lowercase"
        " letters (a-z), digits and '-', starting with a letter or digit"
    ]


WRITE_A_PLACE = (
    "write the place whose clock the pair keeps, such as 'Europe/Berlin', 'America/Phoenix',"
    " 'Pacific/Honolulu' or 'Asia/Kolkata', so the time follows that place's own rules"
)


def test_unknown_time_zone_suggests_the_near_one() -> None:
    """A misspelt IANA zone names the zone that was probably meant."""
    pair = PAIR.replace("ben@northwind.example}", "ben@northwind.example, timezone: Asia/Tokio}")

    assert problems(HEAD + pair) == [
        "p.yaml:12: pairs[0].mentee.timezone: 'Asia/Tokio' is not a time zone;"
        " did you mean 'Asia/Tokyo'?"
    ]


def test_unknown_time_zone_without_a_near_one() -> None:
    """A zone nothing like an IANA name shows what one looks like."""
    text = HEAD.replace("Europe/London", "GMT+25:00 Somewhere") + PAIR

    assert problems(text) == [
        f"p.yaml:4: program.timezone: 'GMT+25:00 Somewhere' is not a time zone; {WRITE_A_PLACE}"
    ]


@pytest.mark.parametrize(
    "zone", ["UTC+2", "GMT-5", "+02:00", "+0530", "utc -0130", "Etc/GMT+15", "EST", "MST"]
)
def test_fixed_offset_zones_are_refused_with_advice_to_name_a_place(zone: str) -> None:
    """An offset, or EST/MST (kept by places with and without summer time), is refused with
    examples of places, claiming nothing about summer time."""
    text = HEAD.replace("Europe/London", f'"{zone}"') + PAIR

    assert problems(text) == [
        f"p.yaml:4: program.timezone: {zone!r} is a fixed offset from UTC, not a place;"
        f" {WRITE_A_PLACE}"
    ]


def test_hst_is_refused_naming_honolulu() -> None:
    """HST, which only Hawaii keeps, is refused with Pacific/Honolulu as the place to write."""
    text = HEAD.replace("Europe/London", "HST") + PAIR

    assert problems(text) == [
        "p.yaml:4: program.timezone: 'HST' is a fixed offset from UTC, not a place; write"
        " 'Pacific/Honolulu' so the time follows that place's own rules"
    ]


@pytest.mark.parametrize(
    ("zone", "meant"),
    [("utc", "UTC"), ("asia/tokyo", "Asia/Tokyo"), ("PST", None), ("Etc/GMT+2x", None)],
)
def test_a_misspelt_zone_is_never_offered_a_zone_with_another_offset(
    zone: str, meant: str | None
) -> None:
    """Only the same name in other letters, or a place name, is ever suggested."""
    text = HEAD.replace("Europe/London", f'"{zone}"') + PAIR
    hint = f"did you mean {meant!r}?" if meant else WRITE_A_PLACE

    assert problems(text) == [f"p.yaml:4: program.timezone: {zone!r} is not a time zone; {hint}"]


@pytest.mark.parametrize("zone", ["GMT", "GMT0", "Greenwich"])
def test_gmt_is_refused_as_londons_clock_in_winter_only(zone: str) -> None:
    """GMT, mostly written for the UK's clock, never changes for summer time: the loader
    says so and names the places, and UTC for a clock that never changes."""
    text = HEAD.replace("Europe/London", zone) + PAIR

    assert problems(text) == [
        f"p.yaml:4: program.timezone: {zone!r} is a fixed offset from UTC, not a place; it never"
        " changes for summer time, so it is London's clock only in winter; write the place"
        " whose clock the pair keeps, such as 'Europe/London' or 'Africa/Accra', or 'UTC' for a"
        " clock that never changes"
    ]


@pytest.mark.parametrize("zone", ["Etc/GMT-3", "UTC", "Etc/GMT", "America/Phoenix", "EST5EDT"])
def test_chosen_fixed_zones_and_utc_are_accepted(zone: str) -> None:
    """An IANA fixed zone such as Etc/GMT-3, and UTC, are accepted as written."""
    program = parse_program(HEAD.replace("Europe/London", zone) + PAIR, file="p.yaml")

    assert program.timezone == ZoneInfo(zone)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("no", """'no' was read as true/false; put it in quotes: "no\""""),
        ("on", """'on' was read as true/false; put it in quotes: "on\""""),
        ("Yes", """'Yes' was read as true/false; put it in quotes: "Yes\""""),
        ("off", """'off' was read as true/false; put it in quotes: "off\""""),
        ("010", """'010' was read as a number; put it in quotes: "010\""""),
        ("0x1F", """'0x1F' was read as a number; put it in quotes: "0x1F\""""),
        ("1.5", """'1.5' was read as a number; put it in quotes: "1.5\""""),
        ("2024-01-01", """'2024-01-01' was read as a date; put it in quotes: "2024-01-01\""""),
        ("1:20", """1:20 must be written in quotes: "1:20\""""),
    ],
)
def test_yaml_1_1_traps_in_text_fields_say_to_quote(written: str, message: str) -> None:
    """Unquoted text that YAML reads as true/false, a number or a date gets quoting advice."""
    pair = PAIR.replace("name: Ben Ong", f"name: {written}")

    assert problems(HEAD + pair) == [f"p.yaml:12: pairs[0].mentee.name: {message}"]


def test_unquoted_send_at_read_as_a_number_says_to_quote() -> None:
    """`send_at: 10:30` is the number 630 to YAML 1.1, so the loader asks for quotes."""
    assert problems(with_pair("send_at: 10:30")) == [
        'p.yaml:14: pairs[0].send_at: 10:30 must be written in quotes: "10:30"'
    ]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "send_at: 9",
            "9 was read as a number; write the time of day in quotes as HH:MM (24-hour), such as"
            ' "09:00"',
        ),
        ("send_at: 930", 'such as "09:30"'),
        ("send_at: 1830", 'such as "18:30"'),
        ("send_at: 9.30", 'such as "09:30"'),
        ("send_at: 9.5", 'such as "09:30"'),
        ("send_at: 25", 'such as "09:30"'),
        (
            "cadence: 7",
            "7 was read as a number; write the cadence in words, such as 'weekly', 'monthly' or"
            " 'every 7 days'",
        ),
        ("cadence: 1.5", "'every 10 days'"),
    ],
)
def test_a_number_for_a_time_or_a_cadence_gets_the_form_to_write(
    written: str, message: str
) -> None:
    """Quotes alone would not make 9 a time of day: the advice shows the form to write,
    the time the number most likely means where there is one."""
    [problem] = problems(with_pair(written))

    assert problem.startswith(f"p.yaml:14: pairs[0].{written.split(':', maxsplit=1)[0]}: ")
    assert message in problem


def test_a_number_in_quotes_where_a_number_belongs_says_to_remove_them() -> None:
    """'45' in quotes is text to YAML: the loader says to write it without them."""
    text = HEAD.replace("  defaults:", '  default_meeting_minutes: "45"\n  defaults:') + PAIR

    assert problems(text) == [
        "p.yaml:5: program.default_meeting_minutes: expected a whole number, found '45' in"
        " quotes, which makes it text; write it without the quotes: 45"
    ]


def test_quoted_trap_words_are_plain_text() -> None:
    """Once quoted, words such as no and numbers such as 010 are kept as written."""
    pair = PAIR.replace("Ana Lima", '"no"').replace("Ben Ong", "'010'")

    program = parse_program(HEAD + pair, file="p.yaml")

    assert (program.pairs[0].mentor.name, program.pairs[0].mentee.name) == ("no", "010")


def test_weekdays_only_must_be_true_or_false() -> None:
    """A quoted "yes" is text, not a yes/no setting."""
    assert problems(with_pair('weekdays_only: "yes"')) == [
        "p.yaml:14: pairs[0].weekdays_only: expected true or false, found 'yes'"
    ]


def test_a_section_given_as_text_is_rejected() -> None:
    """A person written as a bare name instead of name/email fields is explained."""
    pair = PAIR.replace("{name: Ben Ong, email: ben@northwind.example}", "Ben Ong")

    assert problems(HEAD + pair) == [
        "p.yaml:12: pairs[0].mentee: expected a group of 'field: value' lines, found 'Ben Ong'"
    ]


def test_pairs_must_be_a_list() -> None:
    """`pairs:` left empty is reported as a missing list."""
    assert problems(HEAD) == [
        "p.yaml:9: pairs: expected a list (one item per '- ' line), found nothing"
    ]


def test_aliases_are_rejected() -> None:
    """Anchors and aliases are refused, pointing to program.defaults instead."""
    pair = PAIR.replace("{name: Ana Lima", "&ana {name: Ana Lima") + "  - id: cy-di\n"
    pair += "    mentor: *ana\n    mentee: {name: Di, email: di@x.example}\n"
    pair += "    started: 2024-03-01\n"

    [problem] = problems(HEAD + pair)

    assert problem.startswith("p.yaml:15: this is not valid YAML: anchors and aliases")


def test_python_tags_are_refused() -> None:
    """A YAML tag asking for a Python object is reported, never constructed."""
    pair = PAIR.replace("name: Ben Ong", "name: !!python/object/apply:os.system [id]")

    assert problems(HEAD + pair) == [
        "p.yaml:12: pairs[0].mentee.name: the YAML tag"
        " 'tag:yaml.org,2002:python/object/apply:os.system' is not supported here"
    ]


def test_python_tag_on_a_scalar_is_refused() -> None:
    """A Python tag on a single value is named, and the field is not reported twice."""
    pair = PAIR.replace("name: Ben Ong", "name: !!python/name:os.system x")

    assert problems(HEAD + pair) == [
        "p.yaml:12: pairs[0].mentee.name: the YAML tag"
        " 'tag:yaml.org,2002:python/name:os.system' is not supported here"
    ]


@pytest.mark.parametrize("written", ["2024-03-01", '"2024-03-01"', "'2024-03-01'"])
def test_dates_may_be_yaml_dates_or_iso_text(written: str) -> None:
    """A start date is accepted unquoted (a YAML date) or quoted (ISO text)."""
    pair = PAIR.replace("started: 2024-03-01", f"started: {written}")

    program = parse_program(HEAD + pair, file="p.yaml")

    assert program.pairs[0].started == date(2024, 3, 1)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2024-02-30", "'2024-02-30' is not a real date"),
        ('"2024-02-30"', "'2024-02-30' is not a real date"),
        ('"2024-3-1"', "expected a date written year-month-day, like 2024-03-01"),
        ("2024-03-01 10:00:00", "expected a date written year-month-day, like 2024-03-01"),
        ("20240301", "expected a date written year-month-day, like 2024-03-01"),
        ("soon", "expected a date written year-month-day, like 2024-03-01"),
    ],
)
def test_bad_dates_are_rejected(written: str, message: str) -> None:
    """Impossible dates, dates with times, numbers and words are not start dates."""
    pair = PAIR.replace("started: 2024-03-01", f"started: {written}")

    assert problems(HEAD + pair) == [f"p.yaml:13: pairs[0].started: {message}"]


def test_paused_until_needs_status_paused() -> None:
    """paused_until on an active pair is a mistake, not a silent no-op."""
    assert problems(with_pair("paused_until: 2027-01-15")) == [
        "p.yaml:14: pairs[0].paused_until: paused_until is only allowed when status is paused"
        " (status is active)"
    ]


@pytest.mark.parametrize("paused_until", ["2024-02-20", "2024-03-01"])
def test_pause_ending_before_the_start_is_rejected(paused_until: str) -> None:
    """A pause that ends on or before the start would welcome the pair back before it began."""
    text = with_pair("status: paused", f"paused_until: {paused_until}")

    assert problems(text) == [
        f"p.yaml:15: pairs[0].paused_until: paused_until {paused_until} is not after started"
        " 2024-03-01, so the pair would be welcomed back before it begins; remove"
        " paused_until, or give the date the pause ends after the pair has started"
    ]


def test_ended_on_before_started_is_rejected() -> None:
    """A pair cannot end before it started."""
    assert problems(with_pair("status: ended", "ended_on: 2024-02-29")) == [
        "p.yaml:15: pairs[0].ended_on: ended_on 2024-02-29 is before started 2024-03-01"
    ]


def test_paused_and_ended_pairs_keep_their_dates() -> None:
    """Status, paused_until and ended_on are carried into the Pair."""
    paused = parse_program(with_pair("status: paused", "paused_until: 2027-01-15"), file="p")
    ended = parse_program(with_pair("status: ended", "ended_on: 2026-06-30"), file="p")

    assert (paused.pairs[0].status, paused.pairs[0].paused_until) == (
        Status.PAUSED,
        date(2027, 1, 15),
    )
    assert (ended.pairs[0].status, ended.pairs[0].ended_on) == (Status.ENDED, date(2026, 6, 30))


@pytest.mark.parametrize(
    ("written", "expected"),
    [('"00:00"', time(0, 0)), ('"7:05"', time(7, 5)), ('"23:59"', time(23, 59))],
)
def test_send_at_accepts_times_of_day(written: str, expected: time) -> None:
    """send_at is HH:MM on a 24-hour clock, from 00:00 to 23:59."""
    program = parse_program(with_pair(f"send_at: {written}"), file="p.yaml")

    assert program.pairs[0].schedule.send_at == expected


@pytest.mark.parametrize("written", ['"24:00"', '"12:60"', '"9am"', '"09:30:00"'])
def test_send_at_rejects_other_text(written: str) -> None:
    """Anything but HH:MM within a day is rejected, quoting what was written."""
    shown = repr(written.strip('"'))

    assert problems(with_pair(f"send_at: {written}")) == [
        f"p.yaml:14: pairs[0].send_at: {shown} is not a time of day;"
        " write HH:MM from 00:00 to 23:59"
    ]


def test_bad_cadence_shows_the_cadence_parsers_message() -> None:
    """The cadence parser's own explanation becomes the problem's message."""
    with pytest.raises(ValueError, match=r".") as expected:
        parse_cadence("fortnightly-ish")

    assert problems(with_pair("cadence: fortnightly-ish")) == [
        f"p.yaml:14: pairs[0].cadence: {expected.value}"
    ]


def test_status_typo_suggests_the_near_status() -> None:
    """A misspelt status names the status that was probably meant."""
    assert problems(with_pair("status: Ended")) == [
        "p.yaml:14: pairs[0].status: 'Ended' is not a status; did you mean 'ended'?"
    ]


def test_unknown_status_lists_the_statuses() -> None:
    """An unrelated status word lists the three statuses."""
    assert problems(with_pair("status: finished")) == [
        "p.yaml:14: pairs[0].status: 'finished' is not a status; use one of: active, paused, ended"
    ]


def test_program_defaults_apply_to_pairs_that_do_not_override() -> None:
    """A pair without its own cadence, send_at or weekdays_only takes the program's."""
    program = parse_program(HEAD + PAIR, file="p.yaml")

    schedule = program.pairs[0].schedule
    assert schedule.cadence == parse_cadence("monthly")
    assert schedule.send_at == time(9, 30)
    assert schedule.weekdays_only is True


def test_pair_settings_override_the_defaults() -> None:
    """A pair's own cadence, send_at and weekdays_only win over the program's."""
    text = with_pair("cadence: every 2 weeks", 'send_at: "08:00"', "weekdays_only: false")

    schedule = parse_program(text, file="p.yaml").pairs[0].schedule

    assert schedule.cadence == parse_cadence("every 2 weeks")
    assert schedule.send_at == time(8, 0)
    assert schedule.weekdays_only is False


def test_built_in_defaults_when_the_program_has_none() -> None:
    """Without program defaults a pair sends at 09:00 and on any day."""
    head = HEAD.replace(
        '  defaults:\n    cadence: monthly\n    send_at: "09:30"\n    weekdays_only: true\n', ""
    )

    schedule = parse_program(head + PAIR + "    cadence: weekly\n", file="p").pairs[0].schedule

    assert (schedule.send_at, schedule.weekdays_only) == (time(9, 0), False)


def test_a_pair_needs_a_cadence_somewhere() -> None:
    """With no cadence on the pair nor in the defaults, the pair says where to add one."""
    head = HEAD.replace("    cadence: monthly\n", "")

    assert problems(head + PAIR) == [
        "p.yaml:9: pairs[0].cadence: no cadence given; set one here or in program.defaults.cadence"
    ]


NO_CHECKIN = (
    "gives no check-in in the two years after this pair started on 2027-01-01; choose a "
    "cadence that does (for an RRULE, check FREQ, INTERVAL and its BY... parts; a yearly "
    "rule from a 29 February start skips the years without that day)"
)


@pytest.mark.parametrize(
    "cadence",
    [
        "FREQ=YEARLY;INTERVAL=9000",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;INTERVAL=4",
        "every 3 years",
    ],
)
def test_a_pair_cadence_without_a_first_checkin_in_two_years_is_refused(cadence: str) -> None:
    """A pair's own cadence that asks nothing in the two years after it started is a problem."""
    pair = PAIR.replace("2024-03-01", "2027-01-01")

    assert problems(with_pair(f"cadence: {cadence}", pair=pair)) == [
        f"p.yaml:14: pairs[0].cadence: {cadence!r} {NO_CHECKIN}"
    ]


def test_a_default_cadence_without_a_first_checkin_is_placed_on_the_default() -> None:
    """A default cadence that never fires for a pair is reported on the default's line."""
    rule = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;INTERVAL=4"
    head = HEAD.replace("cadence: monthly", f"cadence: {rule}")
    late = PAIR.replace("2024-03-01", "2027-01-01").replace("ana-ben", "late")
    text = head + PAIR.replace("2024-03-01", "2024-01-15") + late.replace("ben@", "bo@")

    assert problems(text) == [
        f"p.yaml:6: pairs[1].cadence: the default cadence {rule!r} {NO_CHECKIN}"
    ]


def test_an_ended_pair_is_not_refused_for_a_cadence_that_no_longer_matters() -> None:
    """An ended pair gets no check-ins, so a rare cadence kept in its record is no problem:
    an old program with one must still load after an upgrade."""
    pair = PAIR.replace("2024-03-01", "2027-01-01") + "    status: ended\n"
    text = with_pair("cadence: every 3 years", pair=pair)

    assert parse_program(text, file="p.yaml").pairs[0].status is Status.ENDED


def test_a_rare_rule_that_fires_within_two_years_of_the_start_is_accepted() -> None:
    """A 29 February rule is fine for a pair whose first 29 February is near."""
    pair = PAIR.replace("2024-03-01", "2024-01-15")
    text = with_pair("cadence: FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;INTERVAL=4", pair=pair)

    assert parse_program(text, file="p.yaml").pairs[0].started == date(2024, 1, 15)


@pytest.mark.parametrize(
    ("mentor_zone", "mentee_zone", "expected"),
    [
        ("America/New_York", "Asia/Tokyo", "Asia/Tokyo"),
        ("America/New_York", None, "America/New_York"),
        (None, None, "Europe/London"),
    ],
)
def test_pair_time_zone_is_the_mentees_else_mentors_else_programs(
    mentor_zone: str | None, mentee_zone: str | None, expected: str
) -> None:
    """The pair is timed in the mentee's zone, else the mentor's, else the program's."""
    pair = PAIR
    if mentor_zone:
        pair = pair.replace(
            "ana@northwind.example}", f"ana@northwind.example, timezone: {mentor_zone}}}"
        )
    if mentee_zone:
        pair = pair.replace(
            "ben@northwind.example}", f"ben@northwind.example, timezone: {mentee_zone}}}"
        )

    program = parse_program(HEAD + pair, file="p.yaml")

    assert program.pairs[0].timezone == ZoneInfo(expected)


def test_messages_never_show_validation_library_jargon() -> None:
    """Type errors everywhere are worded for coordinators, without library names or URLs."""
    text = (
        "program:\n  name: [a]\n  coordinator: 5\n  timezone: {a: 1}\n  defaults: []\n"
        "pairs:\n  - id: [x]\n    mentor: []\n    mentee: 1\n    started: [1]\n"
        "    weekdays_only: 1\n    status: {}\n    send_at: []\n    cadence: 3\n  - null\n"
    )

    found = problems(text)

    assert len(found) == 13
    assert "p.yaml:11: pairs[0].weekdays_only: expected true or false, found '1'" in found
    for problem in found:
        assert "pydantic" not in problem
        assert "_type" not in problem
        assert "Input should" not in problem


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1h", "expected a whole number, found '1h'"),
        ("0", "must be 1 or more, found '0'"),
        ("1000", "must be 720 or less, found '1000'"),
    ],
)
def test_a_number_out_of_its_range_or_not_a_number_is_said_plainly(
    value: str, expected: str
) -> None:
    """A length that is not a whole number, or is out of range, is worded like every other
    problem, with what was found."""
    text = HEAD.replace("  timezone:", f"  default_meeting_minutes: {value}\n  timezone:") + PAIR
    assert problems(text) == [f"p.yaml:4: program.default_meeting_minutes: {expected}"]


def test_example_program_loads_without_problems() -> None:
    """config/program.yaml is valid, with 8-12 pairs, exactly one paused and one ended."""
    program = load_program(EXAMPLE)

    statuses = [pair.status for pair in program.pairs]
    assert 8 <= len(program.pairs) <= 12
    assert statuses.count(Status.PAUSED) == 1
    assert statuses.count(Status.ENDED) == 1
    assert len({pair.timezone.key for pair in program.pairs}) >= 6


def test_load_program_reports_a_missing_file(tmp_path: Path) -> None:
    """A file that cannot be read is one problem naming the path."""
    path = tmp_path / "nope.yaml"

    with pytest.raises(ProgramError) as info:
        load_program(path)

    assert str(info.value) == f"{path}: cannot read the file: No such file or directory"


def test_load_program_reports_text_that_is_not_utf8(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 are reported on their line."""
    path = tmp_path / "latin1.yaml"
    path.write_bytes((HEAD + PAIR.replace("Ana Lima", "Ana Lím")).encode("latin-1"))

    with pytest.raises(ProgramError) as info:
        load_program(path)

    assert str(info.value) == (
        f"{path}:11: the file is not UTF-8 text; save it with the UTF-8 encoding"
    )


def test_raw_control_character_in_the_file_is_reported() -> None:
    """A control character typed into the file itself is reported on its line."""
    text = HEAD + PAIR.replace("Ben Ong", "Ben\x07Ong")

    assert problems(text) == [
        "p.yaml:12: the file contains a character that is not allowed: U+0007"
    ]


def _dumped(name: str) -> str:
    """A one-pair program with `name` as the mentor's name, written by yaml.safe_dump."""
    document: dict[str, Any] = {
        "program": {
            "name": "P",
            "coordinator": {"name": "C", "email": "c@example.org"},
            "timezone": "UTC",
            "defaults": {"cadence": "monthly"},
        },
        "pairs": [
            {
                "id": "ab",
                "mentor": {"name": name, "email": "a@example.org"},
                "mentee": {"name": "B", "email": "b@example.org"},
                "started": date(2024, 3, 1),
            }
        ],
    }
    return yaml.safe_dump(document)


_NAME_FORMAT_CHARACTERS = st.sampled_from(["\u00ad", "\u200c", "\u200d"])
_SAFE_TEXT = st.text(
    st.characters(exclude_categories=["Cc", "Cf", "Cs", "Zl", "Zp"]) | _NAME_FORMAT_CHARACTERS,
    min_size=1,
    max_size=200,
).filter(str.strip)


@given(_SAFE_TEXT)
def test_printable_names_round_trip(name: str) -> None:
    """Any printable name, with the format characters names use, comes back unchanged."""
    program = parse_program(_dumped(name), file="p.yaml")

    assert program.pairs[0].mentor.name == name


@given(st.text(st.characters(max_codepoint=127), min_size=1, max_size=40).filter(str.strip))
def test_an_ascii_name_is_refused_exactly_when_it_has_a_control_character(name: str) -> None:
    """In ASCII, the characters a header cannot take are the control characters (0 to 31
    and 127): a name is refused exactly when it has one, and otherwise kept as written."""
    if any(ord(character) < 32 or ord(character) == 127 for character in name):
        with pytest.raises(ProgramError, match="another control character"):
            parse_program(_dumped(name), file="p.yaml")
    else:
        assert parse_program(_dumped(name), file="p.yaml").pairs[0].mentor.name == name


@given(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=50),
    st.sampled_from(["\r", "\n", "\r\n"]),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=50),
)
def test_names_with_line_breaks_are_rejected(before: str, newline: str, after: str) -> None:
    """Any name containing CR or LF is rejected at the name's field."""
    with pytest.raises(ProgramError) as info:
        parse_program(_dumped(before + newline + after), file="p.yaml")

    assert "pairs[0].mentor.name" in {problem.field for problem in info.value.problems}


def test_date_order_and_notes_default_and_override() -> None:
    """Date order defaults to DMY, a pair may say MDY, and notes are off unless asked for."""
    program = parse_program(with_pair("date_order: MDY"), file="p.yaml")
    assert program.date_order == "DMY"
    assert program.keep_notes is False
    assert program.date_order_of(program.pairs[0]) == "MDY"

    text = HEAD.replace("  defaults:", "  date_order: MDY\n  keep_notes: true\n  defaults:")
    program = parse_program(text + PAIR, file="p.yaml")
    assert program.keep_notes is True
    assert program.date_order_of(program.pairs[0]) == "MDY"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("date_order: YMD", "pairs[0].date_order: expected one of DMY, MDY, found 'YMD'"),
        (
            "date_order: dmy",
            "pairs[0].date_order: expected one of DMY, MDY, found 'dmy': did you mean 'DMY'?",
        ),
    ],
)
def test_unknown_date_order_is_rejected(line: str, expected: str) -> None:
    """A date order other than DMY or MDY names the two allowed, never guessing a reorder."""
    assert problems(with_pair(line)) == [f"p.yaml:14: {expected}"]


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (
            "{after: 3, send: pause}",
            "expected one of reminder, pause_or_end, found 'pause': did you mean 'pause_or_end'?",
        ),
        ("{after: 3, send: nudge}", "expected one of reminder, pause_or_end, found 'nudge'"),
        ("{after: 3, send: [reminder]}", "expected one of reminder, pause_or_end, found a list"),
    ],
)
def test_a_bad_escalation_step_names_the_steps_allowed(step: str, expected: str) -> None:
    """An escalation step's send is explained in coordinator words, with the word meant."""
    text = HEAD.replace("  defaults:", f"  escalation:\n    - {step}\n  defaults:") + PAIR

    assert problems(text) == [f"p.yaml:6: program.escalation[0].send: {expected}"]


LOOP_SETTINGS = """\
  follow_up_after: 2 weeks
  default_meeting_minutes: 45
  thank_you_cc_mentee: false
  anniversaries: false
  escalation:
    - {after: 2, send: reminder, cc_coordinator: true}
    - {after: 4, send: pause_or_end}
  digest: {day: Friday, at: "16:30"}
"""


def test_relationship_loop_settings_are_read() -> None:
    """Follow-up delay, ladder, digest and the rest reach the Program as written."""
    program = parse_program(
        HEAD.replace("  defaults:", LOOP_SETTINGS + "  defaults:") + PAIR, file="p.yaml"
    )
    assert program.follow_up_after == timedelta(days=14)
    assert program.default_meeting_minutes == 45
    assert program.thank_you_cc_mentee is False
    assert program.anniversaries is False
    assert program.escalation == (
        LadderStep(after_periods=2, send="reminder", cc_coordinator=True),
        LadderStep(after_periods=4, send="pause_or_end"),
    )
    assert program.digest == DigestSchedule(weekday=4, at=time(16, 30))


def test_relationship_loop_settings_have_defaults_and_digest_can_be_turned_off() -> None:
    """Without the settings the defaults apply; `digest: off` means no digest."""
    program = parse_program(HEAD + PAIR, file="p.yaml")
    assert program.escalation == DEFAULT_LADDER
    assert program.digest == DigestSchedule()
    assert program.follow_up_after == timedelta(days=7)
    off = parse_program(
        HEAD.replace("  defaults:", "  digest: off\n  defaults:") + PAIR, file="p.yaml"
    )
    assert off.digest is None


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("follow_up_after: soon", "'soon' is not a length of time; write for example '10 days'"),
        ("digest: {day: funday}", "'funday' is not a day of the week"),
        (
            "escalation: [{after: 3, send: reminder}, {after: 2, send: pause_or_end}]",
            "each step's 'after' must be larger than the one before",
        ),
        ("escalation: [{after: 1, send: shout}]", "expected one of reminder, pause_or_end"),
    ],
)
def test_bad_relationship_loop_settings_are_explained(setting: str, message: str) -> None:
    """Each loop setting that cannot be used is reported with what was expected."""
    found = problems(HEAD.replace("  defaults:", f"  {setting}\n  defaults:") + PAIR)
    assert any(message in problem and "p.yaml:5: program." in problem for problem in found), found


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "escalation: [{after: 1, send: reminder, cc: true}]",
            "p.yaml:5: program.escalation[0].cc: unknown field 'cc':"
            " did you mean 'cc_coordinator'?",
        ),
        (
            'digest: {day: monday, time: "08:00"}',
            "p.yaml:5: program.digest.time: unknown field 'time';"
            " the fields allowed here are: day, at",
        ),
    ],
)
def test_unknown_fields_in_loop_settings_are_explained(setting: str, message: str) -> None:
    """An unknown field in an escalation step or the digest is named like any other."""
    assert problems(HEAD.replace("  defaults:", f"  {setting}\n  defaults:") + PAIR) == [message]


@pytest.mark.parametrize(
    ("written", "found"), [("weekly", "'weekly'"), ("on", "'on'"), ("[a]", "a list")]
)
def test_a_digest_that_is_neither_settings_nor_off_gets_one_line(written: str, found: str) -> None:
    """A digest written as a word or a list is one problem saying what `digest` accepts."""
    assert problems(HEAD.replace("  defaults:", f"  digest: {written}\n  defaults:") + PAIR) == [
        "p.yaml:5: program.digest: the weekly digest is on unless this says off; to choose its"
        f' day and time write {{day: monday, at: "08:00"}}; found {found}'
    ]


def test_a_bad_digest_day_is_placed_without_internal_names() -> None:
    """A bad digest day is reported at program.digest.day, and only once."""
    assert problems(HEAD.replace("  defaults:", "  digest: {day: funday}\n  defaults:") + PAIR) == [
        "p.yaml:5: program.digest.day: 'funday' is not a day of the week;"
        " write for example 'monday'"
    ]


@pytest.mark.parametrize("written", ['"off"', "", "{}"])
def test_digest_off_in_quotes_stops_it_and_an_empty_digest_keeps_the_default(
    written: str,
) -> None:
    """`digest: "off"` turns the digest off; an empty `digest:` keeps the default one."""
    program = parse_program(
        HEAD.replace("  defaults:", f"  digest: {written}\n  defaults:") + PAIR, file="p.yaml"
    )
    assert program.digest == (None if written == '"off"' else DigestSchedule())


def test_the_same_two_people_under_two_ids_are_refused() -> None:
    """Two pairs with one mentor and one mentee (addresses compared however spelt) are
    reported at the second, naming the first and its line."""
    second = PAIR.replace("ana-ben", "ana-ben-2").replace("ben@northwind", " BEN@Northwind")

    assert problems(HEAD + PAIR + second) == [
        "p.yaml:14: pairs[1].id: pair 'ana-ben-2' has the same mentor and mentee as pair"
        " 'ana-ben' (line 10), so both would get every email: keep one of them, or set"
        " status: ended on the pairing that is over"
    ]


def test_the_same_two_people_may_start_a_new_pairing_once_the_old_one_ended() -> None:
    """An ended pair does not stop the same mentor and mentee from pairing again."""
    ended = with_pair("status: ended")
    again = PAIR.replace("ana-ben", "ana-ben-2")

    program = parse_program(ended + again, file="p.yaml")

    assert [pair.id for pair in program.pairs] == ["ana-ben", "ana-ben-2"]


def test_a_known_pair_under_a_new_id_is_refused() -> None:
    """A pair from before that the file no longer has may not come back under a new id."""
    text = HEAD + PAIR.replace("ana-ben", "ana-benjamin")
    known = {"ana-ben": ("Ana@northwind.example", "ben@northwind.example")}

    with pytest.raises(ProgramError) as info:
        parse_program(text, file="p.yaml", known=known)

    [problem] = info.value.problems
    assert (problem.line, problem.field) == (10, "pairs[0].id")
    assert "'ana-benjamin' has the same mentor and mentee as pair 'ana-ben'" in problem.message
    assert "keep the id 'ana-ben'" in problem.message


def test_known_pairs_still_in_the_file_or_with_other_people_are_not_renames() -> None:
    """A new pair of other people, and a known pair kept under its id, load as usual."""
    text = (
        HEAD + PAIR + PAIR.replace("ana-ben", "cy-di").replace("ana@", "cy@").replace("ben@", "di@")
    )
    known = {
        "ana-ben": ("ana@northwind.example", "ben@northwind.example"),
        "ed-flo": ("e@x.example", "f@x.example"),
    }

    program = parse_program(text, file="p.yaml", known=known)

    assert [pair.id for pair in program.pairs] == ["ana-ben", "cy-di"]


def test_known_pairs_are_those_with_history_as_the_running_program_addresses_them() -> None:
    """A running pair never emailed is not known; one emailed is known by its current people."""
    running = parse_program(
        HEAD + PAIR + PAIR.replace("ana-ben", "cy-di").replace("ana@", "cy@"), file="p.yaml"
    )
    history = {
        "ana-ben": ("ana@old.example", "ben@old.example"),
        "ed-flo": ("e@x.example", "f@x.example"),
    }

    assert known_pairs(history, running=running) == {
        "ana-ben": ("ana@northwind.example", "ben@northwind.example"),
        "ed-flo": ("e@x.example", "f@x.example"),
    }


def test_known_running_pairs_are_held_by_the_running_programs_own_strings() -> None:
    """A known running pair's id and addresses are the running program's strings, not the
    history's copies, so a reload of a large program holds them once."""
    running = parse_program(HEAD + PAIR, file="p.yaml")
    history = {"".join(["ana-", "ben"]): ("ana@old.example", "ben@old.example")}

    ((pair_id, people),) = known_pairs(history, running=running).items()

    (pair,) = running.pairs
    assert pair_id is pair.id
    assert people[0] is pair.mentor.email
    assert people[1] is pair.mentee.email


def test_a_program_without_some_pairs_keeps_the_rest_in_order() -> None:
    """`without` leaves out the pairs named, keeps the others in file order with the
    program's settings, and is the program itself when it leaves out none."""
    program = load_program(EXAMPLE)
    ids = [pair.id for pair in program.pairs]
    less = program.without({ids[0], "no-such-pair"})
    assert [pair.id for pair in less.pairs] == ids[1:]
    assert less.pair(ids[0]) is None
    assert less.pair(ids[1]) is program.pair(ids[1])
    assert (less.name, less.coordinator, less.digest) == (
        program.name,
        program.coordinator,
        program.digest,
    )
    assert program.without(()) is program


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            HEAD.replace("name: Northwind Mentoring", 'name: "Northwind Mentoring').replace(
                "timezone: Europe/London", 'timezone: Europe/London  # the "home" zone'
            )
            + PAIR,
            "p.yaml:2: this is not valid YAML: a quote opened on this line is not closed on it",
            id="quote-closed-by-a-later-comment",
        ),
        pytest.param(
            HEAD + PAIR.replace("{name: Ana Lima", '{name: "Ana Lima'),
            "p.yaml:11: this is not valid YAML: a quote opened on this line is not closed on it",
            id="quote-left-open-in-braces",
        ),
        pytest.param(
            HEAD.replace("name: Northwind Mentoring", "name: 'Dana's Mentoring'") + PAIR,
            "p.yaml:2: this is not valid YAML: an apostrophe inside a value in '...' ends it"
            " early: write it twice there, as in 'O''Connor', or put the value in double quotes",
            id="apostrophe-in-single-quotes",
        ),
        pytest.param(
            HEAD + PAIR.replace("started: ", "started "),
            "p.yaml:13: this is not valid YAML: put a colon and a space after 'started', as in"
            " 'started: 2024-03-01'",
            id="colon-missing",
        ),
        pytest.param(
            with_pair('send_at "18:30"'),
            "p.yaml:14: this is not valid YAML: put a colon and a space after 'send_at', as in"
            """ 'send_at: "18:30"'""",
            id="colon-missing-on-the-last-line",
        ),
        pytest.param(
            HEAD + PAIR.replace("started: ", "started:\u00a0"),
            "p.yaml:13: this is not valid YAML: the space after 'started:' is not an ordinary"
            " space (word processors type a no-break space there): type an ordinary space",
            id="no-break-space-after-colon",
        ),
        pytest.param(
            HEAD + PAIR.replace("started: ", "started\uff1a"),
            "p.yaml:13: this is not valid YAML: 'started' is followed by a full-width colon"
            " '\uff1a': type ':' and a space",
            id="full-width-colon",
        ),
        pytest.param(
            HEAD + PAIR.replace("started: ", "started:\t"),
            "p.yaml:13: this is not valid YAML: the space after 'started:' is a tab: type a space",
            id="tab-after-colon",
        ),
        pytest.param(
            HEAD + PAIR.replace("    started", "  started"),
            "p.yaml:13: this is not valid YAML: this line has 2 spaces before it where the lines"
            " of its group have 4: line them up, with the same number of spaces before each",
            id="field-indented-too-little",
        ),
        pytest.param(
            HEAD.replace("  name: Northwind", "    name: Northwind") + PAIR,
            "p.yaml:2: this is not valid YAML: this line has 4 spaces before it where the lines"
            " of its group have 2: line them up, with the same number of spaces before each",
            id="first-field-of-a-group-indented-too-far",
        ),
        pytest.param(
            HEAD.replace(
                "  defaults:", "  escalation:\n    -{after: 1, send: reminder}\n  defaults:"
            )
            + PAIR,
            "p.yaml:6: this is not valid YAML: put a space after the '-' that starts a list item",
            id="dash-before-braces",
        ),
        pytest.param(
            HEAD + "  # the first pair\u2028 of the year\n" + PAIR,
            "p.yaml:10: this is not valid YAML: this line holds an invisible line separator"
            " (U+2028), which YAML reads as the end of the line; delete it (it comes with text"
            " pasted from some web pages and word processors)",
            id="line-separator-in-a-comment",
        ),
        pytest.param(
            HEAD
            + PAIR
            + "".join(line[2:] + "\n" for line in PAIR.replace("ana-ben", "cy-di").splitlines()),
            "p.yaml:14: this is not valid YAML: this list item is not lined up with the items of"
            " its list: give each '- ' of one list the same number of spaces before it",
            id="pair-not-lined-up",
        ),
        pytest.param(
            HEAD + PAIR.replace("    mentee", "\u00a0\u00a0\u00a0\u00a0mentee"),
            "p.yaml:12: this is not valid YAML: this line is indented with no-break spaces, as"
            " word processors type them: indent it with ordinary spaces",
            id="no-break-spaces-before-a-field",
        ),
        pytest.param(
            'program:\n  name: N\n  note: "one\n'
            + "".join(f"  more {number}\n" for number in range(40))
            + '  end"\n  coordinator: {name: Dana, email: d@x.example\n  timezone: UTC\n',
            "p.yaml:45: this is not valid YAML: close the '{' on this line with '}' on the same"
            " line",
            id="below-a-quoted-value-over-many-lines",
        ),
        pytest.param(
            EXAMPLE.read_text(encoding="utf-8").replace(
                "    - {after: 2, send: reminder,", "      {after: 2, send: reminder,"
            ),
            "p.yaml:20: this is not valid YAML: this line does not fit where it stands: check its"
            " spaces before it against the lines above it, and any '- ', '{' or '}' on it",
            id="list-item-without-its-dash",
        ),
        pytest.param(
            HEAD.replace("  defaults:", "  defaults   # for every pair"),
            "p.yaml:5: this is not valid YAML: put a colon after 'defaults'",
            id="colon-missing-after-a-group-name",
        ),
        pytest.param(
            HEAD + PAIR.replace("started: ", "started = "),
            "p.yaml:13: this is not valid YAML: write ':' after 'started', not '='",
            id="equals-for-colon",
        ),
        pytest.param(
            HEAD + PAIR.replace("  - id:", "  \u2013 id:"),
            "p.yaml:10: this is not valid YAML: the dash that starts this list item is a word"
            " processor's long dash: type '-'",
            id="long-dash-for-an-item",
        ),
        pytest.param(
            HEAD + PAIR.replace("ben@northwind.example}", "ben@northwind.example}}") + PAIR,
            "p.yaml:12: this is not valid YAML: this line has a '}' too many: remove it",
            id="brace-too-many",
        ),
        pytest.param(
            HEAD.replace("    send_at:", "    - send_at:") + PAIR,
            "p.yaml:7: this is not valid YAML: remove the '- ' before this line: it starts a"
            " list item where none belongs",
            id="dash-too-many",
        ),
        pytest.param(
            HEAD + PAIR.replace("started: 2024-03-01", "started: `2024-03-01`"),
            "p.yaml:13: this is not valid YAML: a value cannot start with '`': delete it, or"
            " put the whole value in quotes",
            id="backtick",
        ),
        pytest.param(
            HEAD
            + PAIR.replace("  - id:", "    id:")
            + PAIR.replace("ana-ben", "cy-di")
            + PAIR.replace("ana-ben", "ed-fe"),
            "p.yaml:14: this is not valid YAML: this list item is not lined up with the items of"
            " its list: give each '- ' of one list the same number of spaces before it",
            id="first-pair-without-its-dash-is-not-told-to-drop-the-next-ones",
        ),
    ],
)
def test_a_slip_yaml_notices_later_is_named_on_its_line(text: str, expected: str) -> None:
    """The slip is found by mending each line above the error the way such slips are mended
    and parsing again, so it is named on the line the coordinator must change."""
    assert problems(text) == [expected]


@pytest.mark.parametrize(
    "slip",
    ["colon missing", "quote left open", "no space after colon", "indented +2", "indented -1"],
)
def test_a_slip_on_any_field_line_of_the_example_is_named_on_that_line(slip: str) -> None:
    """Each field line of the example program, given the slip, is the line reported, and
    the slip is its only problem."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    tried = 0
    for number, written in enumerate(lines, start=1):
        field = re.match(r"(\s+(?:- )?)([a-z_]+): (\S.*)", written.rstrip("\n"))
        if field is None or (slip == "quote left open" and field[3][0] in '{["'):
            continue
        lead, key, value = field.groups()
        slipped = {
            "colon missing": f"{lead}{key} {value}\n",
            "quote left open": f'{lead}{key}: "{value}\n',
            "no space after colon": f"{lead}{key}:{value}\n",
            "indented +2": f"  {written}",
            "indented -1": written[1:],
        }[slip]
        [reported] = problems("".join([*lines[: number - 1], slipped, *lines[number:]]))
        assert reported.startswith(f"p.yaml:{number}: "), (slipped, reported)
        tried += 1
    assert tried > 30


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        pytest.param(
            PAIR.replace("email: ben@", "email:ben@"),
            "p.yaml:12: pairs[0].mentee.email: 'email:ben@northwind.example' is a field and its"
            " value: put a space after the colon, as in 'email: ben@northwind.example'",
            id="value-against-its-colon-in-braces",
        ),
        pytest.param(
            PAIR.replace("{name: Ben Ong, email:", "{nmae: Ben Ong, email:"),
            "p.yaml:12: pairs[0].mentee.nmae: unknown field 'nmae': did you mean 'name'?",
            id="misspelt-required-field",
        ),
        pytest.param(
            PAIR.replace("    started", "\u00a0\u00a0\u00a0\u00a0started"),
            "p.yaml:13: \u00a0\u00a0\u00a0\u00a0started: this line is indented with no-break"
            " spaces, as word processors type them: indent it with ordinary spaces",
            id="no-break-spaces-before-a-last-field",
        ),
    ],
)
def test_a_field_slip_yaml_reads_is_one_problem_saying_what_to_change(
    pair: str, expected: str
) -> None:
    """A field YAML reads under a wrong name is reported as the slip it is, and the field
    it was meant to be is not also reported missing."""
    assert expected in problems(HEAD + pair)
    if "\u00a0" not in pair:
        assert problems(HEAD + pair) == [expected]


@pytest.mark.parametrize(
    ("written", "straight"),
    [("send_at: \u201c09:30\u201d", "09:30"), ("cadence: \u201emonthly\u201c", "monthly")],
)
def test_a_value_refused_in_curly_quotes_is_told_to_use_straight_ones(
    written: str, straight: str
) -> None:
    """Quotes a word processor curled are text to YAML, part of the value: the problem
    says so and shows the value in straight quotes."""
    [problem] = problems(with_pair(written))

    assert problem.endswith(
        f'; it is in curly quotes, which YAML keeps as text: use straight ones, "{straight}"'
    )


def test_a_name_in_curly_quotes_is_kept_as_written() -> None:
    """A value the checks accept keeps its curly quotes: they may be meant."""
    pair = PAIR.replace("Ana Lima", "\u201cAna\u201d Lima")

    assert parse_program(HEAD + pair, file="p.yaml").pairs[0].mentor.name == "\u201cAna\u201d Lima"


def test_a_date_with_long_dashes_says_so() -> None:
    """A date typed in a word processor, its dashes made long, looks right to the eye: the
    problem names the dashes and shows the date to write."""
    assert problems(HEAD + PAIR.replace("2024-03-01", "2024\u201303\u201301")) == [
        "p.yaml:13: pairs[0].started: '2024\u201303\u201301' has long dashes, as word"
        " processors type them; write it with '-': 2024-03-01"
    ]
