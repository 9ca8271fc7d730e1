"""One inbound message in, one Verdict out: the pipeline `explain-reply` and the daemon share.

The steps run in the order that keeps people safe from machines and strangers:
read the message within limits, set machines aside (our own mail, bounces, auto-replies),
find the pair, check that the sender belongs to it (and that our mail server did not
find the From forged), and only then read what they wrote.
Everything the shell needs (the context) comes in as arguments: no clock, no database.
Whatever the bytes, `understand` returns a Verdict and never raises.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from reminder_service.core.addresses import comparable_address
from reminder_service.core.model import Pair, Program
from reminder_service.core.replies.machines import machine_reason
from reminder_service.core.replies.matching import (
    Match,
    auth_failed,
    bounced_pair,
    expired_pair,
    match_pair,
    sender_role,
)
from reminder_service.core.replies.meaning import Meaning, meaning_of
from reminder_service.core.replies.mime import Limits, ParsedMail, header_of, read_mail
from reminder_service.core.replies.strip import before_signed_name, reply_text
from reminder_service.core.replies.verdict import Outcome, Reason, Role, SentRef, Verdict

_FUTURE_SLACK = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class ReplyContext:
    """What the pipeline needs to know beyond the message, supplied by the shell.

    `sent` looks up one of our Message-IDs (what we sent, or None). `our_addresses` are our
    From and mailbox addresses, to recognise our own mail coming back; they are kept as
    `comparable_address` gives them, once here rather than for every message. `now` is
    when the message is processed; token expiry and undated replies use it.
    `trusted_authserv_id` names our own receiving server in Authentication-Results headers;
    only its results are believed (None: the headers are ignored).
    """

    program: Program
    key: bytes = field(repr=False)
    mailbox: str
    our_addresses: frozenset[str]
    now: datetime
    sent: Callable[[str], SentRef | None]
    limits: Limits = field(default_factory=Limits)
    token_max_age: timedelta = timedelta(days=400)
    trusted_authserv_id: str | None = None

    def __post_init__(self) -> None:
        ours = frozenset(comparable_address(address) for address in self.our_addresses)
        object.__setattr__(self, "our_addresses", ours)  # frozen: the one way to normalise


def understand(raw: bytes, *, context: ReplyContext) -> Verdict:
    """The verdict on the raw message `raw`; any failure inside is REJECTED/UNREADABLE."""
    return understood(raw, context=context)[0]


def understood(raw: bytes, *, context: ReplyContext) -> tuple[Verdict, bool]:
    """`understand`'s verdict on `raw`, and whether its body was read.

    The shell needs the second: a reply refused unread must stay where someone can read
    it, and its verdict's reason does not always say so (a forged sender is AUTH_FAILED).
    """
    try:
        mail = read_mail(raw, limits=context.limits)
        if isinstance(mail, ParsedMail):
            return _understand(mail, context=context), True
        if mail is Reason.UNREADABLE:
            return Verdict(outcome=Outcome.REJECTED, reason=mail), False
        return unread_verdict(header_of(raw), reason=mail, context=context), False
    except Exception:  # the parser must never raise on mail, however hostile
        return Verdict(outcome=Outcome.REJECTED, reason=Reason.UNREADABLE), False


def _understand(mail: ParsedMail, *, context: ReplyContext) -> Verdict:
    heard = _Heard(mail=mail, text=reply_text(mail.body), program=context.program)
    machine = _machine(mail, context=context)
    if machine is not None:
        reason, failing, pair_id = machine
        return heard.verdict(Outcome.IGNORED, reason=reason, pair_id=pair_id, failing=failing)
    matched = match_pair(mail, context=context)
    if matched is Reason.NO_REFERENCE:
        return heard.verdict(Outcome.UNMATCHED, reason=matched)
    if isinstance(matched, Reason):
        pair_id = expired_pair(mail, context=context) if matched is Reason.EXPIRED_TOKEN else None
        return heard.verdict(Outcome.REJECTED, reason=matched, pair_id=pair_id)
    return _member_verdict(heard, matched=matched, context=context)


def unread_verdict(head: bytes | None, *, reason: Reason, context: ReplyContext) -> Verdict:
    """The verdict on a message refused unread (`reason`), from its header `head` alone.

    It is REJECTED whatever it says, since its body was never read; but it names the
    sender, Subject and Message-ID, and the pair when the sender belongs to the pair it
    answers, so the coordinator can find it and read it in the mailbox. The checks of a
    full read that need only the header come first, with the same verdicts: a machine's
    message is IGNORED, and a member address our server found forged is AUTH_FAILED.
    """
    refused = Verdict(outcome=Outcome.REJECTED, reason=reason)
    mail = read_mail(head, limits=context.limits) if head else None
    if not isinstance(mail, ParsedMail):
        return refused
    named = replace(
        refused, sender=mail.from_addr, message_id=mail.message_id, subject=mail.subject
    )
    machine = _machine(mail, context=context)
    if machine is not None:
        reason, failing, pair_id = machine
        return replace(
            named,
            outcome=Outcome.IGNORED,
            reason=reason,
            failing_addresses=failing,
            pair_id=pair_id,
        )
    return _unread_member_verdict(mail, named=named, context=context)


def _unread_member_verdict(mail: ParsedMail, *, named: Verdict, context: ReplyContext) -> Verdict:
    """`named` with the pair when the sender belongs to the pair the header answers."""
    matched = match_pair(mail, context=context)
    member = (
        None if isinstance(matched, Reason) else _member(mail, matched[0], program=context.program)
    )
    if member is None:
        return named
    pair, role = member
    if auth_failed(mail, authserv_id=context.trusted_authserv_id):
        named = replace(named, reason=Reason.AUTH_FAILED)
    return replace(named, pair_id=pair.id, sender_role=role)


def _member_verdict(heard: _Heard, *, matched: Match, context: ReplyContext) -> Verdict:
    """The verdict on a reply matched to a pair: the sender's standing, then their words."""
    pair_id, ref = matched
    member = _member(heard.mail, pair_id, program=context.program)
    if member is None:
        return heard.verdict(Outcome.REJECTED, reason=Reason.SENDER_NOT_IN_PAIR, pair_id=pair_id)
    pair, role = member
    if auth_failed(heard.mail, authserv_id=context.trusted_authserv_id):
        return heard.verdict(Outcome.REJECTED, reason=Reason.AUTH_FAILED, pair_id=pair_id)
    heard = replace(heard, text=before_signed_name(heard.text, _names(pair, role, heard.mail)))
    if not heard.text:
        return heard.verdict(Outcome.UNCLEAR, reason=Reason.NO_TEXT, pair_id=pair_id, answers=ref)
    meaning = meaning_of(
        heard.text,
        sent=_reply_time(heard.mail.date, now=context.now),
        zone=_sender_zone(pair, role),
        date_order=context.program.date_order_of(pair),
        replying_to=ref.kind if ref is not None else "checkin",
    )
    return heard.verdict(
        meaning.outcome,
        reason=Reason.NOT_UNDERSTOOD if meaning.outcome is Outcome.UNCLEAR else None,
        pair_id=pair_id,
        meaning=meaning,
        answers=ref,
    )


