"""Every email the service sends: Jinja2 templates rendered into RFC 5322 messages.

Coordinators may edit the templates, so they run in a sandbox with StrictUndefined, and every
failure is reported with the file and line a coordinator can open. Names and addresses from
the program reach headers only through `email.headerregistry.Address` (which refuses CR and
LF) and reach HTML only autoescaped. A Composer loads its templates once and keeps them, so
a template edited on disk takes effect only when a new Composer is built and checked.

Each kind of email (`Kind`) has three templates: `KIND.subject.j2`, `KIND.txt.j2` and
`KIND.html.j2`. Emails to a pair carry the signed Reply-To token and are threaded under the
pair's own root; the coordinator's emails (the digest and the notices) carry neither, because
replies to them are not read. What the templates see is built in `compose_views` (and in
`compose_digest` for the digest); this module turns it into messages.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.utils import format_datetime, make_msgid, parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, Template, TemplateNotFound
from jinja2 import TemplateSyntaxError as JinjaSyntaxError
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from reminder_service import template_growth, template_joins, template_widths
from reminder_service.addresses import ascii_address
from reminder_service.built_in_templates import BUILT_IN_TEMPLATES
from reminder_service.compose_digest import digest_context, digest_samples
from reminder_service.compose_views import (
    COORDINATOR_KINDS,
    MEETING_KINDS,
    RELATIONSHIP_KINDS,
    TOTALS_KINDS,
    Envelope,
    local_date,
    pair_samples,
    period_context,
    question_context,
    relationship_context,
    relationship_recipients,
)
from reminder_service.core.due import period_kind
from reminder_service.core.message_ids import header_message_id
from reminder_service.core.model import (
    Checkin,
    DigestFacts,
    Kind,
    MeetingRecord,
    Outgoing,
    Pair,
    Person,
    Planned,
    Program,
    Totals,
)
from reminder_service.core.tokens import make_token, reply_address
from reminder_service.email_bytes import (
    address_field,
    alternative,
    list_id_field,
    mailbox,
    text_field,
    token_field,
)
from reminder_service.errors import ConfigError
from reminder_service.template_widths import RENDERED_LIMIT, check_printf

KINDS = tuple(kind.value for kind in Kind)
_LAYOUTS = ("layout.txt.j2", "layout.html.j2", "notice_layout.txt.j2", "notice_layout.html.j2")


def templates_of(kind: str) -> tuple[str, str, str]:
    """The subject, text and HTML template names of one kind of email."""
    return (f"{kind}.subject.j2", f"{kind}.txt.j2", f"{kind}.html.j2")


CHECKIN_TEMPLATES = templates_of("checkin")
ALL_TEMPLATES = (*(name for kind in KINDS for name in templates_of(kind)), *_LAYOUTS)


def question_key(pair: Pair, to: Person, replied_at: datetime) -> str:
    """The idempotency key of the question back to `to` about a reply at `replied_at`: one a
    day per person, on the reply's date where the pair lives."""
    return (
        f"question:{pair.id}:{to.email.lower()}:{local_date(replied_at, pair.timezone).isoformat()}"
    )


@dataclass(frozen=True)
class Identity:
    """Who the emails come from and where replies go, from the deployment's settings."""

    from_header: str
    reply_mailbox: str
    secret_key: bytes = field(repr=False)
    token_max_age: timedelta = timedelta(days=400)


