"""Reading the program YAML safely, remembering where each field was written.

This is PyYAML's safe loader with more refusals: a repeated key, an anchor or alias, and a
tag the safe loader cannot build (such as a Python one) are all problems. Reading records
each field's line and YAML node, so that later checks can place a problem on the line the
coordinator wrote and describe the value as it was written. It also spots the YAML 1.1
traps: unquoted text that YAML reads as true/false, a number or a date.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol, TypeAlias

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from reminder_service.file_snapshot import Snapshot, SnapshotStream
from reminder_service.yaml_slips import syntax_problem

__all__ = [
    "FieldPath",
    "Findings",
    "HandOver",
    "Source",
    "comma_split",
    "describe",
    "kind_trap",
    "read_quickly",
    "read_source",
]

FieldPath: TypeAlias = tuple[str | int, ...]
Source: TypeAlias = str | Snapshot
"""YAML to read: text, or a file's snapshot (`file_snapshot`), which libyaml reads a chunk
at a time without a copy of the text."""

_NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_COLLECTION_TAGS = frozenset({_MAP_TAG, _SEQ_TAG})
_TOO_DEEP = (
    "lists or groups of fields are nested far too deeply to read; a program needs only a"
    " few levels (program:, pairs:, and the fields of each pair)"
)
_READ_AS = {
    "tag:yaml.org,2002:bool": "true/false",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
}


class Findings(Protocol):
    """Where reading records each field's line and node, and the problems it finds."""

    lines: dict[FieldPath, int]
    nodes: dict[FieldPath, yaml.Node]
    unreadable: set[FieldPath]

    def add(self, path: FieldPath, message: str, *, line: int | None = None) -> None:
        """Record a problem for `path`, on `line` or else the line where `path` is written."""
        ...

    def error(self) -> Exception:
        """All problems recorded so far, as the error to raise."""
        ...

    def fatal(self, message: str, *, line: int | None = None) -> Exception:
        """The problem that stops reading (the YAML itself is broken), alone, as the error
        to raise: the problems in the fields read before it are reported once the YAML
        is mended, with those after it."""
        ...


def read_source(source: Source, *, findings: Findings, hand_over: HandOver | None = None) -> Any:
    """The plain data of the YAML `source`, with each field's line and node in `findings`.

    `source` is the text or a file's snapshot (see `Source`); a snapshot's text is decoded
    only for the pure-Python loader or to describe a syntax error.

    A syntax error, an empty file or one nested too deeply to read is fatal: it raises
    `findings.fatal(...)`. Other problems are recorded and reading goes on, so that
    everything wrong is reported at once.

    With `hand_over`, the text is composed a node at a time, not as one tree (at 100,000
    pairs the tree alone is about a gigabyte): as with `read_quickly`, each item of the
    list under that top-level key is handed over as soon as it is read, the lines and
    nodes of its fields already in `findings` (the taker may drop them once done with the
    item), and the list in the data is left empty. A list, or a whole file, that carries
    an anchor or a tag is composed whole and stays in the data.

    libyaml (PyYAML's C parser) parses a large file about four times faster. It is used
    when a first, cheap pass finds the text plain (see `_libyaml_reads_plainly`);
    otherwise the pure-Python loader reads the text, so that every problem is reported in
    its words and on its line. Tabs go to the pure-Python loader because libyaml lets them
    separate values where it does not, and a tab is the commonest mistake in a hand-edited
    file. libyaml is still a little more lenient (a `?` in a value inside braces), and
    reads such text as written.
    """
    loader: _Composing | None = None
    try:
        if _libyaml_reads_plainly(source):
            loader = _LibyamlLoader(source)
        else:
            loader = _ExactLoader(_text_of(source))
        return _Streamed(loader, findings=findings, hand_over=hand_over).document()
    except yaml.MarkedYAMLError as exc:
        line, message = syntax_problem(_text_of(source), exc)
        raise findings.fatal(message, line=line) from exc
    except yaml.reader.ReaderError as exc:
        line = _text_of(source).count("\n", 0, exc.position) + 1
        message = f"the file contains a character that is not allowed: U+{exc.character:04X}"
        raise findings.fatal(message, line=line) from exc
    except RecursionError:
        raise findings.fatal(_TOO_DEEP) from None
    finally:
        if loader is not None:
            loader.dispose()


