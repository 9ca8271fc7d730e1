"""Reading a large program fast: the quick reader, libyaml's tree and the shared domain
check must give exactly what the careful reader, the pure-Python loader and
email_validator's whole check give."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from email_validator import EmailNotValidError, validate_email
from hypothesis import given
from hypothesis import strategies as st

from reminder_service import program, yaml_source
from reminder_service.addresses import checked_address
from reminder_service.file_snapshot import NON_PRINTABLE_UTF8, Snapshot, SnapshotStream
from reminder_service.program import ProgramError, parse_program
from reminder_service.yaml_source import FieldPath, read_quickly, read_source

EXAMPLE = Path(__file__).parents[2] / "config" / "program.yaml"
needs_libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")


def shape(node: yaml.Node) -> Any:
    """What reading uses of a node: tag, value, whether it was quoted, and its line."""
    if isinstance(node, yaml.MappingNode):
        value: Any = [(shape(key), shape(item)) for key, item in node.value]
    elif isinstance(node, yaml.SequenceNode):
        value = [shape(item) for item in node.value]
    else:
        assert isinstance(node, yaml.ScalarNode)
        value = (node.value, bool(node.style))
    return (type(node).__name__, node.tag, value, node.start_mark.line)


def recorded(text: str, loader: type[yaml_source._Composing]) -> object:
    """What the careful reader records of `text` when `loader` composes it: the data, and
    each field's line and node."""
    findings = Collected()
    composing = loader(text)
    try:
        data = yaml_source._Streamed(composing, findings=findings, hand_over=None).document()
    finally:
        composing.dispose()
    nodes = {path: shape(node) for path, node in findings.nodes.items()}
    return typed(data), findings.lines, nodes, findings.problems


@needs_libyaml
def test_the_example_program_is_read_by_libyaml_as_by_the_pure_python_loader() -> None:
    """libyaml reads a valid file, and records the pure-Python loader's data, lines and
    nodes."""
    text = EXAMPLE.read_text(encoding="utf-8")

    assert yaml_source._libyaml_reads_plainly(text)
    assert recorded(text, yaml_source._LibyamlLoader) == recorded(text, yaml_source._ExactLoader)


_TEXT = st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=20)
_SCALARS = _TEXT | st.integers() | st.booleans() | st.dates(min_value=date(1900, 1, 1)) | st.none()
_DOCUMENTS = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
)


@needs_libyaml
@given(_DOCUMENTS, st.sampled_from([None, False, True]), st.booleans())
def test_libyaml_reads_any_document_as_the_pure_python_loader_does(
    document: object, flow: bool | None, unicode: bool
) -> None:
    """Whatever libyaml reads plainly gets the same data, lines, tags, values and quoting."""
    text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=unicode)

    if yaml_source._libyaml_reads_plainly(text):
        assert recorded(text, yaml_source._LibyamlLoader) == recorded(
            text, yaml_source._ExactLoader
        )


class Collected:
    """Findings as the careful reader records them, kept for the test to inspect."""

    def __init__(self) -> None:
        self.lines: dict[FieldPath, int] = {}
        self.nodes: dict[FieldPath, yaml.Node] = {}
        self.unreadable: set[FieldPath] = set()
        self.problems: list[tuple[FieldPath, str]] = []

    def add(self, path: FieldPath, message: str, *, line: int | None = None) -> None:
        self.problems.append((path, message))

    def error(self) -> Exception:
        return ValueError(self.problems)

    def fatal(self, message: str, *, line: int | None = None) -> Exception:
        return ValueError([((), message)])


def carefully(text: str) -> object:
    """The careful reader's data for `text`, or an exception naming its problems."""
    findings = Collected()
    try:
        data = read_source(text, findings=findings)
    except ValueError as exc:
        return exc
    return ValueError(findings.problems) if findings.problems else data


def typed(data: object) -> object:
    """`data` with each value's type beside it: True and 1 are equal, but not the same."""
    if isinstance(data, dict):
        return {key: typed(value) for key, value in data.items()}
    if isinstance(data, list):
        return [typed(item) for item in data]
    return (type(data), data)


