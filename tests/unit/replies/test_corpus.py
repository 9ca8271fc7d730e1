"""The reply corpus: every message in tests/corpus/replies gets the verdict its sidecar expects.

Each `NAME.eml` has a `NAME.expected.json` holding a subset of the `explain-reply` JSON
(outcome, pair, sender_role, meeting, pause_until, reason, text) and optionally
"text_contains" and "text_excludes": strings the stripped text must and must not contain
(tests/corpus/replies/README.md). The messages are read against the corpus's own
program.yaml and context.json, through `understand`, exactly as `explain-reply` does.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from reminder_service.core.replies.understand import ReplyContext, understand
from reminder_service.core.replies.verdict import SentRef, verdict_json
from reminder_service.program import load_program

CORPUS = Path(__file__).parents[2] / "corpus" / "replies"
MESSAGES = sorted(CORPUS.glob("*.eml"))


@pytest.fixture(scope="module")
def context() -> ReplyContext:
    """The reply context every corpus message is read in."""
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


def test_corpus_is_big_enough() -> None:
    """The corpus holds at least 80 messages, each with its expected verdict."""
    assert len(MESSAGES) >= 80
    missing = [m.name for m in MESSAGES if not _expected_path(m).is_file()]
    assert missing == []


@pytest.mark.parametrize("message", MESSAGES, ids=[m.name for m in MESSAGES])
def test_verdict_matches_expectation(message: Path, context: ReplyContext) -> None:
    """The message's verdict has every expected value, and its text only the expected phrases."""
    expected = json.loads(_expected_path(message).read_text(encoding="utf-8"))
    wanted = expected.pop("text_contains", [])
    unwanted = expected.pop("text_excludes", [])
    actual = verdict_json(understand(message.read_bytes(), context=context))
    assert {key: actual.get(key) for key in expected} == expected, actual["text"]
    text = str(actual["text"])
    assert [phrase for phrase in wanted if phrase not in text] == [], text
    assert [phrase for phrase in unwanted if phrase in text] == [], text


def _expected_path(message: Path) -> Path:
    return message.with_name(f"{message.stem}.expected.json")