def read_quickly(source: Source, *, hand_over: HandOver | None = None) -> Any:
    """The plain data of the YAML `source` when it is plainly readable, else None.

    `source` is the text, or better a file's snapshot (see `Source`): libyaml reads a
    snapshot a chunk at a time, but copies text to UTF-8 and holds the copy for the whole
    read (20 MB at 100,000 pairs, on top of the text itself).

    This is what `read_source` would give, built straight from libyaml's stream of events
    with no node tree and no lines: at 100,000 pairs the tree alone is about a gigabyte.
    It gives up (None) wherever the careful reader might have something to say: an
    anchor, alias or tag of any kind, a repeated or unusual key, a value the safe loader
    cannot build, nesting deeper than a program needs, a tab, a character the parsers
    judge differently, a syntax error, an empty file, more than one document, or no
    libyaml at all. The caller then reads the text with `read_source`.

    With `hand_over` (a top-level key and a function), the items of the list under that
    key are handed to the function one at a time as they are read, each with its index
    and the top-level entries read so far (the document's own mapping, which goes on
    growing after the list), and not kept: the list in the data is left empty. A large
    list is thus never held whole. The function may be called before the reader gives
    up. A ValueError from it counts as giving up, as one from the safe loader does; any
    other error passes on.
    """
    if not _libyaml_may_read(source):
        return None
    loader = yaml.CSafeLoader(_for_libyaml(source))
    try:
        return _PlainEvents(loader, hand_over=hand_over).document()
    except (yaml.YAMLError, ValueError, _NotPlainError):
        return None
    finally:
        loader.dispose()


def _libyaml_may_read(source: Source) -> bool:
    """Whether libyaml may read `source` (see `Source`) for us: it is built, and the
    source has no tab and no character that libyaml and the pure-Python loader judge
    differently (see `read_source`)."""
    if not yaml.__with_libyaml__:
        return False
    if isinstance(source, Snapshot):
        return not source.tabs and not source.non_printable
    return "\t" not in source and not yaml.reader.Reader.NON_PRINTABLE.search(source)


class _NotPlainError(Exception):
    """The quick reader met something only the careful reader describes."""


_QUICK_DEPTH = 32
"""Deeper than any program (which needs four or five levels): left to the careful reader,
which says it is nested too deeply."""

_Construct: TypeAlias = Callable[[yaml.CSafeLoader, yaml.ScalarNode], Any]
_Resolve: TypeAlias = Callable[[type[yaml.Node], str, tuple[bool, bool]], str]
_Take: TypeAlias = Callable[[int, Any, Mapping[str, Any]], None]
HandOver: TypeAlias = tuple[str, _Take]
"""A top-level key, and what takes each item of the list under it (see `read_quickly`)."""