@needs_libyaml
def test_the_example_program_is_read_quickly_into_the_careful_readers_data() -> None:
    """A valid file is read quickly, into exactly the data the careful reader builds."""
    text = EXAMPLE.read_text(encoding="utf-8")

    data = read_quickly(text)

    assert data is not None
    assert typed(data) == typed(carefully(text))


@needs_libyaml
@given(_DOCUMENTS, st.sampled_from([None, False, True]), st.booleans())
def test_the_quick_reader_reads_any_document_as_the_careful_reader_does(
    document: object, flow: bool | None, unicode: bool
) -> None:
    """Whatever the quick reader reads, the careful reader reads the same and finds no
    problem in it."""
    text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=unicode)

    data = read_quickly(text)

    if data is not None:
        assert typed(data) == typed(carefully(text))


class _NoAliases(yaml.SafeDumper):
    """A dumper that writes a value shared by two fields twice, never as an alias."""

    def ignore_aliases(self, data: object) -> bool:
        return True


@needs_libyaml
@given(st.dictionaries(_TEXT, _DOCUMENTS, min_size=1, max_size=4), st.sampled_from([None, False]))
def test_the_quick_reader_reads_every_plain_document(
    document: dict[str, object], flow: bool | None
) -> None:
    """A mapping of plain data, written in ASCII with no anchors, is always read quickly:
    the quick reader is not giving up where it need not."""
    text = yaml.dump(document, Dumper=_NoAliases, default_flow_style=flow)

    assert read_quickly(text) is not None


@needs_libyaml
@pytest.mark.parametrize(
    "text",
    [
        "on: yes\nno: off\n'y': n\n",
        "a: 1:30\nb: 0x1F\nc: 0o17\nd: .inf\ne: -.NaN\nf: ~\ng: 1_000\nh: 0b101\n",
        "a: 2024-02-29\nb: 2024-02-29 10:30:00+02:00\nc: '2024-02-29'\nd: 12:30\n",
        "a: {b: [1, {c: d}], e: null}\nf: []\ng: {}\n",
        "a: |\n  two\n  lines\nb: >\n  folded\n  text\n",
        "? a\n: 1\n'': empty key\n",
        "a: 1\n# only a comment after\n",
        "--- \na: 1\n...\n",
        "\ufeffa: b\n",
    ],
)
def test_the_quick_reader_gives_the_careful_readers_data(text: str) -> None:
    """YAML 1.1's readings of words, numbers and dates, keys as written, block and flow
    styles: the quick reader reads them all, exactly as the careful reader does."""
    data = read_quickly(text)

    assert data is not None
    assert typed(data) == typed(carefully(text))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a: &x 1\nb: *x\n", id="alias"),
        pytest.param("a: &x 1\n", id="anchor"),
        pytest.param("a: !!str 5\n", id="standard tag"),
        pytest.param("a: !!python/name:os.system\n", id="python tag"),
        pytest.param("a: !local x\n", id="local tag"),
        pytest.param("a: ! x\n", id="non-specific tag"),
        pytest.param("!!map {a: 1}\n", id="tagged mapping"),
        pytest.param("a: 1\na: 2\n", id="repeated key"),
        pytest.param("? [a, b]\n: 1\n", id="list as key"),
        pytest.param("!!str a: 1\n", id="tagged key"),
        pytest.param("a: 2024-02-30\n", id="impossible date"),
        pytest.param("a: <<\n", id="merge key as value"),
        pytest.param("a: =\n", id="value key as value"),
        pytest.param("a:\t1\n", id="tab"),
        pytest.param("a: b\x7f\n", id="a character only libyaml would take"),
        pytest.param("a: [1\n", id="syntax error"),
        pytest.param("a: 1\n---\nb: 2\n", id="two documents"),
        pytest.param("", id="empty"),
        pytest.param("# only a comment\n", id="only a comment"),
        pytest.param("~\n", id="null document"),
        pytest.param("a: " + "[" * 40 + "]" * 40 + "\n", id="deep nesting"),
    ],
)
def test_the_quick_reader_leaves_anything_unusual_to_the_careful_reader(text: str) -> None:
    """Wherever the careful reader might report a problem, or place one on a line, the
    quick reader gives up rather than guess."""
    assert read_quickly(text) is None


