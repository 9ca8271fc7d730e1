"""Check-in composition: headers, both bodies, threading, escaping and template errors."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime, time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from reminder_service.compose import Composer, Identity
from reminder_service.core.model import (
    Cadence,
    Checkin,
    Outgoing,
    Pair,
    Person,
    Phase,
    Program,
    Schedule,
    Step,
)
from reminder_service.core.tokens import check_token, token_in_address
from reminder_service.errors import ConfigError

TEMPLATES = Path(__file__).parents[2] / "templates"
KEY = b"test key for reply tokens"
IDENTITY = Identity(
    from_header="Northwind Mentoring <mentoring@northwind.example>",
    reply_mailbox="mentoring@northwind.example",
    secret_key=KEY,
)
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 3, 3, 23, 30, tzinfo=UTC)  # already 4 March in Tokyo
MONTHLY = Schedule(
    cadence=Cadence(phases=(Phase(every=Step(months=1)),), text="monthly"), send_at=time(9)
)


def _pair(
    pair_id: str = "ana-ben", *, mentor: str = "Ana Silva", mentee: str = "Ben Okafor"
) -> Pair:
    return Pair(
        id=pair_id,
        mentor=Person(mentor, f"{pair_id}-mentor@example.org"),
        mentee=Person(mentee, f"{pair_id}-mentee@example.org"),
        started=date(2026, 1, 5),
        schedule=MONTHLY,
        timezone=TOKYO,
    )


def _program(*pairs: Pair) -> Program:
    return Program(
        name="Northwind Mentoring",
        coordinator=Person("Carla Diaz", "carla@northwind.example"),
        timezone=TOKYO,
        pairs=pairs or (_pair(),),
    )


def _checkin(pair: Pair, *, since_meeting: bool = True) -> Checkin:
    return Checkin(
        pair_id=pair.id,
        period=date(2026, 3, 4),
        due_at=NOW,
        since=date(2026, 1, 28) if since_meeting else pair.started,
        since_meeting=since_meeting,
        reason="monthly check-in",
    )


def _compose(
    pair: Pair | None = None,
    *,
    since_meeting: bool = True,
    previous: str | None = "<previous@northwind.example>",
    templates: Path = TEMPLATES,
) -> tuple[Outgoing, EmailMessage]:
    pair = pair or _pair()
    outgoing = Composer(templates, identity=IDENTITY).checkin(
        _program(pair),
        pair,
        _checkin(pair, since_meeting=since_meeting),
        now=NOW,
        previous_message_id=previous,
    )
    parsed = BytesParser(policy=policy.default).parsebytes(outgoing.message)
    assert isinstance(parsed, EmailMessage)
    return outgoing, parsed


def _bodies(message: EmailMessage) -> tuple[str, str]:
    text_part, html_part = message.iter_parts()
    assert isinstance(text_part, EmailMessage)
    assert isinstance(html_part, EmailMessage)
    assert text_part.get_content_type() == "text/plain"
    assert html_part.get_content_type() == "text/html"
    return _lf(text_part.get_content()), _lf(html_part.get_content())


def _lf(body: str) -> str:
    return body.replace("\r\n", "\n")


def _without_tags(html: str) -> str:
    return re.sub(r"<[^>]*>", "", html)


def _edited_templates(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A copy of the default templates with one replacement made in `name`."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    path = folder / name
    source = path.read_text(encoding="utf-8")
    assert old in source
    path.write_text(source.replace(old, new, 1), encoding="utf-8")
    return folder


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


def test_outgoing_envelope_and_key() -> None:
    """The outbox row has the idempotency key, the From address as sender and both members."""
    outgoing, message = _compose()
    assert outgoing.key == "checkin:ana-ben:2026-03-04"
    assert (outgoing.pair_id, outgoing.kind, outgoing.period) == (
        "ana-ben",
        "checkin",
        date(2026, 3, 4),
    )
    assert outgoing.sender == "mentoring@northwind.example"
    assert outgoing.recipients == ("ana-ben-mentor@example.org", "ana-ben-mentee@example.org")
    assert outgoing.message_id == message["Message-ID"]
    assert outgoing.message_id.startswith("<")
    assert outgoing.message_id.endswith("@northwind.example>")


def test_headers() -> None:
    """Every header a check-in needs is present with the expected value."""
    _, message = _compose()
    assert message["From"] == "Northwind Mentoring <mentoring@northwind.example>"
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [
        ("Ana Silva", "ana-ben-mentor@example.org"),
        ("Ben Okafor", "ana-ben-mentee@example.org"),
    ]
    assert message["Subject"] == "Check-in: Ana and Ben (Northwind Mentoring)"
    assert message["Date"].datetime == NOW
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "All"
    assert message["List-Id"] == "Northwind Mentoring <northwind-mentoring.northwind.example>"
    assert message["X-Reminder-Pair"] == "ana-ben"
    assert message["X-Reminder-Kind"] == "checkin"
    assert message.get_content_type() == "multipart/alternative"


def test_message_is_crlf_and_seven_bit() -> None:
    """The bytes use CRLF line ends only and stay 7-bit even with non-ASCII names."""
    outgoing, _ = _compose(_pair(mentor="Zoë Brontë", mentee="王芳"))
    assert outgoing.message.isascii()
    assert outgoing.message.count(b"\n") == outgoing.message.count(b"\r\n")


def test_reply_to_token_names_the_pair() -> None:
    """Reply-To is the plus-address whose token verifies for this pair, issued on the local date."""
    _, message = _compose()
    (reply_to,) = message["Reply-To"].addresses
    token = token_in_address(reply_to.addr_spec, mailbox=IDENTITY.reply_mailbox)
    assert token is not None
    check = check_token(token, key=KEY, today=date(2026, 3, 4))
    assert (check.status, check.pair_id, check.issued) == ("ok", "ana-ben", date(2026, 3, 4))


def test_bodies_mention_names_and_time_since_meeting() -> None:
    """Both parts greet both members and say how long since they last met."""
    _, message = _compose()
    text, html = _bodies(message)
    for body in (text, _without_tags(html)):
        assert "Hi Ana and Ben," in body
        assert "5 weeks since you last met, on Wednesday 28 January 2026" in body
        assert "Pause until May" in body
        assert "Please reply above this line" in body
        assert "Carla Diaz" in body
        assert "carla@northwind.example" in body


def test_bodies_count_from_start_before_first_meeting() -> None:
    """A pair that has not met yet is told how long since they started."""
    _, message = _compose(since_meeting=False)
    text, html = _bodies(message)
    for body in (text, _without_tags(html)):
        assert "8 weeks since you started, on Monday 5 January 2026" in body


def test_text_part_starts_with_reply_marker() -> None:
    """The plain-text part opens with the reply-above-this-line marker."""
    _, message = _compose()
    text, _ = _bodies(message)
    assert text.startswith("--- Please reply above this line ---\n")


def test_script_in_name_is_escaped_in_html() -> None:
    """Markup in a name shows as text in the HTML part and never as a tag."""
    _, message = _compose(_pair(mentor="<script>alert(1)</script> Ana"))
    text, html = _bodies(message)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Hi <script>alert(1)</script> and Ben," in text
    assert message["To"].addresses[0].display_name == "<script>alert(1)</script> Ana"


def test_non_ascii_names_round_trip() -> None:
    """Names such as Zoë and 王芳 are encoded in headers and come back intact everywhere."""
    _, message = _compose(_pair(mentor="Zoë Brontë", mentee="王芳"))
    assert [a.display_name for a in message["To"].addresses] == ["Zoë Brontë", "王芳"]
    assert message["Subject"] == "Check-in: Zoë and 王芳 (Northwind Mentoring)"
    for body in _bodies(message):
        assert "Hi Zoë and 王芳," in body


def test_line_break_in_name_is_refused() -> None:
    """A name carrying CR/LF cannot inject headers; composing fails with a ConfigError."""
    with pytest.raises(ConfigError, match="ana-ben"):
        _compose(_pair(mentee="Ben\r\nBcc: victim@example.org"))


def test_references_thread_root_and_previous() -> None:
    """References hold the pair's thread root then the previous check-in, which is replied to."""
    _, message = _compose(previous="<previous@northwind.example>")
    root = "<checkin.ana-ben.northwind-mentoring@northwind.example>"
    assert message["References"].split() == [root, "<previous@northwind.example>"]
    assert message["In-Reply-To"] == "<previous@northwind.example>"


