"""Security checks on replies: forged senders and tokens never log a meeting, and say why.

Each reply goes through the real `understand()` and is recorded in a real SQLite store, so a
test sees what a coordinator would: no meeting, and the message in the review queue with its
reason. The sending side's checks live with the SMTP adapter and are not repeated here:
`test_starttls_required_but_not_offered_fails_closed` (a server that strips STARTTLS),
`test_certificate_from_another_ca_is_refused` (an untrusted certificate) and
`test_tls_against_a_plain_server_is_a_plain_explanation` in tests/integration/test_smtp.py
show that the send fails closed and says why.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

import pytest

from reminder_service.cli import main
from reminder_service.core.model import Person
from reminder_service.core.replies.understand import ReplyContext, understand
from reminder_service.core.replies.verdict import Outcome, Reason, SentRef, Verdict
from reminder_service.core.tokens import make_token, reply_address
from reminder_service.store import InboundItem, SqliteStore
from tests.support.process import clear_reminder_env
from tests.unit.strategies import make_pair, make_program

KEY = b"a deployment secret of reasonable length"
MAILBOX = "mentoring@northwind.example"
AUTHSERV_ID = "mx.northwind.example"
NOW = datetime(2026, 4, 10, 12, 0, tzinfo=UTC)
ISSUED = date(2026, 4, 1)
CHECKIN_ID = "<checkin-1@northwind.example>"
PAIR = replace(
    make_pair("ada-bo"),
    mentor=Person(name="Ada Mentor", email="ada@example.org"),
    mentee=Person(name="Bo Mentee", email="bo@example.org"),
)
OTHER = replace(
    make_pair("cy-di"),
    mentor=Person(name="Cy Mentor", email="cy@example.net"),
    mentee=Person(name="Di Mentee", email="di@example.net"),
)
CONTEXT = ReplyContext(
    program=make_program(PAIR, OTHER),
    key=KEY,
    mailbox=MAILBOX,
    our_addresses=frozenset({MAILBOX}),
    now=NOW,
    sent={CHECKIN_ID: SentRef(pair_id="ada-bo", kind="checkin")}.get,
    trusted_authserv_id=AUTHSERV_ID,
)
MEETING = "Yes, we met yesterday for an hour."


def _token_address(pair_id: str = "ada-bo", *, issued: date = ISSUED, key: bytes = KEY) -> str:
    return reply_address(MAILBOX, make_token(pair_id, issued, key=key))


def _reply(
    *,
    sender: str = "Bo Mentee <bo@example.org>",
    to: str | None = None,
    references: str | None = CHECKIN_ID,
    auth: tuple[str, ...] = (),
) -> bytes:
    """A meeting report as a mail client sends it; `auth` are Authentication-Results values."""
    message = EmailMessage(policy=SMTP)
    for value in auth:
        message["Authentication-Results"] = value
    message["From"] = sender
    message["To"] = to or _token_address()
    message["Subject"] = "Re: Check-in"
    message["Date"] = format_datetime(NOW - timedelta(hours=1))
    message["Message-ID"] = "<reply-1@example.org>"
    if references is not None:
        message["In-Reply-To"] = references
        message["References"] = references
    message.set_content(MEETING)
    return message.as_bytes()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    """A fresh database."""
    with SqliteStore.open(tmp_path / "reminders.sqlite3") as opened:
        yield opened


def _record(store: SqliteStore, raw: bytes, *, context: ReplyContext = CONTEXT) -> Verdict:
    """Understand `raw` and record it as the intake would; the verdict."""
    verdict = understand(raw, context=context)
    item = InboundItem(
        folder="INBOX", uidvalidity=1, uid=1, raw=raw, verdict=verdict, keep_text=False
    )
    store.record_inbound_batch([item], now=NOW)
    return verdict


def _reviewed_reason(store: SqliteStore) -> tuple[Outcome, Reason | None, str | None]:
    """What the coordinator's review shows for the one message, after checking no meeting."""
    assert store.meetings() == []
    [row] = store.review_queue()
    return row.outcome, row.reason, row.pair_id