class _PlainEvents:
    """Builds plain data from a libyaml event stream, as `_Source` builds it from nodes:
    keys as written, scalars as the safe loader constructs them."""

    def __init__(self, loader: yaml.CSafeLoader, *, hand_over: HandOver | None) -> None:
        self._loader = loader
        self._hand_over = hand_over
        self._resolve: _Resolve = loader.resolve
        self._constructors: Mapping[str | None, _Construct] = loader.yaml_constructors

    def document(self) -> Any:
        """The one document's data; _NotPlainError for anything but one non-empty document."""
        self._expect(yaml.StreamStartEvent)
        self._expect(yaml.DocumentStartEvent)
        root = self._value(self._take(), depth=0)
        self._expect(yaml.DocumentEndEvent)
        self._expect(yaml.StreamEndEvent)
        if root is None:
            raise _NotPlainError
        return root

    def _take(self) -> yaml.Event:
        """The next event; there is always one before the stream ends."""
        event = self._loader.get_event()
        if event is None:
            raise _NotPlainError
        return event

    def _expect(self, kind: type[yaml.Event]) -> None:
        """Take the next event, which must be of `kind`."""
        if not isinstance(self._take(), kind):
            raise _NotPlainError

    def _value(self, event: yaml.Event, *, depth: int) -> Any:
        """The value that starts with `event`, `depth` levels down."""
        if not isinstance(event, yaml.NodeEvent) or event.anchor is not None:
            raise _NotPlainError
        if depth >= _QUICK_DEPTH:
            raise _NotPlainError
        if isinstance(event, yaml.ScalarEvent):
            return self._scalar(event)
        if isinstance(event, yaml.MappingStartEvent) and event.tag is None:
            return self._mapping(depth)
        if isinstance(event, yaml.SequenceStartEvent) and event.tag is None:
            return self._sequence(depth)
        raise _NotPlainError

    def _mapping(self, depth: int) -> dict[str, Any]:
        """A mapping's entries, keys as written, up to its end."""
        entries: dict[str, Any] = {}
        while not isinstance(event := self._take(), yaml.MappingEndEvent):
            if not isinstance(event, yaml.ScalarEvent) or event.anchor or event.tag:
                raise _NotPlainError
            if event.value in entries:
                raise _NotPlainError
            value = self._take()
            take = self._taker(event.value, value) if depth == 0 else None
            if take is not None:
                entries[event.value] = self._hand_items_over(take, entries, depth=depth + 1)
            else:
                entries[event.value] = self._value(value, depth=depth + 1)
        return entries

    def _taker(self, key: str, event: yaml.Event) -> _Take | None:
        """What takes the items of the top-level `key`'s value, starting with `event`, if
        that value is the list whose items are handed over."""
        if self._hand_over is None or key != self._hand_over[0]:
            return None
        if not isinstance(event, yaml.SequenceStartEvent) or event.tag or event.anchor:
            return None
        return self._hand_over[1]

    def _hand_items_over(self, take: _Take, above: Mapping[str, Any], *, depth: int) -> list[Any]:
        """Hand each item of the list to `take` as it is read; the empty list that stays."""
        for index, item in enumerate(self._items(depth)):
            take(index, item, above)
        return []

    def _sequence(self, depth: int) -> list[Any]:
        """A list's items, up to its end."""
        return list(self._items(depth))

    def _items(self, depth: int) -> Iterator[Any]:
        """A list's items, one at a time as they are read, up to its end."""
        while not isinstance(event := self._take(), yaml.SequenceEndEvent):
            yield self._value(event, depth=depth + 1)

    def _scalar(self, event: yaml.ScalarEvent) -> Any:
        """A scalar as the safe loader builds it (YAML 1.1: yes is true, 1:30 is 90)."""
        if event.tag is not None:
            raise _NotPlainError
        tag = self._resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _STR_TAG:
            return event.value
        construct = self._constructors.get(tag)
        if construct is None:
            raise _NotPlainError
        return construct(self._loader, yaml.ScalarNode(tag, event.value, style=event.style))


def _text_of(source: Source) -> str:
    """`source` as text (a snapshot's bytes were checked to be UTF-8 when it was taken)."""
    return source if isinstance(source, str) else source.data().decode("utf-8")


def _for_libyaml(source: Source) -> str | SnapshotStream:
    """What libyaml reads `source` from: the text, or a snapshot's stream."""
    return source.stream() if isinstance(source, Snapshot) else source


def _libyaml_reads_plainly(source: Source) -> bool:
    """Whether libyaml may compose `source` for the careful reader: `_libyaml_may_read`, and
    it parses without an error and holds no anchor or alias. Anything else is read by the
    pure-Python loader, which says what is wrong in its own words. (An empty file or one of
    several documents is the composer's to report, in the same words either way.)"""
    if not _libyaml_may_read(source):
        return False
    loader = yaml.CSafeLoader(_for_libyaml(source))
    try:
        if not _may_hold_anchors(source):
            # No anchor or alias is written without one of them, so libyaml's own parse,
            # which makes no Python objects, says all: 0.35 s for 100,000 pairs, not 2.5.
            loader.raw_parse()
            return True
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
                return False
    except yaml.YAMLError:
        return False
    finally:
        loader.dispose()
    return True


def _may_hold_anchors(source: Source) -> bool:
    """Whether `source` has an `&` or `*`, without which no anchor or alias is written."""
    if isinstance(source, Snapshot):
        return source.anchor_marks
    return "&" in source or "*" in source


class _NoAliases(yaml.composer.Composer):
    """PyYAML's composer, refusing aliases.

    An alias makes one node appear under several fields, so a problem could not be placed
    on one line, and nested aliases can expand a small file into an enormous document.
    """

    check_event: Callable[..., bool]
    peek_event: Callable[[], Any]
    get_event: Callable[[], Any]

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        """Compose as usual, except that an alias is a syntax error."""
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None,
                None,
                "anchors and aliases ('&name', '*name') are not supported;"
                " use program.defaults for settings that pairs share",
                self.peek_event().start_mark,
            )
        return super().compose_node(parent, index)


class _ExactLoader(_NoAliases, yaml.SafeLoader):
    """PyYAML's pure-Python safe loader, refusing aliases."""