@needs_libyaml
@pytest.mark.parametrize(
    "text",
    [
        pytest.param(EXAMPLE.read_text(encoding="utf-8"), id="example"),
        pytest.param("a: Núñez Øster 東京 😀\n", id="beyond ASCII"),
        pytest.param("\ufeffa: b\n", id="byte order mark"),
        pytest.param("a: b\r\nc: d\r\n", id="CRLF"),
        pytest.param("a: b\x85c\u2028d\n", id="unusual line ends"),
        pytest.param("a: b\ufeffc\ufffd\n", id="last characters allowed"),
        pytest.param("a:\t1\n", id="tab"),
        pytest.param("a: b\x7f\n", id="control"),
        pytest.param("a: b\x9f\n", id="C1 control"),
        pytest.param("a: b\ufffe\n", id="noncharacter"),
        pytest.param("a: &x 1\nb: *x\n", id="alias"),
        pytest.param("a: [1\n", id="syntax error"),
    ],
)
def test_the_quick_reader_reads_a_snapshot_as_its_text(text: str) -> None:
    """Given a snapshot of a text's UTF-8 bytes, which libyaml reads a chunk at a time,
    the quick reader gives what it gives for the text, or gives up just the same."""
    assert typed(read_quickly(Snapshot.of(text.encode()))) == typed(read_quickly(text))


def test_the_quick_reader_refuses_the_same_characters_in_a_snapshot_as_in_text() -> None:
    """Every character that makes the quick reader give up on a text is one a snapshot
    finds in the text's UTF-8 bytes (a tab, or a match of `NON_PRINTABLE_UTF8`: what
    `Snapshot` checks each chunk for), and no other."""
    characters = (chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF)

    differing = [
        character
        for character in characters
        if yaml_source._libyaml_may_read(character)
        != (b"\t" not in character.encode() and not NON_PRINTABLE_UTF8.search(character.encode()))
    ]

    assert differing == []


@needs_libyaml
def test_libyaml_reads_a_file_from_its_snapshot_not_its_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A valid file is read from its compressed snapshot, a chunk at a time: handed text,
    libyaml would hold a UTF-8 copy of it for the whole read (20 MB at 100,000 pairs), and
    the bytes themselves would be held whole."""
    handed = handed_to_libyaml(monkeypatch)

    program.load_program(EXAMPLE)

    assert handed == [SnapshotStream]


def handed_to_libyaml(monkeypatch: pytest.MonkeyPatch) -> list[type[object]]:
    """The type of each stream libyaml is handed from now on, filled in as it is."""
    handed: list[type[object]] = []

    class Recording(yaml.CSafeLoader):
        def __init__(self, stream: str | bytes | SnapshotStream) -> None:
            handed.append(type(stream))
            super().__init__(stream)

    monkeypatch.setattr(yaml, "CSafeLoader", Recording)
    return handed


@needs_libyaml
@given(_DOCUMENTS, st.sampled_from([None, False, True]))
def test_the_items_handed_over_are_the_careful_readers_list(
    items: object, flow: bool | None
) -> None:
    """The items of the list handed over come one at a time, in order, each with the
    entries written before the list, and are exactly the careful reader's list."""
    document = {"before": 1, "items": items if isinstance(items, list) else [items], "after": 2}
    text = yaml.safe_dump(document, default_flow_style=flow, sort_keys=False)
    handed: list[tuple[int, object, list[str]]] = []

    data = read_quickly(
        text, hand_over=("items", lambda index, item, above: handed.append((index, item, [*above])))
    )

    if data is not None:
        careful = carefully(text)
        assert isinstance(careful, dict)
        assert typed(data) == typed({**careful, "items": []})
        assert [index for index, _, _ in handed] == list(range(len(careful["items"])))
        assert typed([item for _, item, _ in handed]) == typed(careful["items"])
        assert all(above == ["before"] for _, _, above in handed)