def test_first_checkin_replies_to_thread_root() -> None:
    """Without a previous check-in, References and In-Reply-To name the thread root alone."""
    _, message = _compose(previous=None)
    root = "<checkin.ana-ben.northwind-mentoring@northwind.example>"
    assert message["References"] == root
    assert message["In-Reply-To"] == root


def test_message_ids_are_unique() -> None:
    """Two compositions of the same check-in get different Message-IDs."""
    first, _ = _compose()
    second, _ = _compose()
    assert first.message_id != second.message_id


def test_default_templates_have_no_problems() -> None:
    """The shipped templates render for every pair of a small program."""
    program = _program(_pair("ana-ben"), _pair("zoe-wang", mentor="Zoë", mentee="王芳"))
    assert Composer(TEMPLATES, identity=IDENTITY).problems(program, now=NOW) == []


def test_undefined_variable_is_reported_with_file_line_and_pair(tmp_path: Path) -> None:
    """A misspelt variable is reported once per pair with its file and line."""
    folder = _edited_templates(
        tmp_path, "checkin.txt.j2", "{{ pair.mentor.first_name }}", "{{ pair.mentr }}"
    )
    line = _line_of(folder / "checkin.txt.j2", "pair.mentr")
    program = _program(_pair("ana-ben"), _pair("cy-di"))
    problems = Composer(folder, identity=IDENTITY).problems(program, now=NOW)
    assert problems == [
        f"{folder}/checkin.txt.j2:{line}: 'pair.mentr' is undefined (rendering for pair ana-ben)",
        f"{folder}/checkin.txt.j2:{line}: 'pair.mentr' is undefined (rendering for pair cy-di)",
    ]