class _Undefined(StrictUndefined):
    """StrictUndefined whose message names the template expression: 'pair.mentr' is undefined."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        path = getattr(self._undefined_obj, "_path", None)
        if self._undefined_hint is None and isinstance(path, str):
            return f"'{path}.{self._undefined_name}' is undefined"
        return super()._undefined_message


Found = dict[str, dict[str, None]]
"""Template problems, each with for whom it failed (`for pair ID`, `the digest`), in the
order they were met: the dictionaries keep the order and drop repeats."""


class Composer:
    """Renders every kind of email from a templates folder into messages for the outbox."""

    def __init__(
        self,
        templates_dir: Path,
        *,
        identity: Identity,
        fallback: Path | None = BUILT_IN_TEMPLATES,
    ) -> None:
        """Load and compile every template now; raises ConfigError naming file and line.

        A template missing from `templates_dir` comes from `fallback` (the built-in set), so
        a coordinator's folder with a few edited files keeps working when new kinds arrive.
        """
        self._identity = identity
        self._sender = _sender(identity)
        self._envelope_sender, self._domain = _ascii_sender(identity, self._sender)
        """The From address and domain in ASCII (IDNA) form: envelope, Message-IDs, List-Id."""
        self._from_field = _from_field(identity, self._sender)
        self._templates = _load_templates(templates_dir, fallback=fallback)

    def checkin(
        self,
        program: Program,
        pair: Pair,
        checkin: Checkin,
        *,
        now: datetime,
        previous_message_id: str | None,
    ) -> Outgoing:
        """The email for a cadence period: a check-in, a reminder or the pause-or-end question.

        The escalation ladder picks the kind from `checkin.level`; a reminder step may copy
        the coordinator. Every level keeps the period's key, so a period sends one email.
        ConfigError if a template fails.
        """
        if checkin.pair_id != pair.id:
            raise ValueError(f"check-in for {checkin.pair_id} given with pair {pair.id}")
        kind, step = period_kind(program, checkin.level)
        cc = (program.coordinator,) if step is not None and step.cc_coordinator else ()
        today = local_date(now, pair.timezone)
        reply_to = self._reply_to(pair, today)
        context = period_context(
            program, pair, checkin, today=today, reply_to=reply_to, coordinator_in_copy=bool(cc)
        )
        envelope = Envelope(
            to=pair.members,
            cc=cc,
            reply_to=reply_to,
            thread=(self._thread_root(program, pair), previous_message_id),
        )
        return self._assemble(
            kind,
            program,
            pair,
            envelope=envelope,
            context=context,
            now=now,
            key=f"checkin:{pair.id}:{checkin.period.isoformat()}",
            period=checkin.period,
        )

    def question(
        self,
        program: Program,
        pair: Pair,
        *,
        to: Person,
        in_reply_to: str | None,
        now: datetime,
        replied_at: datetime | None = None,
        answered: str | None = None,
    ) -> Outgoing:
        """A short question back to someone whose reply we could not understand.

        At most one a day per person (the idempotency key names the local date of the reply,
        `replied_at`, by default `now`), so a reply that keeps being unclear cannot start a
        loop, and asking again about a stored reply never asks twice. `answered` is the kind
        of our email the reply answered, when known, so the subject follows that email's.
        """
        today = local_date(now, pair.timezone)
        reply_to = self._reply_to(pair, today)
        context = question_context(
            program, pair, to=to, today=today, reply_to=reply_to, answered=answered
        )
        envelope = Envelope(
            to=(to,), reply_to=reply_to, thread=(self._thread_root(program, pair), in_reply_to)
        )
        return self._assemble(
            Kind.QUESTION,
            program,
            pair,
            envelope=envelope,
            context=context,
            now=now,
            key=question_key(pair, to, replied_at or now),
            period=local_date(replied_at or now, pair.timezone),
        )

    def relationship(
        self,
        program: Program,
        pair: Pair,
        planned: Planned,
        *,
        now: datetime,
        totals: Totals | None,
        meeting: MeetingRecord | None,
        previous_message_id: str | None,
    ) -> Outgoing:
        """An email that answers an event in a pair, as the core planned it.

        Thank-yous, anniversaries and farewells need `totals`; thank-yous, confirmations and
        dispute notices need the `meeting` they are about. The key and kind are the plan's;
        the period is the local date the email was due. ConfigError if a template fails.
        """
        _check_planned(pair, planned, totals=totals, meeting=meeting)
        today = local_date(now, pair.timezone)
        to, cc = relationship_recipients(program, pair, planned.kind, meeting)
        if planned.kind in COORDINATOR_KINDS:
            envelope = Envelope(to=to, cc=cc)
        else:
            envelope = Envelope(
                to=to,
                cc=cc,
                reply_to=self._reply_to(pair, today),
                thread=(self._thread_root(program, pair), previous_message_id),
            )
        context = relationship_context(
            program,
            pair,
            planned,
            envelope=envelope,
            totals=totals,
            meeting=meeting,
            today=today,
        )
        return self._assemble(
            planned.kind,
            program,
            pair,
            envelope=envelope,
            context=context,
            now=now,
            key=planned.key,
            period=local_date(planned.due_at, pair.timezone),
        )

    def digest(self, program: Program, facts: DigestFacts, *, now: datetime) -> Outgoing:
        """The coordinator's digest of `facts`; one a day at most (the key names the date).

        Whether there is anything worth sending is the caller's question (core.digest).
        """
        today = local_date(now, program.timezone)
        return self._assemble(
            Kind.DIGEST,
            program,
            None,
            envelope=Envelope(to=(program.coordinator,)),
            context=digest_context(program, facts, now=now),
            now=now,
            key=f"digest:{today.isoformat()}",
            period=today,
        )

    def problems(
        self, program: Program, *, now: datetime, pairs: Sequence[Pair] | None = None
    ) -> list[str]:
        """Every template failure for each of `pairs` (default: every pair of the program)
        and kind, and for the digest, in words a coordinator can act on."""
        chosen = program.pairs if pairs is None else pairs
        return problem_lines(
            self.pair_problems(program, chosen, now=now), self.digest_problems(program, now=now)
        )

    def pair_problems(self, program: Program, pairs: Sequence[Pair], *, now: datetime) -> Found:
        """Every template failure for each of `pairs` and each kind of email they get."""
        found: Found = {}
        for pair in pairs:
            reply_to = self._reply_to(pair, local_date(now, pair.timezone))
            for kind, context in pair_samples(program, pair, now=now, reply_to=reply_to):
                self._collect(found, kind, context, for_whom=_for_whom(pair))
        return found

    def digest_problems(self, program: Program, *, now: datetime) -> Found:
        """Every template failure of the coordinator's digest."""
        found: Found = {}
        for context in digest_samples(program, now=now):
            self._collect(found, Kind.DIGEST, context, for_whom=_for_whom(None))
        return found

    def _collect(
        self,
        found: Found,
        kind: Kind,
        context: dict[str, object],
        *,
        for_whom: str,
    ) -> None:
        for name in templates_of(kind):
            try:
                self._render(name, context, for_whom=for_whom)
            except _RenderError as exc:
                found.setdefault(exc.problem, {})[exc.for_whom] = None

    def _assemble(
        self,
        kind: Kind,
        program: Program,
        pair: Pair | None,
        *,
        envelope: Envelope,
        context: dict[str, object],
        now: datetime,
        key: str,
        period: date,
    ) -> Outgoing:
        for_whom = _for_whom(pair)
        subject, text, html = (
            self._render(name, context, for_whom=for_whom) for name in templates_of(kind)
        )
        message_id = make_msgid(domain=self._domain)
        fields = [
            self._from_field,
            address_field("To", _addresses(envelope.to, pair)),
            *([address_field("Cc", _addresses(envelope.cc, pair))] if envelope.cc else []),
            text_field("Subject", subject),
            token_field("Date", format_datetime(now)),
            token_field("Message-ID", message_id),
        ]
        if envelope.reply_to is not None:
            reply_to = mailbox(self._sender.display_name, envelope.reply_to)
            fields.append(address_field("Reply-To", [reply_to]))
        fields += [
            "Auto-Submitted: auto-generated",
            "X-Auto-Response-Suppress: All",
            _list_id(program.name, self._domain),
        ]
        if pair is not None:
            fields.append(token_field("X-Reminder-Pair", pair.id))
        fields.append(token_field("X-Reminder-Kind", kind.value))
        if envelope.thread is not None:
            fields += _thread(root=envelope.thread[0], previous=envelope.thread[1])
        return Outgoing(
            key=key,
            pair_id=pair.id if pair is not None else "",
            kind=kind.value,
            period=period,
            message_id=message_id,
            sender=self._envelope_sender,
            recipients=_envelope_recipients(envelope),
            message=alternative(fields, text=text, html=html),
        )

    def _render(self, name: str, context: dict[str, object], *, for_whom: str) -> str:
        template = self._templates[name]
        try:
            rendered = _bounded(template.generate(context))
        except Exception as exc:
            where = _where(exc, default=template.filename or name)
            raise _RenderError(f"{where}: {_describe(exc)}", for_whom=for_whom) from exc
        if not name.endswith(".subject.j2"):
            return rendered
        subject = " ".join(rendered.split())
        if not subject:
            raise _RenderError(f"{template.filename}: the subject is empty", for_whom=for_whom)
        return subject

    def _reply_to(self, pair: Pair, today: date) -> str:
        token = make_token(pair.id, today, key=self._identity.secret_key)
        return reply_address(self._identity.reply_mailbox, token)

    def _thread_root(self, program: Program, pair: Pair) -> str:
        return f"<checkin.{pair.id}.{_slug(program.name)}@{self._domain}>"