@pytest.fixture
def careful_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the careful reader is given from now on, as the test goes."""
    texts: list[str] = []

    def counted(
        text: str, *, findings: yaml_source.Findings, hand_over: yaml_source.HandOver
    ) -> object:
        texts.append(text)
        return read_source(text, findings=findings, hand_over=hand_over)

    monkeypatch.setattr(program, "read_source", counted)
    return texts


@needs_libyaml
def test_pairs_written_before_the_program_section_are_read_quickly_too(
    careful_reads: list[str],
) -> None:
    """Pairs that come before the program section wait for its defaults, and give the
    same program as when they come after it."""
    text = EXAMPLE.read_text(encoding="utf-8")
    head, _, pairs = text.partition("\npairs:")

    assert parse_program("pairs:" + pairs + head, file="p.yaml") == parse_program(
        text, file="p.yaml"
    )
    assert careful_reads == []


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(EXAMPLE.read_text(encoding="utf-8") + "pairs: []\n", id="pairs twice"),
        pytest.param(EXAMPLE.read_text(encoding="utf-8") + "other: [\n", id="broken after"),
        pytest.param("pairs: []\n" + EXAMPLE.read_text(encoding="utf-8").partition("\npairs:")[0]),
    ],
)
def test_whatever_the_quick_reader_did_before_giving_up_is_forgotten(text: str) -> None:
    """Pairs already handed over when the quick reader gives up leave no trace: the
    outcome is the careful reader's."""
    assert outcome(lambda: parse_program(text, file="p.yaml")) == outcome(
        lambda: program._read_carefully(text, file="p.yaml", known={}, running=None)
    )


def outcome(read: Callable[[], object]) -> object:
    """What reading gives: the program, or the problems it reports."""
    try:
        return read()
    except ProgramError as exc:
        return exc.problems


@pytest.mark.parametrize(
    ("written", "escape"),
    [
        ("cadence: every 2 weeks", 'cadence: "every 2 weeks\\ud800"'),
        ("name: Ana Lima,", 'name: "Ana \\ud83d",'),
    ],
)
def test_half_a_character_is_a_problem_on_its_line(written: str, escape: str) -> None:
    """An escape for half of a character (which no email can carry) is reported on its
    line, in any text field, rather than breaking the check."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(written, escape, 1)

    with pytest.raises(ProgramError) as info:
        parse_program(text, file="p.yaml")

    (problem,) = info.value.problems
    assert "half of a character" in problem.message
    assert problem.line == 1 + next(
        number for number, line in enumerate(text.splitlines()) if escape in line
    )


@needs_libyaml
def test_a_valid_program_is_read_once_and_quickly(careful_reads: list[str]) -> None:
    """A valid file never reaches the careful reader; one with a problem does, and the
    problem is reported on its line."""
    text = EXAMPLE.read_text(encoding="utf-8")
    parse_program(text, file="p.yaml")
    assert careful_reads == []

    broken = text.replace("cadence: monthly", "cadence: fortnightly-ish", 1)
    with pytest.raises(ProgramError) as info:
        parse_program(broken, file="p.yaml")
    assert careful_reads == [broken]
    (problem,) = info.value.problems
    assert (
        problem.line
        == broken.splitlines().index(
            next(line for line in broken.splitlines() if "fortnightly-ish" in line)
        )
        + 1
    )


def test_nested_aliases_are_refused_at_the_first_one() -> None:
    """A file of aliases of aliases (which would expand enormously) is refused, on the
    line of its first alias, by whichever parser reads it."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 30)]

    with pytest.raises(ProgramError) as info:
        parse_program("\n".join(lines) + "\n", file="p.yaml")

    (problem,) = info.value.problems
    assert (problem.line, problem.message.split(";")[0]) == (
        2,
        "this is not valid YAML: anchors and aliases ('&name', '*name') are not supported",
    )


def whole_check(text: str) -> str | None:
    """email_validator's verdict on `text` as the service uses it: the normalized address,
    or None when it is refused (not an address, or not sendable without SMTPUTF8)."""
    try:
        valid = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return None
    return valid.normalized if valid.ascii_email is not None else None


def service_check(text: str) -> str | None:
    """The service's verdict on `text`, in the same terms."""
    try:
        return checked_address(text)
    except ValueError:
        return None