def _member(mail: ParsedMail, pair_id: str, *, program: Program) -> tuple[Pair, Role] | None:
    """The program pair `pair_id` and the sender's role in it; None unless they belong to it."""
    pair = program.pair(pair_id)
    if pair is None:
        return None
    role = sender_role(mail, pair)
    return None if isinstance(role, Reason) else (pair, role)


def _machine(
    mail: ParsedMail, *, context: ReplyContext
) -> tuple[Reason, tuple[str, ...], str | None] | None:
    """Why `mail` is a machine's, the addresses it says failed, and the pair it concerns
    when that can be told (for the review only); None when a person sent it."""
    machine = machine_reason(mail, our_addresses=context.our_addresses, sent=context.sent)
    if machine is None:
        return None
    reason, failing = machine
    if reason is Reason.BOUNCE:
        return reason, failing, bounced_pair(mail, context=context)
    matched = match_pair(mail, context=context)
    return reason, failing, None if isinstance(matched, Reason) else matched[0]


@dataclass(frozen=True, slots=True)
class _Heard:
    """A readable message and its stripped text, which every verdict about it reports."""

    mail: ParsedMail
    text: str
    program: Program

    def role(self, pair_id: str | None) -> Role | None:
        """The sender's role in that pair, if it is a program pair and they belong to it."""
        member = _member(self.mail, pair_id, program=self.program) if pair_id is not None else None
        return None if member is None else member[1]

    def verdict(
        self,
        outcome: Outcome,
        *,
        reason: Reason | None,
        pair_id: str | None = None,
        failing: tuple[str, ...] = (),
        meaning: Meaning | None = None,
        answers: SentRef | None = None,
    ) -> Verdict:
        """A verdict about this message, always naming its sender, Message-ID and text."""
        return Verdict(
            outcome=outcome,
            pair_id=pair_id,
            sender_role=self.role(pair_id),
            meeting=meaning.meeting if meaning is not None else None,
            pause_until=meaning.pause_until if meaning is not None else None,
            reason=reason,
            text=self.text,
            sender=self.mail.from_addr,
            message_id=self.mail.message_id,
            failing_addresses=failing,
            answers_key=(answers.key or None) if answers is not None else None,
            answers_kind=answers.kind if answers is not None else None,
            subject=self.mail.subject,
        )


def _reply_time(date: datetime | None, *, now: datetime) -> datetime:
    """The reply's own Date, unless it is missing or implausibly far in the future."""
    if date is None or date > now + _FUTURE_SLACK:
        return now
    return date


def _names(pair: Pair, role: Role, mail: ParsedMail) -> list[str]:
    """The names the sender may sign with: their full name, first name, and first name
    with the initial of the last ("Ben O."), in the program and in their From header."""
    person = pair.mentor if role == "mentor" else pair.mentee
    full = [person.name, mail.from_name]
    words = [name.split() for name in full if name.split()]
    initialled = [f"{parts[0]} {parts[-1][0]}" for parts in words if len(parts) > 1]
    return [*full, *(parts[0] for parts in words), *initialled]


def _sender_zone(pair: Pair, role: Role) -> ZoneInfo:
    """The zone the sender's own words are read in: their own, else the pair's."""
    person = pair.mentor if role == "mentor" else pair.mentee
    return person.timezone or pair.timezone