def test_spoofed_member_without_token_or_references_is_unmatched(store: SqliteStore) -> None:
    """A member's From on mail to the plain mailbox, with nothing of ours, is only unmatched."""
    _record(store, _reply(to=MAILBOX, references=None))
    assert _reviewed_reason(store) == (Outcome.UNMATCHED, Reason.NO_REFERENCE, None)


def test_stranger_with_a_real_token_is_rejected(store: SqliteStore) -> None:
    """Someone who got hold of a pair's reply address cannot speak for the pair."""
    _record(store, _reply(sender="Mallory <mallory@example.com>"))
    assert _reviewed_reason(store) == (Outcome.REJECTED, Reason.SENDER_NOT_IN_PAIR, "ada-bo")


def test_token_of_another_pair_is_rejected(store: SqliteStore) -> None:
    """A member of one pair using another pair's token logs nothing for either pair."""
    _record(store, _reply(to=_token_address("cy-di"), references=None))
    assert _reviewed_reason(store) == (Outcome.REJECTED, Reason.SENDER_NOT_IN_PAIR, "cy-di")


def test_expired_token_is_rejected_even_with_good_references(store: SqliteStore) -> None:
    """A token past its 400 days is rejected, whatever the References say."""
    old = _token_address(issued=NOW.date() - timedelta(days=401))
    _record(store, _reply(to=old))
    assert _reviewed_reason(store) == (Outcome.REJECTED, Reason.EXPIRED_TOKEN, "ada-bo")


def test_forged_token_is_rejected(store: SqliteStore) -> None:
    """A token signed with another key is rejected, whatever the References say."""
    _record(store, _reply(to=_token_address(key=b"somebody else's secret key")))
    assert _reviewed_reason(store) == (Outcome.REJECTED, Reason.BAD_TOKEN, None)


def test_our_servers_dmarc_fail_rejects_the_reply(store: SqliteStore) -> None:
    """When our own server says DMARC failed for the From domain, no meeting is logged."""
    auth = f"{AUTHSERV_ID}; spf=none; dkim=none; dmarc=fail (p=none) header.from=example.org"
    _record(store, _reply(auth=(auth,)))
    assert _reviewed_reason(store) == (Outcome.REJECTED, Reason.AUTH_FAILED, "ada-bo")


def test_a_foreign_servers_results_are_ignored() -> None:
    """Authentication-Results from another authserv-id change nothing, fail or pass."""
    forged_fail = "mx.attacker.example; dmarc=fail header.from=example.org"
    assert understand(_reply(auth=(forged_fail,)), context=CONTEXT).outcome is Outcome.MEETING
    forged_pass = "mx.attacker.example; dmarc=pass header.from=example.org"
    ours = f"{AUTHSERV_ID}; dmarc=fail header.from=example.org"
    verdict = understand(_reply(auth=(forged_pass, ours)), context=CONTEXT)
    assert verdict.reason is Reason.AUTH_FAILED


def test_a_forged_pass_in_our_name_cannot_hide_our_fail() -> None:
    """A header faking our authserv-id with a pass does not outweigh our server's fail."""
    ours = f"{AUTHSERV_ID}; dmarc=fail header.from=example.org"
    forged = f"{AUTHSERV_ID}; dmarc=pass header.from=example.org"
    verdict = understand(_reply(auth=(ours, forged)), context=CONTEXT)
    assert (verdict.outcome, verdict.reason) == (Outcome.REJECTED, Reason.AUTH_FAILED)


