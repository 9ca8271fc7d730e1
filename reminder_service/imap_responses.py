"""What the reply mailbox's IMAP responses mean, and how our commands spell their arguments.

Pure functions over the shapes aioimaplib 2.0.3 hands over (../shared/MAIL-SERVERS.md):
FETCH, SEARCH and SELECT responses, pushes during IDLE, a command's completion; and the
other way, sequence sets, quoted folder names, and the batches that keep each FETCH small
enough for aioimaplib's recursive parser. No I/O, so tests pin them without a server.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal

Line = bytes | bytearray
PushKind = Literal["news", "keepalive", "goodbye"]

BATCH_UIDS = 100
NEAR_BATCH_UIDS = 25
NEAR_ROUND_TRIP_S = 0.002
BATCH_BYTES = 16 * 1024 * 1024

_FETCH_START = re.compile(rb"\d+ FETCH \(")
_FETCH_UID = re.compile(rb"\bUID (\d+)")
_FETCH_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
_BODY_LITERAL = re.compile(rb"\bBODY\[(?:HEADER)?\](?:<\d+>)? \{\d+\}$")
_UIDVALIDITY = re.compile(rb"\[UIDVALIDITY (\d+)\]")


@dataclass(frozen=True, slots=True)
class FetchItem:
    """What one FETCH response line group says about a message; absent items are None."""

    uid: int
    size: int | None = None
    body: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Reply:
    """A command's outcome: OK, NO or BAD, the untagged lines, then the completion text."""

    result: str
    lines: list[Line]

    @property
    def data(self) -> list[Line]:
        """The untagged lines, without the completion text."""
        return self.lines[:-1]

    @property
    def text(self) -> str:
        """The server's completion text, e.g. "[AUTHENTICATIONFAILED] Authentication failed"."""
        text = bytes(self.lines[-1]).decode("utf-8", "replace") if self.lines else ""
        return text.strip().rstrip(".")


def classify_push(lines: Sequence[bytes]) -> PushKind:
    """What lines pushed during IDLE mean: BYE is goodbye, "OK ..." alone a keep-alive.

    Anything else (EXISTS, RECENT, EXPUNGE, FETCH, in any split) may mean new mail; the
    caller finds out with UID SEARCH rather than by counting.
    """
    if any(line.startswith(b"BYE") for line in lines):
        return "goodbye"
    if all(line.startswith(b"OK") for line in lines):
        return "keepalive"
    return "news"


def parse_fetch_lines(lines: Iterable[Line]) -> list[FetchItem]:
    """The messages described by a FETCH response's untagged lines, in the server's order.

    aioimaplib gives each text line as `bytes` (without the leading "* ") and each literal
    as a `bytearray` right after the line that announced it:
    `b'7 FETCH (UID 107 BODY[] {137}'`, `bytearray(b'<message>')`, `b')'`; a header
    fetch says `BODY[HEADER]<0> {n}` and its literal is the `body`. Lines before
    the first FETCH, and FETCH responses without a UID (flag changes made by another
    client), are skipped.
    """
    items: list[FetchItem] = []
    group: list[Line] = []
    for line in lines:
        if isinstance(line, bytes) and _FETCH_START.match(line):
            items.extend(_fetch_item(group))
            group = []
        group.append(line)
    items.extend(_fetch_item(group))
    return items


def sizes_of(lines: Iterable[Line], wanted: Collection[int]) -> dict[int, int | None]:
    """The RFC822.SIZE of each wanted UID in a FETCH response; None where none was given.

    A server may add a flag update carrying the same UID (another client marked it read
    meanwhile): it gives no size, and must not undo the one given.
    """
    sizes: dict[int, int | None] = {}
    for item in parse_fetch_lines(lines):
        if item.uid in wanted and (item.size is not None or item.uid not in sizes):
            sizes[item.uid] = item.size
    return sizes


