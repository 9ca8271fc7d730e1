"""A program file's compressed snapshot: the same bytes back, and the same checks as on
the whole bytes, wherever the chunks happen to split them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminder_service import file_snapshot
from reminder_service.file_snapshot import NON_PRINTABLE_UTF8, NotUtf8Error, Snapshot

_CHUNKS = st.integers(min_value=1, max_value=9)
_TEXT = st.text(
    st.one_of(
        st.sampled_from("\t\n\r &*:-é東😀\x7f\x85\ufffe\uffff"),
        st.characters(codec="utf-8"),
    ),
    max_size=60,
)


@pytest.fixture(autouse=True)
def _restore_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sets its own chunk size; the module's is put back after it."""
    monkeypatch.setattr(file_snapshot, "CHUNK", file_snapshot.CHUNK)


@given(_TEXT, _CHUNKS, st.lists(st.integers(min_value=1, max_value=7), max_size=40))
def test_a_snapshot_gives_back_the_bytes_whole_or_read_in_any_sizes(
    text: str, chunk: int, sizes: list[int]
) -> None:
    """Whole, or read a few bytes at a time as libyaml reads it, the snapshot is the
    file's bytes."""
    file_snapshot.CHUNK = chunk
    data = text.encode()

    snapshot = Snapshot.of(data)
    stream = snapshot.stream()
    read = b"".join(stream.read(size) for size in sizes) + stream.read()

    assert snapshot.data() == data
    assert read == data
    assert stream.read(5) == b""


@given(_TEXT, _CHUNKS)
def test_a_snapshots_checks_are_those_of_the_whole_bytes(text: str, chunk: int) -> None:
    """Tabs, the characters PyYAML refuses and libyaml takes, and anchor marks are found
    however the chunks split the bytes, even inside a character."""
    file_snapshot.CHUNK = chunk
    data = text.encode()

    snapshot = Snapshot.of(data)

    assert snapshot.tabs == (b"\t" in data)
    assert snapshot.non_printable == bool(NON_PRINTABLE_UTF8.search(data))
    assert snapshot.anchor_marks == (b"&" in data or b"*" in data)


@pytest.mark.parametrize("character", ["\x7f", "\x80", "\x9f", "\ufffe", "\uffff"])
def test_a_refused_character_split_over_chunks_of_one_byte_is_found(character: str) -> None:
    """A character PyYAML refuses is found even when every byte of it is a chunk of its
    own."""
    file_snapshot.CHUNK = 1

    assert Snapshot.of(f"a: {character}".encode()).non_printable


@given(
    st.lists(
        st.one_of(
            st.binary(max_size=4),
            st.sampled_from([b"\n", "é".encode(), "東".encode(), "😀".encode(), b"\xe6\x9d"]),
        ),
        max_size=20,
    ).map(b"".join),
    _CHUNKS,
)
def test_bytes_that_are_not_utf8_are_refused_on_the_line_of_their_first_bad_byte(
    data: bytes, chunk: int
) -> None:
    """A snapshot refuses exactly the bytes that are not UTF-8, naming the line of the
    first byte that is not, as decoding the whole would."""
    file_snapshot.CHUNK = chunk
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        expected: int | None = data.count(b"\n", 0, exc.start) + 1
    else:
        expected = None

    try:
        Snapshot.of(data)
    except NotUtf8Error as exc:
        refused: int | None = exc.line
    else:
        refused = None

    assert refused == expected


def test_a_file_read_a_chunk_at_a_time_is_its_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading the file itself, in chunks, gives the snapshot of its bytes."""
    monkeypatch.setattr(file_snapshot, "CHUNK", 7)
    data = "program:\n  name: Zoë & Ana\n\tpairs: *x\n".encode() * 5
    path = tmp_path / "program.yaml"
    path.write_bytes(data)

    assert Snapshot.read(path) == Snapshot.of(data)