@pytest.mark.parametrize(
    "auth",
    [
        f"{AUTHSERV_ID}; dkim=pass header.d=example.org; dmarc=pass header.from=example.org",
        f"{AUTHSERV_ID}; spf=fail smtp.mailfrom=bo@example.org; dmarc=pass header.from=example.org",
        f"{AUTHSERV_ID}; dkim=fail header.d=example.org; spf=pass smtp.mailfrom=example.org",
        f"{AUTHSERV_ID}; dkim=fail header.d=lists.example.com; spf=none",
        f"{AUTHSERV_ID}; dmarc=fail header.from=lists.example.com",
        f"{AUTHSERV_ID}; none",
    ],
    ids=[
        "dmarc pass",
        "dmarc pass decides over spf",
        "dkim fail but spf pass",
        "another domain's dkim",
        "another domain's dmarc",
        "no results",
    ],
)
def test_results_that_do_not_fail_the_from_domain_keep_the_meeting(auth: str) -> None:
    """Passes, and failures of other domains, leave a genuine reply a meeting."""
    assert understand(_reply(auth=(auth,)), context=CONTEXT).outcome is Outcome.MEETING


@pytest.mark.parametrize(
    "auth",
    [
        f"{AUTHSERV_ID}; dkim=fail header.d=example.org; spf=none",
        f"{AUTHSERV_ID}; spf=fail smtp.mailfrom=bo@example.org; dkim=none",
        "MX.Northwind.Example 1; DMARC=FAIL header.from=Example.ORG",
        f'{AUTHSERV_ID}; dkim=pass reason="ok (sort of" header.d=x.example;'
        " dmarc=fail (p=reject; dis=none) header.from=example.org",
        f"{AUTHSERV_ID} (our (nested) comment); dmarc=fail header.from=example.org",
    ],
    ids=["dkim fail", "spf fail", "any case and a version", "quoted parenthesis", "comments"],
)
def test_results_that_fail_the_from_domain_reject(auth: str) -> None:
    """An SPF or DKIM fail for the From domain without a pass, or a DMARC fail, rejects."""
    verdict = understand(_reply(auth=(auth,)), context=CONTEXT)
    assert (verdict.outcome, verdict.reason) == (Outcome.REJECTED, Reason.AUTH_FAILED)


def test_without_a_configured_authserv_id_the_headers_are_not_read() -> None:
    """Nobody is trusted until the deployment names its server: results are ignored."""
    auth = f"{AUTHSERV_ID}; dmarc=fail header.from=example.org"
    context = replace(CONTEXT, trusted_authserv_id=None)
    assert understand(_reply(auth=(auth,)), context=context).outcome is Outcome.MEETING


def test_a_stranger_is_still_a_stranger_when_auth_passes() -> None:
    """Authentication proves the domain, not membership: a stranger stays rejected."""
    auth = f"{AUTHSERV_ID}; dmarc=pass header.from=example.com"
    verdict = understand(_reply(sender="mallory@example.com", auth=(auth,)), context=CONTEXT)
    assert verdict.reason is Reason.SENDER_NOT_IN_PAIR


def test_explain_reply_reads_the_authserv_id_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """REMINDER_AUTHSERV_ID reaches the reply pipeline `explain-reply` and `run` share."""
    clear_reminder_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    program = tmp_path / "program.yaml"
    program.write_text(
        "program:\n"
        "  name: Northwind Mentoring\n"
        "  coordinator: {name: Dana Okafor, email: dana@northwind.example}\n"
        "  timezone: Europe/London\n"
        "  defaults: {cadence: monthly}\n"
        "pairs:\n"
        "  - id: ada-bo\n"
        "    mentor: {name: Ada Mentor, email: ada@example.org}\n"
        "    mentee: {name: Bo Mentee, email: bo@example.org}\n"
        "    started: 2024-03-01\n"
    )
    monkeypatch.setenv("REMINDER_CONFIG", str(program))
    monkeypatch.setenv("REMINDER_DATABASE", str(tmp_path / "reminders.sqlite3"))
    monkeypatch.setenv("REMINDER_SECRET_KEY", KEY.decode())
    monkeypatch.setenv("REMINDER_FROM", f"Northwind Mentoring <{MAILBOX}>")
    monkeypatch.setenv("REMINDER_AUTHSERV_ID", AUTHSERV_ID)
    raw = _reply(auth=(f"{AUTHSERV_ID}; dmarc=fail header.from=example.org",), references=None)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
    assert main(["explain-reply", "-", "--now", NOW.isoformat()]) == 0
    assert '"reason": "auth_failed"' in capsys.readouterr().out