def _sender(identity: Identity) -> Address:
    name, addr_spec = parseaddr(identity.from_header)
    if "@" not in addr_spec:
        raise ConfigError(f"the From address {identity.from_header!r} is not an email address")
    if "@" not in identity.reply_mailbox:
        raise ConfigError(f"the reply address {identity.reply_mailbox!r} is not an email address")
    if not identity.secret_key:
        raise ConfigError("the secret key for reply addresses is empty")
    try:
        return Address(name, addr_spec=addr_spec)
    except (ValueError, HeaderParseError) as exc:
        raise ConfigError(f"the From address {identity.from_header!r} is not usable") from exc


def _ascii_sender(identity: Identity, sender: Address) -> tuple[str, str]:
    """The From address and its domain in ASCII form, for the envelope and Message-IDs."""
    try:
        address = ascii_address(sender.addr_spec)
    except ValueError as exc:
        raise ConfigError(f"the From address {identity.from_header!r} is not usable") from exc
    return address, address.rpartition("@")[2]


def _from_field(identity: Identity, sender: Address) -> str:
    try:
        return address_field("From", [mailbox(sender.display_name, sender.addr_spec)])
    except ValueError as exc:
        raise ConfigError(f"the From address {identity.from_header!r} is not usable") from exc


def _load_templates(templates_dir: Path, *, fallback: Path | None) -> dict[str, Template]:
    """Every template, from `templates_dir` first and the built-in set for any it lacks."""
    if not templates_dir.is_dir():
        raise ConfigError(
            f"{templates_dir}: the templates folder does not exist; point"
            " REMINDER_TEMPLATES_DIR at your templates, or leave it unset for the built-in ones"
        )
    folders = [templates_dir]
    if fallback is not None and fallback.is_dir() and fallback.resolve() != templates_dir.resolve():
        folders.append(fallback)
    environment = _Sandbox(
        loader=FileSystemLoader(folders),
        undefined=_Undefined,
        autoescape=lambda name: name is not None and name.endswith(".html.j2"),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    names = dict.fromkeys([*ALL_TEMPLATES, *environment.list_templates(extensions=["j2"])])
    return {name: _compile(environment, name, templates_dir) for name in names}


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, remembering which attributes are safe and limiting `*` and `**`.

    The sandbox asks for every attribute a template reads, and asking was about a sixth of
    the time spent rendering a check-in. Its answer depends only on the object's class and
    the attribute's name (`is_safe_attribute` and `is_internal_attribute` in
    `jinja2.sandbox`), so it is worked out once for each of those pairs. An object whose
    `__class__` is not its type (a proxy) is always asked afresh, as `isinstance` sees the
    former.

    It also checks `*` and `**` before working them out: Jinja's sandbox limits `range` but
    not `'x' * 10**8`, which would make 100 MB of text; and `+`, `extend`, `append`, `insert`
    and `update`, which grow a list or mapping round a loop (in `template_growth`). Widths
    and padding (`%`, `format`, `center`, `ljust`, `indent` ...) are checked likewise, in
    `template_widths`, and joins, replacements, concatenations (`join`, `replace`,
    `translate`, `~`, `+`) and every filter that makes text of a list it is given in
    `template_joins`. `lipsum`, which makes pages of filler text, is not offered.
    """

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = template_joins.CheckedConcatGenerator
    checked_concat = staticmethod(template_joins.checked_concat)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._safe: dict[tuple[type, str], bool] = {}
        self.filters.update(template_widths.CHECKED_FILTERS)
        self.filters.update(template_joins.CHECKED_FILTERS)
        self.filters = template_joins.checking_filters(self.filters)
        del self.globals["lipsum"]
        self.finalize = template_joins.checked_shown

    def is_safe_attribute(self, obj: object, attr: str, value: object) -> bool:
        """The sandbox's answer for `obj`'s type and `attr`, worked out on first asking."""
        kind = type(obj)
        if kind is not obj.__class__:
            return super().is_safe_attribute(obj, attr, value)
        key = (kind, attr)
        safe = self._safe.get(key)
        if safe is None:
            safe = self._safe[key] = super().is_safe_attribute(obj, attr, value)
        return safe

    wrap_str_format = template_joins.checked_str_method
    """A string's `format`, padding, tab, `join`, `replace` or `translate` method, checking
    the size of what it would make; None for any other value. Asked for every attribute a
    template reads, so it is the function itself, without a method around it."""

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """`left * right`, `left ** right`, `left % right` or `left + right`, refusing a
        result too large to be an email's."""
        if operator == "+":
            template_joins.check_added(left, right)
            template_growth.check_list_growth(left, right)
        elif operator == "*":
            template_growth.check_repetition(left, right)
            template_growth.check_repetition(right, left)
            template_growth.check_product(left, right)
        elif operator == "**":
            template_growth.check_power(left, right)
        elif isinstance(left, str):
            check_printf(left, right)
        return super().call_binop(context, operator, left, right)

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        """`obj(*args, **kwargs)` as the sandbox calls it, refusing a list's `extend`,
        `append` or `insert`, or a mapping's `update`, that would make it longer than
        REPEAT_LIMIT: in a loop, `extend` doubles a list each time."""
        args = template_growth.checked_call_args(obj, args)
        return super().call(context, obj, *args, **kwargs)


