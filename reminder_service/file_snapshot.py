"""One read of a program file, kept compressed, for every pass of reading it.

A program file is read in up to three passes (the quick reader; then, for a file with a
mistake, libyaml's own parse and the careful reader). Each pass must see the same
content, even if the file is saved again meanwhile, so the file is read once. Held as it
is, that copy is 24 MB at 100,000 pairs for the whole read, on top of the running program
during a reload. YAML compresses about ninefold, so the copy is kept zlib-compressed, and
each pass reads it back as a stream, a chunk at a time: 2.75 MB instead of 24, for about
0.05 s of CPU per pass. The checks that libyaml's readers need of the whole text (UTF-8,
tabs, the characters PyYAML judges differently, anchor marks) are made once, on the way
in.
"""

from __future__ import annotations

import codecs
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["NotUtf8Error", "Snapshot", "SnapshotStream"]

CHUNK = 1 << 20
"""How much of the file is read, checked and compressed at a time."""

NON_PRINTABLE_UTF8 = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x84\x86-\x9f]|\xef\xbf[\xbe\xbf]"
)
"""PyYAML's `Reader.NON_PRINTABLE` for UTF-8 bytes: the encodings of the characters it
matches, the controls but tab, line ends and U+0085, and U+FFFE and U+FFFF (surrogates
have none). Each starts with a byte that only ever starts a character, so in UTF-8 a
match is always one whole character."""

_LONGEST_MATCH = 3
"""The longest encoding `NON_PRINTABLE_UTF8` matches, in bytes."""


class NotUtf8Error(ValueError):
    """The file is not UTF-8; `line` is where its first invalid byte is."""

    def __init__(self, line: int) -> None:
        super().__init__(f"not UTF-8 from line {line}")
        self.line = line


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A file's bytes as read once, compressed, with what the readers check of them.

    `tabs` and `non_printable`: whether a tab, or a character PyYAML refuses and libyaml
    does not (see `NON_PRINTABLE_UTF8`), is anywhere in it; `anchor_marks`: whether an `&`
    or `*` is, without which no anchor or alias can be written.
    """

    compressed: bytes
    tabs: bool
    non_printable: bool
    anchor_marks: bool

    @classmethod
    def of(cls, data: bytes) -> Snapshot:
        """The snapshot of `data`, which must be UTF-8 (NotUtf8Error otherwise)."""
        return cls._made(data[start : start + CHUNK] for start in range(0, len(data), CHUNK))

    @classmethod
    def read(cls, path: Path) -> Snapshot:
        """Read the file at `path` once, a chunk at a time (OSError, NotUtf8Error)."""
        with path.open("rb") as file:
            return cls._made(iter(lambda: file.read(CHUNK), b""))

    @classmethod
    def _made(cls, chunks: Iterable[bytes]) -> Snapshot:
        compressor = zlib.compressobj(1)
        decoder = _Utf8Check()
        parts: list[bytes] = []
        tabs = non_printable = anchor_marks = False
        tail = b""
        for chunk in chunks:
            decoder.take(chunk)
            tabs = tabs or b"\t" in chunk
            non_printable = non_printable or bool(NON_PRINTABLE_UTF8.search(tail + chunk))
            anchor_marks = anchor_marks or b"&" in chunk or b"*" in chunk
            tail = (tail + chunk)[-(_LONGEST_MATCH - 1) :]
            parts.append(compressor.compress(chunk))
        decoder.finish()
        parts.append(compressor.flush())
        return cls(b"".join(parts), tabs, non_printable, anchor_marks)

    def stream(self) -> SnapshotStream:
        """The bytes again, from the start, to be read a chunk at a time."""
        return SnapshotStream(self.compressed)

    def data(self) -> bytes:
        """The bytes again, whole (for the pure-Python reader and error messages)."""
        return zlib.decompress(self.compressed)


class SnapshotStream:
    """A snapshot's bytes as a binary stream: `read(size)` is all that libyaml asks.

    At most about a chunk is decompressed ahead of what has been read.
    """

    def __init__(self, compressed: bytes) -> None:
        self._decompressor = zlib.decompressobj()
        self._compressed = memoryview(compressed)
        self._pending = b""
        self._at = 0
        self._done = False

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes (all that is left when negative); b"" at the end."""
        while (size < 0 or len(self._pending) - self._at < size) and not self._done:
            self._decompress_more()
        end = len(self._pending) if size < 0 else self._at + size
        taken = self._pending[self._at : end]
        self._at += len(taken)
        return taken

    def _decompress_more(self) -> None:
        decompressor = self._decompressor
        if decompressor.unconsumed_tail:
            more = decompressor.decompress(decompressor.unconsumed_tail, CHUNK)
        elif self._compressed:
            step, self._compressed = self._compressed[:CHUNK], self._compressed[CHUNK:]
            more = decompressor.decompress(step, CHUNK)
        else:
            more = decompressor.flush()
            self._done = True
        self._pending = self._pending[self._at :] + more
        self._at = 0


class _Utf8Check:
    """Checks that chunks, taken in order, are UTF-8, counting lines to say where not."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._lines_before = 0

    def take(self, chunk: bytes) -> None:
        """Check `chunk`; NotUtf8Error at the first byte that is not UTF-8."""
        try:
            self._decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            # The decoder reports the byte in the few bytes of an unfinished character it
            # held over from the chunk before (never a line end), followed by `chunk`.
            start = exc.start - (len(exc.object) - len(chunk))
            line = self._lines_before + chunk.count(b"\n", 0, max(start, 0)) + 1
            raise NotUtf8Error(line) from exc
        self._lines_before += chunk.count(b"\n")

    def finish(self) -> None:
        """The end: a character left unfinished is an error too."""
        try:
            self._decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise NotUtf8Error(self._lines_before + 1) from None