class _LibyamlLoader(_NoAliases, SafeConstructor, Resolver):
    """libyaml's events under PyYAML's own composer, refusing aliases: libyaml's composer
    makes only whole documents, this one a node at a time."""

    def __init__(self, source: Source) -> None:
        _NoAliases.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        events = yaml.CSafeLoader(_for_libyaml(source))
        self.check_event = events.check_event
        self.peek_event = events.peek_event
        self.get_event = events.get_event
        self.dispose = events.dispose


_Composing: TypeAlias = _ExactLoader | _LibyamlLoader


class _Streamed:
    """Reads a document a node at a time, handing over the items of one top-level list as
    they are read (see `read_source`)."""

    def __init__(
        self, loader: _Composing, *, findings: Findings, hand_over: HandOver | None
    ) -> None:
        self._loader = loader
        self._findings = findings
        self._source = _Source(findings)
        self._hand_over = hand_over

    def document(self) -> Any:
        """The one document's data; the file is empty or has more than one: fatal."""
        loader = self._loader
        loader.get_event()
        if loader.check_event(yaml.StreamEndEvent):
            empty = "the file is empty; it needs a 'program:' section and a 'pairs:' list"
            raise self._findings.fatal(empty)
        start = loader.get_event()
        data = self._root()
        loader.get_event()
        if not loader.check_event(yaml.StreamEndEvent):
            raise yaml.composer.ComposerError(
                "expected a single document in the stream",
                start.start_mark,
                "but found another document",
                loader.get_event().start_mark,
            )
        return data

    def _root(self) -> Any:
        """The root's data: its entries one at a time when it is a mapping and there is a
        list to hand over, else composed whole."""
        loader, hand_over = self._loader, self._hand_over
        event = loader.peek_event()
        if hand_over is None or not _plain_start(event, yaml.MappingStartEvent):
            return self._source.read(_composed(loader, None, None))
        loader.get_event()
        root = yaml.MappingNode(_MAP_TAG, [], event.start_mark, None, event.flow_style)
        self._source.note(root, ())
        entries: dict[str, Any] = {}
        while not loader.check_event(yaml.MappingEndEvent):
            key = _composed(loader, root, None)
            value: yaml.Node
            if (
                isinstance(key, yaml.ScalarNode)
                and key.value == hand_over[0]
                and key.value not in entries
                and _plain_start(loader.peek_event(), yaml.SequenceStartEvent)
            ):
                value = self._hand_items_over(key, entries, take=hand_over[1])
            else:
                value = _composed(loader, root, key)
                self._source.entry(entries, key, value, path=())
            root.value.append((key, value))
        root.end_mark = loader.get_event().end_mark
        return entries

    def _hand_items_over(
        self, key: yaml.ScalarNode, entries: dict[str, Any], *, take: _Take
    ) -> yaml.SequenceNode:
        """Hand each item of the list under `key` to `take` as it is read; the list's node,
        without its items."""
        loader = self._loader
        start = loader.get_event()
        items = yaml.SequenceNode(_SEQ_TAG, [], start.start_mark, None, start.flow_style)
        path: FieldPath = (key.value,)
        self._source.note(items, path, line=key.start_mark.line + 1)
        index = 0
        while not loader.check_event(yaml.SequenceEndEvent):
            take(index, self._source.read(_composed(loader, items, index), (*path, index)), entries)
            index += 1
        items.end_mark = loader.get_event().end_mark
        entries[key.value] = []
        return items


def _plain_start(event: yaml.Event, kind: type[yaml.CollectionStartEvent]) -> bool:
    """Whether `event` starts a collection of `kind` with neither tag nor anchor."""
    return isinstance(event, kind) and event.tag is None and event.anchor is None


def _composed(loader: _Composing, parent: yaml.Node | None, index: object) -> yaml.Node:
    """The next node, composed whole (inside a document there always is one)."""
    node = loader.compose_node(parent, index)  # type: ignore[arg-type]
    assert node is not None
    return node