def _compile(environment: SandboxedEnvironment, name: str, templates_dir: Path) -> Template:
    try:
        return environment.get_template(name)
    except JinjaSyntaxError as exc:
        raise ConfigError(f"{exc.filename}:{exc.lineno}: {exc.message}") from exc
    except TemplateNotFound as exc:
        raise ConfigError(f"{templates_dir / name}: this template is missing") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{templates_dir / name}: this file is not UTF-8 text") from exc


def _bounded(chunks: Iterator[str]) -> str:
    """The rendered text, joined; SecurityError as soon as it passes RENDERED_LIMIT."""
    parts: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > RENDERED_LIMIT:
            raise SecurityError(
                f"this template makes more than {RENDERED_LIMIT:,} characters of text,"
                " more than an email can hold; look for a very large width or a long loop"
            )
        parts.append(chunk)
    return "".join(parts)


def _where(exc: Exception, *, default: str) -> str:
    """file:line of the template line that failed, found in the traceback Jinja rewrites."""
    if isinstance(exc, JinjaSyntaxError) and exc.filename:
        return f"{exc.filename}:{exc.lineno}"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else default


def _describe(exc: Exception) -> str:
    if isinstance(exc, TemplateNotFound):
        return f"there is no template called {exc.name!r}"
    if isinstance(exc, JinjaSyntaxError):
        return exc.message or str(exc)
    return str(exc) or type(exc).__name__