def test_error_in_one_branch_is_found(tmp_path: Path) -> None:
    """A mistake only in the not-met-yet branch is still reported."""
    folder = _edited_templates(tmp_path, "checkin.html.j2", "since you started", "{{ since_wrds }}")
    line = _line_of(folder / "checkin.html.j2", "since_wrds")
    problems = Composer(folder, identity=IDENTITY).problems(_program(), now=NOW)
    assert problems == [
        f"{folder}/checkin.html.j2:{line}: 'since_wrds' is undefined (rendering for pair ana-ben)"
    ]


def test_error_in_layout_names_the_layout(tmp_path: Path) -> None:
    """A mistake in the shared layout is reported at the layout's own line."""
    folder = _edited_templates(tmp_path, "layout.txt.j2", "{{ program.name }}", "{{ program.nam }}")
    line = _line_of(folder / "layout.txt.j2", "program.nam")
    problems = Composer(folder, identity=IDENTITY).problems(_program(), now=NOW)
    assert problems == [
        f"{folder}/layout.txt.j2:{line}: 'program.nam' is undefined (rendering for pair ana-ben)"
    ]


def test_sandbox_blocks_internals(tmp_path: Path) -> None:
    """Templates cannot reach Python internals; trying is reported as a problem."""
    folder = _edited_templates(tmp_path, "checkin.subject.j2", "Check-in:", "{{ pair.__class__ }}")
    problems = Composer(folder, identity=IDENTITY).problems(_program(), now=NOW)
    assert len(problems) == 1
    assert "unsafe" in problems[0]