class _Source:
    """Turns the node tree into plain data, recording each field's line and node on the way.

    Keys are taken as written (an unquoted `on:` is the key 'on', not true); a repeated key
    is a problem, and the first value is kept. A pair's second `id` is a new pair whose
    '- ' was forgotten: that is the one problem named, not each field it repeats.
    """

    def __init__(self, findings: Findings) -> None:
        self._findings = findings
        self._loader = _ExactLoader("")
        self._dash_forgotten: set[FieldPath] = set()

    def read(self, node: yaml.Node, path: FieldPath = (), line: int | None = None) -> Any:
        """The plain value of `node`, found at `path` (on `line`, if not the node's own)."""
        self.note(node, path, line)
        if isinstance(node, yaml.CollectionNode) and node.tag not in _COLLECTION_TAGS:
            self._unsupported(node, path)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.read(item, (*path, index)) for index, item in enumerate(node.value)]
        return self._scalar(node, path)

    def note(self, node: yaml.Node, path: FieldPath, line: int | None = None) -> None:
        """Record that `node` is found at `path` (on `line`, if not the node's own)."""
        self._findings.lines[path] = node.start_mark.line + 1 if line is None else line
        self._findings.nodes[path] = node

    def entry(
        self, entries: dict[str, Any], key: yaml.Node, value: yaml.Node, *, path: FieldPath
    ) -> None:
        """Add one entry of the mapping at `path` to `entries`, reporting a repeated or
        unusable key (a repeated key's first value is kept)."""
        line = key.start_mark.line + 1
        if not isinstance(key, yaml.ScalarNode):
            self._findings.add(path, "a field name must be a single word", line=line)
        elif key.value in entries:
            if path in self._dash_forgotten:
                return
            first = self._findings.lines[(*path, key.value)]
            message = f"duplicate key {key.value!r} (first at line {first})"
            if key.value == "id" and len(path) == 2 and path[0] == "pairs":
                self._dash_forgotten.add(path)
                message = (
                    f"a second 'id' in one pair (the first at line {first}): if a new pair"
                    f" starts here, begin its line with '- ', as line {first} does"
                )
            self._findings.add((*path, key.value), message, line=line)
        else:
            entries[key.value] = self.read(value, (*path, key.value), line)

    def _mapping(self, node: yaml.MappingNode, path: FieldPath) -> dict[str, Any]:
        """A mapping's entries, reporting repeated and unusable keys."""
        entries: dict[str, Any] = {}
        for key, value in node.value:
            self.entry(entries, key, value, path=path)
        return entries

    def _scalar(self, node: yaml.Node, path: FieldPath) -> Any:
        """A scalar as PyYAML's safe loader reads it; if it cannot, the text as written."""
        try:
            return self._loader.construct_object(node)
        except yaml.constructor.ConstructorError:
            self._unsupported(node, path)
        except ValueError:
            pass  # e.g. an unquoted 2024-02-30: the field's own check describes it
        finally:
            # The constructor remembers each node it built, which would keep every node
            # of the file alive after its pair was checked.
            self._loader.constructed_objects.pop(node, None)
        return node.value

    def _unsupported(self, node: yaml.Node, path: FieldPath) -> None:
        """Report a tag the safe loader refuses (such as a Python one); its field says no more."""
        self._findings.add(path, f"the YAML tag {node.tag!r} is not supported here")
        self._findings.unreadable.add(path)


def kind_trap(node: yaml.Node | None) -> str | None:
    """Advice for unquoted text that YAML 1.1 reads as true/false, a number or a date."""
    if not isinstance(node, yaml.ScalarNode) or node.style or node.tag not in _READ_AS:
        return None
    if ":" in node.value and _READ_AS[node.tag] == "a number":
        return f'{node.value} must be written in quotes: "{node.value}"'
    return f'{node.value!r} was read as {_READ_AS[node.tag]}; put it in quotes: "{node.value}"'


def comma_split(node: yaml.Node | None, *, parent: yaml.Node | None) -> str | None:
    """The entry before `node` written with quotes, when `node` is a field without a value
    in braces that probably belongs to it: `{name: Ong, Ben}` reads `Ben` as a field.

    Returns for example `name: "Ong, Ben"`, or None when `node` is not such a field.
    """
    if not isinstance(parent, yaml.MappingNode) or not parent.flow_style:
        return None
    if not isinstance(node, yaml.ScalarNode) or node.tag != _NULL_TAG or node.value:
        return None
    for (key, value), (name, field) in itertools.pairwise(parent.value):
        if field is node and isinstance(value, yaml.ScalarNode):
            return f'{key.value}: "{value.value}, {name.value}"'
    return None


def describe(node: yaml.Node | None) -> str:
    """What the coordinator wrote, in a few words."""
    if isinstance(node, yaml.MappingNode):
        return "a group of fields"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node is None or node.tag == _NULL_TAG:
        return "nothing"
    return repr(node.value)