@pytest.mark.parametrize(
    "text",
    [
        "ana@example.org",
        "Ana.Lima+mentoring@Example.ORG",
        "a..b@example.org",
        ".a@example.org",
        "a.@example.org",
        "a@example",
        "a@localhost",
        "a@example.test",
        "a@-example.org",
        "a@example..org",
        "a@example.org.",
        "a@ex_ample.org",
        "a@[192.0.2.1]",
        "a@b@example.org",
        "@example.org",
        "a@",
        "a" * 64 + "@example.org",
        "a" * 65 + "@example.org",
        "a" * 61 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 61 + ".org",
        "a" * 62 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 61 + ".org",
        "a@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + "." + "e" * 58 + ".org",
        "a@bücher.example",
        "josé@example.org",
        "a@xn--bcher-kva.example",
        " a@example.org",
    ],
)
def test_a_plain_address_gets_the_verdict_of_the_whole_check(text: str) -> None:
    """Checking an address's domain once for all its addresses changes no verdict."""
    assert service_check(text) == whole_check(text)


@given(
    st.text(st.sampled_from("aZ09._+-!#'\"@ ü"), max_size=12),
    st.sampled_from(["example.org", "EXAMPLE.org", "x", "a.b-c.example", "bücher.example"]),
)
def test_any_address_gets_the_verdict_of_the_whole_check(local: str, domain: str) -> None:
    """Whatever the local part, the service agrees with email_validator's whole check."""
    text = f"{local}@{domain}"

    assert service_check(text) == whole_check(text)


@pytest.mark.parametrize("text", [EXAMPLE.read_text(encoding="utf-8"), "program: [\n"])
@pytest.mark.parametrize("enabled", [True, False])
def test_reading_leaves_the_garbage_collector_as_it_found_it(text: str, enabled: bool) -> None:
    """The collector is paused only while a program is read, valid or not."""
    was_enabled = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with contextlib.suppress(ProgramError):
            parse_program(text, file="p.yaml")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was_enabled else gc.disable)()


@pytest.mark.parametrize("depth", [500, 5_000])
@pytest.mark.parametrize(("opening", "closing"), [("[", "]"), ("{a: ", "}")])
def test_a_file_nested_too_deeply_is_one_clear_problem(
    depth: int, opening: str, closing: str
) -> None:
    """Lists or braces nested thousands deep are refused in one line, not a crash."""
    text = "program: " + opening * depth + closing * depth + "\npairs: []\n"

    with pytest.raises(ProgramError) as info:
        parse_program(text, file="p.yaml")

    (problem,) = info.value.problems
    assert problem.message.startswith("lists or groups of fields are nested far too deeply")


