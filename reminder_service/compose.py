"""Check-in emails: Jinja2 templates rendered into RFC 5322 messages ready for the outbox.

Coordinators may edit the templates, so they run in a sandbox with StrictUndefined, and every
failure is reported with the file and line a coordinator can open. Names and addresses from
the program reach headers only through `email.headerregistry.Address` (which refuses CR and
LF) and reach HTML only autoescaped. A Composer loads its templates once and keeps them, so
a template edited on disk takes effect only when a new Composer is built and checked.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, Template, TemplateNotFound
from jinja2 import TemplateSyntaxError as JinjaSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from reminder_service.core.model import Checkin, Outgoing, Pair, Person, Program
from reminder_service.core.tokens import make_token, reply_address
from reminder_service.core.wording import (
    REPLY_MARKER,
    date_in_words,
    reply_examples,
    span_in_words,
)
from reminder_service.errors import ConfigError

KINDS = ("checkin", "question")


def templates_of(kind: str) -> tuple[str, str, str]:
    """The subject, text and HTML template names of one kind of email."""
    return (f"{kind}.subject.j2", f"{kind}.txt.j2", f"{kind}.html.j2")


CHECKIN_TEMPLATES = templates_of("checkin")
ALL_TEMPLATES = tuple(name for kind in KINDS for name in templates_of(kind))


@dataclass(frozen=True)
class Identity:
    """Who the emails come from and where replies go, from the deployment's settings."""

    from_header: str
    reply_mailbox: str
    secret_key: bytes = field(repr=False)
    token_max_age: timedelta = timedelta(days=400)


@dataclass(frozen=True, slots=True)
class PersonView:
    """A person as templates see them; `_path` names them in error messages."""

    name: str
    first_name: str
    email: str
    _path: str

    def __str__(self) -> str:
        """The name, so `{{ pair.mentor }}` prints what a coordinator expects."""
        return self.name


@dataclass(frozen=True, slots=True)
class ProgramView:
    """The program as templates see it."""

    name: str
    coordinator: PersonView
    _path: str = "program"


@dataclass(frozen=True, slots=True)
class PairView:
    """A pair as templates see it; `cadence` is the coordinator's own words ("monthly")."""

    id: str
    mentor: PersonView
    mentee: PersonView
    started: date
    cadence: str
    _path: str = "pair"


@dataclass(frozen=True, slots=True)
class CheckinView:
    """The check-in being sent, as templates see it."""

    period: date
    since: date
    since_meeting: bool
    reason: str
    _path: str = "checkin"