def test_empty_subject_is_a_problem(tmp_path: Path) -> None:
    """A subject template that renders to nothing is reported."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    (folder / "checkin.subject.j2").write_text("{# nothing #}\n", encoding="utf-8")
    problems = Composer(folder, identity=IDENTITY).problems(_program(), now=NOW)
    assert problems == [
        f"{folder}/checkin.subject.j2: the subject is empty (rendering for pair ana-ben)"
    ]


def test_checkin_raises_config_error_when_a_template_fails(tmp_path: Path) -> None:
    """Composing with a broken template raises ConfigError naming file, line and pair."""
    folder = _edited_templates(tmp_path, "checkin.txt.j2", "{{ since_words }}", "{{ 1 / 0 }}")
    line = _line_of(folder / "checkin.txt.j2", "1 / 0")
    with pytest.raises(
        ConfigError, match=rf"checkin\.txt\.j2:{line}: .* \(rendering for pair ana-ben\)"
    ):
        _compose(templates=folder)


def test_syntax_error_raises_config_error_with_file_and_line(tmp_path: Path) -> None:
    """A template that does not parse is refused when the Composer is built, with file:line."""
    folder = _edited_templates(tmp_path, "checkin.txt.j2", "{% endif %}", "{% endfi %}")
    line = _line_of(folder / "checkin.txt.j2", "endfi")
    with pytest.raises(ConfigError, match=rf"^{folder}/checkin\.txt\.j2:{line}: "):
        Composer(folder, identity=IDENTITY)


def test_syntax_error_in_layout_is_found_up_front(tmp_path: Path) -> None:
    """Layouts are compiled when the Composer is built, not first used at send time."""
    folder = _edited_templates(
        tmp_path, "layout.html.j2", "{{ program.name }}", "{{ program.name }"
    )
    with pytest.raises(ConfigError, match=r"layout\.html\.j2:\d+: "):
        Composer(folder, identity=IDENTITY)


def test_missing_template_raises_config_error(tmp_path: Path) -> None:
    """A missing check-in template is named when the Composer is built."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    (folder / "checkin.html.j2").unlink()
    with pytest.raises(
        ConfigError, match=rf"^{folder}/checkin\.html\.j2: this template is missing$"
    ):
        Composer(folder, identity=IDENTITY)


def test_missing_folder_raises_config_error(tmp_path: Path) -> None:
    """A templates folder that does not exist is reported as such."""
    with pytest.raises(ConfigError, match="does not exist"):
        Composer(tmp_path / "nowhere", identity=IDENTITY)


def test_bad_from_header_raises_config_error() -> None:
    """A From setting without an email address is refused up front."""
    identity = Identity(
        from_header="Northwind Mentoring", reply_mailbox="m@x.example", secret_key=KEY
    )
    with pytest.raises(ConfigError, match="From address"):
        Composer(TEMPLATES, identity=identity)


def test_identity_repr_hides_the_key() -> None:
    """The secret key never shows up in a logged Identity."""
    assert repr(KEY) not in repr(IDENTITY)


def test_naive_now_is_refused() -> None:
    """Composing with a naive datetime is a programming error."""
    pair = _pair()
    with pytest.raises(ValueError, match="aware"):
        Composer(TEMPLATES, identity=IDENTITY).checkin(
            _program(pair),
            pair,
            _checkin(pair),
            now=NOW.replace(tzinfo=None),
            previous_message_id=None,
        )


def test_person_prints_as_name(tmp_path: Path) -> None:
    """A person printed whole in a template shows their name."""
    folder = _edited_templates(tmp_path, "checkin.subject.j2", "Check-in:", "{{ pair.mentor }}:")
    _, message = _compose(templates=folder)
    assert message["Subject"] == "Ana Silva: Ana and Ben (Northwind Mentoring)"


def _question(pair: Pair, *, to: Person) -> tuple[Outgoing, EmailMessage]:
    outgoing = Composer(TEMPLATES, identity=IDENTITY).question(
        _program(pair), pair, to=to, in_reply_to="<their-reply@example.org>", now=NOW
    )
    parsed = BytesParser(policy=policy.default).parsebytes(outgoing.message)
    assert isinstance(parsed, EmailMessage)
    return outgoing, parsed


def test_question_goes_only_to_the_person_who_replied() -> None:
    """The question back is addressed to the sender alone, once a day, in their thread."""
    pair = _pair()
    outgoing, message = _question(pair, to=pair.mentee)
    assert outgoing.recipients == (pair.mentee.email,)
    assert outgoing.kind == "question"
    assert outgoing.key == f"question:ana-ben:{pair.mentee.email}:2026-03-04"
    assert message["In-Reply-To"] == "<their-reply@example.org>"
    assert message["X-Reminder-Kind"] == "question"
    assert message["Auto-Submitted"] == "auto-generated"
    token = token_in_address(
        message["Reply-To"].addresses[0].addr_spec, mailbox="mentoring@northwind.example"
    )
    assert token is not None


def test_question_names_the_other_member() -> None:
    """The question greets the sender and names the other person of the pair."""
    pair = _pair()
    _, message = _question(pair, to=pair.mentor)
    text, html = _bodies(message)
    assert "Hi Ana," in text
    assert "you and Ben" in _lf(text).replace("\n", " ")
    assert "you and Ben" in _without_tags(html)