def _fetch_item(group: Sequence[Line]) -> list[FetchItem]:
    text = b" ".join(line for line in group if isinstance(line, bytes))
    if not group or not _FETCH_START.match(group[0]) or not (uid := _FETCH_UID.search(text)):
        return []
    size = _FETCH_SIZE.search(text)
    body = next(
        (
            bytes(line)
            for before, line in pairwise(group)
            if isinstance(line, bytearray)
            and isinstance(before, bytes)
            and _BODY_LITERAL.search(before)
        ),
        None,
    )
    return [FetchItem(uid=int(uid[1]), size=int(size[1]) if size else None, body=body)]


def parse_search_lines(lines: Iterable[Line]) -> list[int]:
    """The numbers in a SEARCH response's untagged lines (aioimaplib gives b'103 104')."""
    return [int(token) for line in lines for token in bytes(line).split() if token.isdigit()]


def parse_uidvalidity(lines: Iterable[Line]) -> int | None:
    """The UIDVALIDITY a SELECT response announced, if any."""
    for line in lines:
        match = _UIDVALIDITY.search(bytes(line))
        if match:
            return int(match[1])
    return None


def sequence_set(uids: Iterable[int]) -> str:
    """An IMAP sequence set for these UIDs, with runs as ranges: [1, 2, 3, 7] -> "1:3,7"."""
    runs: list[list[int]] = []
    for uid in sorted(set(uids)):
        if runs and uid == runs[-1][1] + 1:
            runs[-1][1] = uid
        else:
            runs.append([uid, uid])
    if not runs:
        raise ValueError("a sequence set needs at least one UID")
    return ",".join(str(a) if a == b else f"{a}:{b}" for a, b in runs)


def mailbox_name(folder: str) -> str:
    """A folder name as an IMAP quoted string, non-ASCII in modified UTF-7 (RFC 3501 5.1.3)."""
    encoded: list[str] = []
    pending: list[str] = []
    for char in folder:
        if " " <= char <= "~":
            encoded.append(_shifted("".join(pending)))
            pending = []
            encoded.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    encoded.append(_shifted("".join(pending)))
    return quoted("".join(encoded))


def _shifted(text: str) -> str:
    if not text:
        return ""
    packed = base64.b64encode(text.encode("utf-16-be")).decode("ascii")
    return "&" + packed.rstrip("=").replace("/", ",") + "-"


def quoted(text: str) -> str:
    """`text` as an IMAP quoted string, with backslashes and double quotes escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    """`items` in order, in slices of at most `size`."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def literal_batch_uids(round_trip_s: float | None) -> int:
    """How many UIDs one FETCH of message bytes names, given the server's round trip.

    For every line of a FETCH response, aioimaplib 2.0.3 scans all the response's lines so
    far (`FetchCommand.wait_data`) and copies the rest of the data it holds, so one
    response costs the square of its messages: fetching 2,000 replies from a server on the
    same machine, 25 at a time took 0.45x to 0.48x the CPU of 100 at a time (10 and 50
    were slower). But each FETCH waits for a round trip, and over a slower link three
    more round trips per 100 messages cost more than that CPU. So NEAR_BATCH_UIDS when the
    server answers within NEAR_ROUND_TRIP_S (the same machine or network), else
    BATCH_UIDS, also when the round trip is not known yet.
    """
    if round_trip_s is not None and round_trip_s <= NEAR_ROUND_TRIP_S:
        return NEAR_BATCH_UIDS
    return BATCH_UIDS


def body_batches(sizes: dict[int, int], *, per_batch: int) -> Iterator[list[int]]:
    """UIDs in order, at most `per_batch` and (past the first) BATCH_BYTES per batch."""
    batch: list[int] = []
    total = 0
    for uid in sorted(sizes):
        if batch and (len(batch) == per_batch or total + sizes[uid] > BATCH_BYTES):
            yield batch
            batch, total = [], 0
        batch.append(uid)
        total += sizes[uid]
    if batch:
        yield batch