class _Undefined(StrictUndefined):
    """StrictUndefined whose message names the template expression: 'pair.mentr' is undefined."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        path = getattr(self._undefined_obj, "_path", None)
        if self._undefined_hint is None and isinstance(path, str):
            return f"'{path}.{self._undefined_name}' is undefined"
        return super()._undefined_message


class Composer:
    """Renders check-ins from a templates folder into messages for the outbox."""

    def __init__(self, templates_dir: Path, *, identity: Identity) -> None:
        """Load and compile every template now; raises ConfigError naming file and line."""
        self._identity = identity
        self._sender = _sender(identity)
        self._templates = _load_templates(templates_dir)

    def checkin(
        self,
        program: Program,
        pair: Pair,
        checkin: Checkin,
        *,
        now: datetime,
        previous_message_id: str | None,
    ) -> Outgoing:
        """The check-in email for `pair`, queued at `now`; ConfigError if a template fails."""
        if checkin.pair_id != pair.id:
            raise ValueError(f"check-in for {checkin.pair_id} given with pair {pair.id}")
        today = _local_today(now, pair)
        reply_to = self._reply_to(pair, today)
        return self._assemble(
            "checkin",
            program,
            pair,
            to=pair.members,
            context=_checkin_context(program, pair, checkin, today=today, reply_to=reply_to),
            now=now,
            reply_to=reply_to,
            references=(self._thread_root(program, pair), previous_message_id),
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
    ) -> Outgoing:
        """A short question back to someone whose reply we could not understand.

        At most one a day per person (the idempotency key names the local date), so a reply
        that keeps being unclear cannot start a loop.
        """
        today = _local_today(now, pair)
        reply_to = self._reply_to(pair, today)
        context = {
            **_base_context(program, pair, today=today, reply_to=reply_to),
            "recipient": _person(to, "recipient"),
        }
        return self._assemble(
            "question",
            program,
            pair,
            to=(to,),
            context=context,
            now=now,
            reply_to=reply_to,
            references=(self._thread_root(program, pair), in_reply_to),
            key=f"question:{pair.id}:{to.email.lower()}:{today.isoformat()}",
            period=today,
        )

    def _assemble(
        self,
        kind: str,
        program: Program,
        pair: Pair,
        *,
        to: Sequence[Person],
        context: dict[str, object],
        now: datetime,
        reply_to: str,
        references: tuple[str, str | None],
        key: str,
        period: date,
    ) -> Outgoing:
        subject, text, html = (self._render(name, context, pair) for name in templates_of(kind))
        message_id = make_msgid(domain=self._sender.domain)
        message = EmailMessage(policy=SMTP)
        message["From"] = self._sender
        message["To"] = tuple(_address(person, pair) for person in to)
        message["Subject"] = subject
        message["Date"] = format_datetime(now)
        message["Message-ID"] = message_id
        message["Reply-To"] = Address(self._sender.display_name, addr_spec=reply_to)
        message["Auto-Submitted"] = "auto-generated"
        message["X-Auto-Response-Suppress"] = "All"
        message["List-Id"] = formataddr((program.name, f"{_slug(program)}.{self._sender.domain}"))
        message["X-Reminder-Pair"] = pair.id
        message["X-Reminder-Kind"] = kind
        _thread(message, root=references[0], previous=references[1])
        message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
        message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
        return Outgoing(
            key=key,
            pair_id=pair.id,
            kind=kind,
            period=period,
            message_id=message_id,
            sender=self._sender.addr_spec,
            recipients=tuple(person.email for person in to),
            message=message.as_bytes(),
        )

    def problems(self, program: Program, *, now: datetime) -> list[str]:
        """Every template failure for every pair, in words a coordinator can act on."""
        found: dict[str, None] = {}
        for pair in program.pairs:
            today = _local_today(now, pair)
            reply_to = self._reply_to(pair, today)
            samples = [
                (
                    _checkin_context(program, pair, checkin, today=today, reply_to=reply_to),
                    "checkin",
                )
                for checkin in _sample_checkins(pair, now=now, today=today)
            ]
            samples.append(
                (
                    {
                        **_base_context(program, pair, today=today, reply_to=reply_to),
                        "recipient": _person(pair.mentee, "recipient"),
                    },
                    "question",
                )
            )
            for context, kind in samples:
                for name in templates_of(kind):
                    try:
                        self._render(name, context, pair)
                    except ConfigError as exc:
                        found[str(exc)] = None
        return list(found)

    def _render(self, name: str, context: dict[str, object], pair: Pair) -> str:
        template = self._templates[name]
        try:
            rendered = template.render(context)
        except Exception as exc:
            where = _where(exc, default=template.filename or name)
            raise ConfigError(f"{where}: {_describe(exc)} (rendering for pair {pair.id})") from exc
        if not name.endswith(".subject.j2"):
            return rendered
        subject = " ".join(rendered.split())
        if not subject:
            raise ConfigError(
                f"{template.filename}: the subject is empty (rendering for pair {pair.id})"
            )
        return subject

    def _reply_to(self, pair: Pair, today: date) -> str:
        token = make_token(pair.id, today, key=self._identity.secret_key)
        return reply_address(self._identity.reply_mailbox, token)

    def _thread_root(self, program: Program, pair: Pair) -> str:
        return f"<checkin.{pair.id}.{_slug(program)}@{self._sender.domain}>"


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


def _load_templates(templates_dir: Path) -> dict[str, Template]:
    if not templates_dir.is_dir():
        raise ConfigError(f"{templates_dir}: the templates folder does not exist")
    environment = SandboxedEnvironment(
        loader=FileSystemLoader(templates_dir),
        undefined=_Undefined,
        autoescape=lambda name: name is not None and name.endswith(".html.j2"),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    names = dict.fromkeys([*ALL_TEMPLATES, *environment.list_templates(extensions=["j2"])])
    return {name: _compile(environment, name, templates_dir) for name in names}


def _compile(environment: SandboxedEnvironment, name: str, templates_dir: Path) -> Template:
    try:
        return environment.get_template(name)
    except JinjaSyntaxError as exc:
        raise ConfigError(f"{exc.filename}:{exc.lineno}: {exc.message}") from exc
    except TemplateNotFound as exc:
        raise ConfigError(f"{templates_dir / name}: this template is missing") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{templates_dir / name}: this file is not UTF-8 text") from exc


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


def _checkin_context(
    program: Program, pair: Pair, checkin: Checkin, *, today: date, reply_to: str
) -> dict[str, object]:
    """What check-in templates see: the shared variables plus the check-in itself."""
    return {
        **_base_context(program, pair, today=today, reply_to=reply_to),
        "checkin": CheckinView(
            period=checkin.period,
            since=checkin.since,
            since_meeting=checkin.since_meeting,
            reason=checkin.reason,
        ),
        "since_words": span_in_words(checkin.since, today),
        "since_date_words": date_in_words(checkin.since),
    }


def _base_context(program: Program, pair: Pair, *, today: date, reply_to: str) -> dict[str, object]:
    """The variables every template sees; the templates document them for coordinators."""
    return {
        "program": ProgramView(
            name=program.name, coordinator=_person(program.coordinator, "program.coordinator")
        ),
        "pair": PairView(
            id=pair.id,
            mentor=_person(pair.mentor, "pair.mentor"),
            mentee=_person(pair.mentee, "pair.mentee"),
            started=pair.started,
            cadence=pair.schedule.cadence.text,
        ),
        "reply_examples": reply_examples(today),
        "reply_to": reply_to,
        "reply_marker": REPLY_MARKER,
    }


def _person(person: Person, path: str) -> PersonView:
    words = person.name.split()
    return PersonView(
        name=person.name,
        first_name=words[0] if words else person.name,
        email=person.email,
        _path=path,
    )


def _sample_checkins(pair: Pair, *, now: datetime, today: date) -> tuple[Checkin, Checkin]:
    """A check-in before any meeting and one a month after a meeting, so both branches run."""
    not_met = Checkin(
        pair_id=pair.id,
        period=today,
        due_at=now,
        since=pair.started,
        since_meeting=False,
        reason="template check",
    )
    met = replace(not_met, since=max(pair.started, today - timedelta(days=30)), since_meeting=True)
    return not_met, met


def _local_today(now: datetime, pair: Pair) -> date:
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(pair.timezone).date()


def _address(person: Person, pair: Pair) -> Address:
    try:
        return Address(person.name, addr_spec=person.email)
    except (ValueError, HeaderParseError) as exc:
        raise ConfigError(
            f"pair {pair.id}: {person.name} <{person.email}> cannot be used as an email address"
        ) from exc


def _thread(message: EmailMessage, *, root: str, previous: str | None) -> None:
    """Thread every check-in of a pair under one root, after the previous check-in if known."""
    message["References"] = f"{root} {previous}" if previous else root
    message["In-Reply-To"] = previous or root


def _slug(program: Program) -> str:
    return re.sub(r"[^a-z0-9]+", "-", program.name.lower()).strip("-") or "mentoring"