def test_a_tab_is_refused_with_advice_whichever_parser_is_built() -> None:
    """A tab between a field and its value is a problem with the advice to use spaces,
    though libyaml alone would take it."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "timezone: Europe/London", "timezone:\tEurope/London", 1
    )

    with pytest.raises(ProgramError) as info:
        parse_program(text, file="p.yaml")

    assert "the space after 'timezone:' is a tab: type a space" in str(info.value)


@given(_DOCUMENTS, st.sampled_from([None, False, True]))
def test_the_careful_reader_hands_items_over_as_it_reads_them(
    items: object, flow: bool | None
) -> None:
    """With a list to hand over, the careful reader hands each item over in order, with the
    entries written before the list and its fields' lines and nodes already recorded, and
    records for the rest what it records without handing over."""
    document = {"before": 1, "items": items if isinstance(items, list) else [items], "after": 2}
    text = yaml.safe_dump(document, default_flow_style=flow, sort_keys=False)
    findings = Collected()
    handed: list[tuple[int, object, list[str], dict[FieldPath, int]]] = []

    def take(index: int, item: object, above: Mapping[str, object]) -> None:
        mine = {path: line for path, line in findings.lines.items() if path[:2] == ("items", index)}
        handed.append((index, item, [*above], mine))

    data = read_source(text, findings=findings, hand_over=("items", take))

    whole = Collected()
    careful = read_source(text, findings=whole)
    assert isinstance(careful, dict)
    assert isinstance(data, dict)
    assert typed(data) == typed({**careful, "items": []})
    assert [index for index, _, _, _ in handed] == list(range(len(careful["items"])))
    assert typed([item for _, item, _, _ in handed]) == typed(careful["items"])
    assert all(above == ["before"] for _, _, above, _ in handed)
    for index, _, _, lines in handed:
        assert lines == {
            path: line for path, line in whole.lines.items() if path[:2] == ("items", index)
        }
    assert findings.lines == whole.lines
    assert findings.problems == whole.problems


def _program_with_pairs(count: int, *, broken: int) -> str:
    """The example program with `count` pairs, the one at index `broken` given a bad
    address."""
    head, _, _ = EXAMPLE.read_text(encoding="utf-8").partition("\npairs:")
    pairs = [
        f"  - id: pair-{n}\n"
        f"    mentor: {{name: Mentor {n}, email: mentor.{n}@northwind.example}}\n"
        f"    mentee: {{name: Mentee {n}, email: mentee.{n}@northwind.example}}\n"
        "    started: 2024-03-01\n"
        for n in range(count)
    ]
    pairs[broken] = pairs[broken].replace(f"mentee.{broken}@", f"mentee.{broken}@@")
    return head + "\npairs:\n" + "".join(pairs)


def _nodes_alive_at_last_pair(monkeypatch: pytest.MonkeyPatch, count: int) -> int:
    """How many YAML nodes are alive when the careful reader takes the last of `count`
    pairs, the first of which has a mistake."""
    alive: list[int] = []
    take = program._Taking.take

    def counting(self: program._Taking, index: int, raw: object, above: Any) -> None:
        take(self, index, raw, above)
        if index == count - 1:
            gc.collect()
            alive.append(sum(isinstance(item, yaml.Node) for item in gc.get_objects()))

    monkeypatch.setattr(program._Taking, "take", counting)
    with pytest.raises(ProgramError):
        program._read_carefully(
            _program_with_pairs(count, broken=0), file="p.yaml", known={}, running=None
        )
    (number,) = alive
    return number


def test_a_file_with_a_mistake_is_read_without_keeping_the_pairs_nodes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The careful reader lets go of each pair's nodes once the pair is checked: holding
    every node of a 100,000-pair file took 1.2 GB. So the nodes alive when it takes the
    last pair are as many for 200 pairs as for 20."""
    assert _nodes_alive_at_last_pair(monkeypatch, 200) == _nodes_alive_at_last_pair(monkeypatch, 20)


def test_problems_across_pairs_keep_their_lines_once_the_pairs_are_let_go() -> None:
    """A duplicate id and a repeated mentor and mentee, found after the earlier pair was
    checked and let go, still name the lines of both pairs."""
    mentor = "mentor: {name: Mentor 3, email: mentor.3@northwind.example}"
    text = (
        _program_with_pairs(30, broken=29)
        .replace(f"  - id: pair-3\n    {mentor}\n", f"  - {mentor}\n    id: pair-3\n")
        .replace("id: pair-25\n", "id: pair-3\n")
        .replace(
            "mentor.20@northwind.example}\n    mentee: {name: Mentee 20, email: mentee.20@",
            "mentor.4@northwind.example}\n    mentee: {name: Mentee 20, email: mentee.4@",
        )
    )
    lines = text.splitlines()
    line_of = {f"pair-{n}": lines.index(f"  - id: pair-{n}") + 1 for n in (4, 20, 29)}
    line_of["pair-3"] = lines.index("    id: pair-3") + 1
    line_of["pair-25"] = lines.index("  - id: pair-3") + 1

    with pytest.raises(ProgramError) as info:
        parse_program(text, file="p.yaml")

    assert [str(problem) for problem in info.value.problems] == [
        f"p.yaml:{line_of['pair-20']}: pairs[20].id: pair 'pair-20' has the same mentor and"
        f" mentee as pair 'pair-4' (line {line_of['pair-4']}), so both would get every email:"
        " keep one of them, or set status: ended on the pairing that is over",
        f"p.yaml:{line_of['pair-25']}: pairs[25].id: duplicate pair id 'pair-3'"
        f" (first at line {line_of['pair-3']})",
        f"p.yaml:{line_of['pair-29'] + 2}: pairs[29].mentee.email: "
        + next(
            problem.message
            for problem in info.value.problems
            if problem.field == "pairs[29].mentee.email"
        ),
    ]