class _RenderError(ConfigError):
    """A template that failed for one pair or the digest: the problem and for whom."""

    def __init__(self, problem: str, *, for_whom: str) -> None:
        super().__init__(f"{problem} (rendering {for_whom})")
        self.problem = problem
        self.for_whom = for_whom


def problem_lines(*parts: Found) -> list[str]:
    """One line for each problem of `parts`, taken in order (a problem found for pairs in
    several parts is one line, naming the first of them): a mistake in a template is usually
    the same for every pair."""
    merged: dict[str, list[str]] = {}
    for found in parts:
        for problem, whom in found.items():
            merged.setdefault(problem, []).extend(whom)
    return [_for_all(problem, whom) for problem, whom in merged.items()]


def _for_all(problem: str, whom: list[str]) -> str:
    if len(whom) <= 2:
        return f"{problem} (rendering {' and '.join(whom)})"
    return f"{problem} (rendering {whom[0]} and {len(whom) - 1:,} others)"


def _for_whom(pair: Pair | None) -> str:
    return f"for pair {pair.id}" if pair is not None else "the digest"


def _check_planned(
    pair: Pair, planned: Planned, *, totals: Totals | None, meeting: MeetingRecord | None
) -> None:
    """Refuse a plan this method cannot write: a programming error, never the world's data."""
    if planned.kind not in RELATIONSHIP_KINDS:
        raise ValueError(f"{planned.kind} emails are not written by relationship()")
    if planned.pair_id != pair.id:
        raise ValueError(f"{planned.key} is for pair {planned.pair_id}, given pair {pair.id}")
    if planned.kind in MEETING_KINDS and (meeting is None or meeting.pair_id != pair.id):
        raise ValueError(f"{planned.key} needs a meeting of pair {pair.id}")
    if planned.kind in TOTALS_KINDS and totals is None:
        raise ValueError(f"{planned.key} needs the pair's totals")


