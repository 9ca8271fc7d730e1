"""Reading a large program fast: libyaml's tree and the shared domain check must give
exactly what the pure-Python loader and email_validator's whole check give."""

from __future__ import annotations

import contextlib
import gc
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from email_validator import EmailNotValidError, validate_email
from hypothesis import given
from hypothesis import strategies as st

from reminder_service import yaml_source
from reminder_service.addresses import checked_address
from reminder_service.program import ProgramError, parse_program

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


def pure_python_tree(text: str) -> yaml.Node:
    """The tree as the pure-Python loader composes it."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    assert node is not None
    return node


@needs_libyaml
def test_the_example_program_is_read_by_libyaml_into_the_same_tree() -> None:
    """The fast reader is used for a valid file, and gives the pure-Python loader's tree."""
    text = EXAMPLE.read_text(encoding="utf-8")

    node = yaml_source._compose_with_libyaml(text)

    assert node is not None
    assert shape(node) == shape(pure_python_tree(text))


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
    """Whatever libyaml reads plainly has the same tags, values, quoting and lines."""
    text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=unicode)

    node = yaml_source._compose_with_libyaml(text)

    if node is not None:
        assert shape(node) == shape(pure_python_tree(text))


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

    assert "use spaces, not tabs" in str(info.value)