def test_a_syntax_error_is_reported_alone_after_pairs_with_problems() -> None:
    """A file whose YAML breaks after pairs with mistakes reports the break alone, as it
    did when the whole file was composed before any pair was checked."""
    text = _program_with_pairs(10, broken=2) + "other: [\n"

    with pytest.raises(ProgramError) as info:
        parse_program(text, file="p.yaml")

    (problem,) = info.value.problems
    assert problem.message == (
        "this is not valid YAML: close the '[' on this line with ']' on the same line"
    )
    assert problem.line == len(text.splitlines())


def test_the_quick_reader_stops_at_the_first_pair_with_a_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A mistake in the first of 50 pairs sends the file to the careful reader at once:
    the quick reader does not check the 49 others, which the careful reader reads again."""
    taken: list[int] = []
    take_pair = program._Builder.take_pair

    def counted(self: program._Builder, index: int, raw: object) -> None:
        taken.append(index)
        take_pair(self, index, raw)

    monkeypatch.setattr(program._Builder, "take_pair", counted)
    with pytest.raises(ProgramError):
        parse_program(_program_with_pairs(50, broken=0), file="p.yaml")

    assert taken == [0, *range(50)]


def test_pairs_with_the_same_settings_share_one_schedule() -> None:
    """Most pairs share a few cadences and send times: they share the objects too, rather
    than each holding a copy (about a fifth of a large program's memory)."""
    program_read = parse_program(_program_with_pairs(3, broken=0).replace("@@", "@"), file="p.yaml")

    first, second, third = (pair.schedule for pair in program_read.pairs)
    assert first is second
    assert second is third


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param("\nprogram:\n", "\n&root\nprogram:\n", id="anchor on the whole file"),
        pytest.param("\npairs:", "\npairs: &list", id="anchor on the list"),
        pytest.param("\npairs:", "\npairs: !!seq", id="tag on the list"),
    ],
)
def test_pairs_read_whole_are_checked_too(before: str, after: str) -> None:
    """A list of pairs the careful reader cannot hand over a pair at a time (its file or
    the list itself carries an anchor or a tag) is read whole, and every pair is still
    checked."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(before, after, 1)
    started = next(line for line in text.splitlines() if line.strip().startswith("started:"))
    text = text.replace(started + "\n", "", 1)

    with pytest.raises(ProgramError) as info:
        parse_program(text, file="p.yaml")

    assert "required field 'started' is missing" in [
        problem.message for problem in info.value.problems
    ]


@pytest.mark.parametrize(
    "marker",
    [pytest.param("", id="quick reader"), pytest.param("&ana ", id="careful reader")],
)
def test_a_program_read_again_keeps_the_running_programs_equal_pairs(marker: str) -> None:
    """Reading a program again, as a reload does, gives each pair the file leaves as it was
    as the running program's own object, whichever reader reads it; an edited pair is the
    edit. (An anchor, harmless in itself, sends the file to the careful reader.)"""
    text = EXAMPLE.read_text(encoding="utf-8")
    running = parse_program(text, file="p.yaml")
    edited = text.replace("    cadence: quarterly\n", "    cadence: monthly\n").replace(
        "mentor: {name: Ana Lima", f"mentor: {marker}{{name: Ana Lima"
    )

    again = parse_program(edited, file="p.yaml", running=running)

    assert again == parse_program(edited, file="p.yaml")
    kept = [pair.id for pair, old in zip(again.pairs, running.pairs, strict=True) if pair is old]
    assert kept == [pair.id for pair in running.pairs if pair.id != "grace-hamid"]
    assert again.pair("grace-hamid") != running.pair("grace-hamid")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            EXAMPLE.read_text(encoding="utf-8").replace(
                "started: 2024-03-01", "started: 2024-13-01"
            ),
            id="a field's mistake",
        ),
        pytest.param(
            "# Núñez Øster 東京 😀\n"
            + EXAMPLE.read_text(encoding="utf-8").replace("Ben Ong", "Bén Öng, 東京")
            + "  - id: extra\n    mentor: {name: Zoë, email: not-an-address}\n",
            id="mistakes after text beyond ASCII",
        ),
        pytest.param(
            "\ufeff"
            + EXAMPLE.read_text(encoding="utf-8")
            .replace("\n", "\r\n")
            .replace("cadence: quarterly", "cadence: fortnightly-ish"),
            id="byte order mark and CRLF",
        ),
        pytest.param(
            EXAMPLE.read_text(encoding="utf-8").replace("    started: 2022", "    started 2022"),
            id="a missing colon",
        ),
        pytest.param(
            EXAMPLE.read_text(encoding="utf-8").replace(
                "ben.ong@northwind.example}", "ben.ong@northwind.example"
            ),
            id="an unclosed brace",
        ),
        pytest.param(
            EXAMPLE.read_text(encoding="utf-8").replace("    cadence: quarterly", "\tcadence: x"),
            id="a tab",
        ),
        pytest.param(
            EXAMPLE.read_text(encoding="utf-8").replace("Ben Ong", "Ben\x7fOng"),
            id="a control character",
        ),
        pytest.param(
            EXAMPLE.read_text(encoding="utf-8").replace("{name: Ana Lima", "&a {name: Ana Lima")
            + "  - id: again\n    mentor: *a\n",
            id="an alias",
        ),
        pytest.param(
            EXAMPLE.read_text(encoding="utf-8")
            .replace("{name: Ana Lima", "&a {name: Ana Lima")
            .replace("Ben Ong", "Bén Öng, 東京"),
            id="an anchor, for the pure-Python reader, and a mistake beyond ASCII",
        ),
        pytest.param(
            "# Zoë\n" + EXAMPLE.read_text(encoding="utf-8") + "---\nother: document\n",
            id="two documents",
        ),
    ],
)
def test_the_careful_reader_reads_a_snapshot_as_its_text(text: str) -> None:
    """Given a snapshot of a file with mistakes, which libyaml reads a chunk at a time, the
    careful reader reports the problems, on the lines, it reports for the text."""
    from_text = outcome(lambda: parse_program(text, file="p.yaml"))

    assert outcome(lambda: parse_program(Snapshot.of(text.encode()), file="p.yaml")) == from_text
    assert isinstance(from_text, tuple)
    assert from_text


@needs_libyaml
def test_libyaml_reads_a_file_with_a_mistake_from_its_snapshot_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A file with a mistake is read carefully from its snapshot too: handed text, libyaml
    would hold a UTF-8 copy of it, beside the text itself (twice the file's size or more
    once a name goes beyond Latin-1)."""
    handed = handed_to_libyaml(monkeypatch)
    path = tmp_path / "program.yaml"
    text = EXAMPLE.read_text(encoding="utf-8")
    path.write_text(text.replace("cadence: quarterly", "cadence: fortnightly-ish"))

    with pytest.raises(ProgramError, match="fortnightly-ish"):
        program.load_program(path)

    assert len(handed) >= 2
    assert set(handed) == {SnapshotStream}


def test_the_checks_across_pairs_share_the_programs_strings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What the checks across pairs keep of each pair, its id and addresses, is the
    program's own strings (on a reload, the running program's), not copies held beside
    them while the file is read."""
    text = EXAMPLE.read_text(encoding="utf-8")
    running = parse_program(text, file="p.yaml")
    kept: list[program._Pairing] = []
    check = program._check_same_people

    def keeping(pairings: list[program._Pairing], report: program._Report) -> None:
        kept.extend(pairings)
        check(pairings, report)

    monkeypatch.setattr(program, "_check_same_people", keeping)

    parse_program(text, file="p.yaml", running=running)

    assert len(kept) == len(running.pairs)
    for pairing, pair in zip(kept, running.pairs, strict=True):
        assert pairing.id is pair.id
        assert pairing.people[0] is pair.mentor.email
        assert pairing.people[1] is pair.mentee.email