def _envelope_recipients(envelope: Envelope) -> tuple[str, ...]:
    """Every To and Cc address once, in order, whatever their case, with ASCII domains.

    The ASCII (IDNA) form of a domain lets a server without SMTPUTF8 take the address;
    the program loader refuses any address that would still need it.
    """
    found: dict[str, str] = {}
    for person in (*envelope.to, *envelope.cc):
        address = ascii_address(person.email)
        found.setdefault(address.lower(), address)
    return tuple(found.values())


def _addresses(people: Sequence[Person], pair: Pair | None) -> list[str]:
    return [_mailbox(person, pair) for person in people]


def _mailbox(person: Person, pair: Pair | None) -> str:
    try:
        return mailbox(person.name, person.email)
    except ValueError as exc:
        where = f"pair {pair.id}" if pair is not None else "the program"
        raise ConfigError(
            f"{where}: {person.name} <{person.email}> cannot be used as an email address"
        ) from exc


def _thread(*, root: str, previous: str | None) -> list[str]:
    """Thread every email of a pair under one root, after the previous one if known.

    A previous id that cannot be written in a header (a reply's non-ASCII or far too long
    one) is left out: the email is still threaded under the root.
    """
    previous = header_message_id(previous)
    return [
        token_field("References", f"{root} {previous}" if previous else root),
        token_field("In-Reply-To", previous or root),
    ]


@lru_cache(maxsize=8)
def _list_id(program_name: str, domain: str) -> str:
    """The List-Id header, the same for every email of a program: written once."""
    return list_id_field(program_name, f"{_slug(program_name)}.{domain}")


@lru_cache(maxsize=8)
def _slug(program_name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", program_name.lower()).strip("-") or "mentoring"
