"""What the reply parser decided about one inbound message.

Every message gets a Verdict, whatever it is: a meeting report, a machine's auto-reply, a
bounce, a stranger's mail or something unreadable. The parser never raises on bad mail; it
says why in `reason`. `explain-reply` prints this as JSON (`verdict_json`), which is a
public contract. `Verdict.answers_key` is the outbox key of our email the reply answers, when
its References name one (a reply to a confirmation disputes that very meeting), and
`answers_kind` its kind. `subject` is the message's Subject, for the review queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from reminder_service.core.model import ASKS_NOTHING

Role = Literal["mentor", "mentee"]


class Outcome(StrEnum):
    """What the message means for the program."""

    MEETING = "meeting"  # they met: log it
    NOT_MET = "not_met"  # not yet
    SKIP = "skip"  # skip this round
    PAUSE = "pause"  # pause [until a date]
    END = "end"  # end the mentoring relationship
    DISPUTE = "dispute"  # "that's wrong", NO to a confirmation
    ACKNOWLEDGED = "acknowledged"  # an undated "yes" to an email that asked nothing: no-op
    UNCLEAR = "unclear"  # a human from the pair, but we could not tell what they mean
    IGNORED = "ignored"  # machines: auto-replies, bounces, our own mail coming back
    REJECTED = "rejected"  # ours, but not acceptable: bad/expired token, wrong sender, hostile
    UNMATCHED = "unmatched"  # not a reply to anything of ours


class Reason(StrEnum):
    """Short codes for why a message was ignored, rejected or left unmatched.

    Understanding never gives `NO_MEETING_FOUND`: the store sets it on a recorded dispute
    that matched no meeting of the pair, to put it in the review queue.
    """

    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    LOOP = "loop"
    BAD_TOKEN = "bad_token"  # noqa: S105 - a reason code, not a secret
    EXPIRED_TOKEN = "expired_token"  # noqa: S105 - a reason code, not a secret
    SENDER_NOT_IN_PAIR = "sender_not_in_pair"
    AUTH_FAILED = "auth_failed"  # our mail server found the From domain forged
    NO_REFERENCE = "no_reference"
    TOO_LARGE = "too_large"
    TOO_COMPLEX = "too_complex"
    UNREADABLE = "unreadable"
    NO_TEXT = "no_text"
    NOT_UNDERSTOOD = "not_understood"
    NO_MEETING_FOUND = "no_meeting_found"


REASON_WORDS: dict[str, str] = {
    Reason.AUTO_REPLY: "an automatic reply",
    Reason.BOUNCE: "a delivery failure report",
    Reason.LOOP: "our own email came back",
    Reason.BAD_TOKEN: "the reply address was not one of ours (changed or forged)",
    Reason.EXPIRED_TOKEN: "the reply address is too old; they may have answered an old check-in",
    Reason.SENDER_NOT_IN_PAIR: "the sender is not the mentor or mentee of that pair",
    Reason.AUTH_FAILED: (
        "our mail server found the sender's address forged (DMARC/SPF/DKIM failed)"
    ),
    Reason.NO_REFERENCE: "not a reply to any of our emails",
    Reason.TOO_LARGE: "the message was too large to read",
    Reason.TOO_COMPLEX: "the message had too many parts or was nested too deep",
    Reason.UNREADABLE: "the message could not be read",
    Reason.NO_TEXT: "the reply had no text of its own",
    Reason.NOT_UNDERSTOOD: "the reply could not be understood",
    Reason.NO_MEETING_FOUND: "they said a meeting did not happen, but none of theirs matched",
}
"""Each reason in words for the coordinator, as the digest and `review` give it."""


@dataclass(frozen=True, slots=True)
class SentRef:
    """What one of our own Message-IDs was: the email we sent to a pair, its kind and key.

    `key` is the outbox idempotency key (e.g. `confirmation:42` names meeting 42), so a
    reply can say which of our emails it answers.
    """

    pair_id: str
    kind: str
    key: str = ""


@dataclass(frozen=True, slots=True)
class ReportedMeeting:
    """A meeting as the reply reported it.

    `date_stated` is False when the reply gave no date; the date is then the reply's own
    date in the sender's time zone.
    """

    date: date
    date_stated: bool
    duration_minutes: int | None


@dataclass(frozen=True, slots=True)
class Verdict:
    """The parser's decision about one message, with everything the shell needs to act on it."""

    outcome: Outcome
    pair_id: str | None = None
    sender_role: Role | None = None
    meeting: ReportedMeeting | None = None
    pause_until: date | None = None
    reason: Reason | None = None
    text: str = ""
    sender: str | None = None
    message_id: str | None = None
    failing_addresses: tuple[str, ...] = ()
    answers_key: str | None = None
    answers_kind: str | None = None
    subject: str = ""

    @property
    def wants_question(self) -> bool:
        """Whether to ask the sender back what they meant: an unclear reply from a member
        of a pair, unless it answers an email that asked them nothing (a thank-you, say)."""
        return (
            self.outcome is Outcome.UNCLEAR
            and self.pair_id is not None
            and self.sender_role is not None
            and asks_back(self.answers_kind)
        )


def asks_back(answers_kind: str | None) -> bool:
    """Whether an unclear reply to our email of this kind (None: not known) gets a question
    back: not when that email asked nothing."""
    return answers_kind not in ASKS_NOTHING


def verdict_json(verdict: Verdict) -> dict[str, object]:
    """The `explain-reply` JSON object: the documented contract, nothing more."""
    meeting = verdict.meeting
    return {
        "outcome": verdict.outcome.value,
        "pair": verdict.pair_id,
        "sender_role": verdict.sender_role,
        "meeting": None
        if meeting is None
        else {
            "date": meeting.date.isoformat(),
            "date_stated": meeting.date_stated,
            "duration_minutes": meeting.duration_minutes,
        },
        "pause_until": verdict.pause_until.isoformat() if verdict.pause_until else None,
        "reason": verdict.reason.value if verdict.reason else None,
        "text": verdict.text,
    }
