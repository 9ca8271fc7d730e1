"""Understanding alone: replies per second over the reply corpus, and the slowest message.

Every message in tests/corpus/replies is read through `understand` in the corpus's own
context, as tests/unit/replies/test_corpus.py does. The baseline, measured in the same run,
is what parsing alone costs: `email.message_from_bytes(raw, policy=policy.default)` and
`get_body()` on each message. Each figure is the median of several passes over the corpus;
the slowest message is the one with the highest median time.

Run: .venv/bin/python bench/understanding.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time as clock
from collections.abc import Callable
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

from runs import reproduce_command

from reminder_service.core.replies.understand import ReplyContext, understand
from reminder_service.core.replies.verdict import SentRef
from reminder_service.program import load_program

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus" / "replies"


def corpus_context() -> ReplyContext:
    """The context every corpus message is read in: its program.yaml and context.json."""
    settings = json.loads((CORPUS / "context.json").read_text(encoding="utf-8"))
    sent = {
        message_id: SentRef(pair_id=ref["pair_id"], kind=ref["kind"])
        for message_id, ref in settings["sent"].items()
    }
    return ReplyContext(
        program=load_program(CORPUS / "program.yaml"),
        key=settings["key"].encode("utf-8"),
        mailbox=settings["mailbox"],
        our_addresses=frozenset(address.lower() for address in settings["our_addresses"]),
        now=datetime.fromisoformat(settings["now"]),
        sent=sent.get,
    )


def parse_only(raw: bytes) -> None:
    """The baseline: parse the message and find its body, as any reader must."""
    message = message_from_bytes(raw, policy=policy.default)
    message.get_body(preferencelist=("plain", "html"))


def timed_pass(messages: dict[str, bytes], read: Callable[[bytes], object]) -> dict[str, float]:
    """One pass over the corpus: seconds per message, by name."""
    times: dict[str, float] = {}
    for name, raw in messages.items():
        started = clock.perf_counter()
        read(raw)
        times[name] = clock.perf_counter() - started
    return times


def medians(passes: list[dict[str, float]]) -> tuple[float, dict[str, float]]:
    """The median pass total, and each message's median time."""
    total = statistics.median(sum(times.values()) for times in passes)
    each = {name: statistics.median(times[name] for times in passes) for name in passes[0]}
    return total, each


def run(*, passes: int, command: str) -> None:
    """Time `passes` alternating passes of both readers; print the table and the ratio."""
    context = corpus_context()
    messages = {path.name: path.read_bytes() for path in sorted(CORPUS.glob("*.eml"))}

    def read(raw: bytes) -> object:
        return understand(raw, context=context)

    timed_pass(messages, read)
    full: list[dict[str, float]] = []
    parse: list[dict[str, float]] = []
    for _ in range(passes):
        full.append(timed_pass(messages, read))
        parse.append(timed_pass(messages, parse_only))
    full_s, full_each = medians(full)
    parse_s, _ = medians(parse)
    count = len(messages)
    slowest = max(full_each, key=full_each.__getitem__)
    print(f"# {command}  ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")
    print(f"understanding {count} corpus replies, median of {passes} passes")
    print("| reader | s per pass | replies/s | ms per reply | x parse alone |")
    print("|---|---:|---:|---:|---:|")
    for label, seconds in (("understand", full_s), ("parse + get_body", parse_s)):
        print(
            f"| {label} | {seconds:.3f} | {count / seconds:,.0f} | "
            f"{1000 * seconds / count:.2f} | {seconds / parse_s:.1f}x |"
        )
    print(f"slowest message: {slowest} ({1000 * full_each[slowest]:.1f} ms)")


def main() -> None:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two passes, a smoke run")
    parser.add_argument("--passes", type=int, default=7, help="passes over the corpus (median)")
    args = parser.parse_args()
    command = reproduce_command("understanding.py", sys.argv[1:])
    run(passes=2 if args.quick else args.passes, command=command)


if __name__ == "__main__":
    main()
