"""The `forget` command, as a coordinator runs it when a member asks to be erased."""

from __future__ import annotations

import io
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reminder_service.cli import main
from reminder_service.commands.changing import service_stopped
from reminder_service.errors import StoreError
from reminder_service.instance_lock import InstanceLock
from reminder_service.store.schema import _MIGRATIONS
from tests.support.process import (
    PROGRAM,
    as_previous_schema,
    clear_reminder_env,
    schema_of,
    sent_checkin,
    service_env,
)

ANA_BEN = ("ana@northwind.example", "ben@northwind.example")


@pytest.fixture
def deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A deployment whose database holds a check-in for `ana-old`, a pair the file lacks."""
    clear_reminder_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    for name, value in service_env(tmp_path, secret_key="cli-test-secret-key-123").items():
        monkeypatch.setenv(name, value)
    sent_checkin(database(tmp_path), pair_id="ana-old", recipients=ANA_BEN)
    return tmp_path


def database(deployment: Path) -> Path:
    """The deployment's database file."""
    return deployment / "data" / "reminders.sqlite3"


def outbox_pairs(deployment: Path) -> list[str]:
    """The pair of each outbox row."""
    with closing(sqlite3.connect(database(deployment))) as db:
        return [pair_id for (pair_id,) in db.execute("SELECT pair_id FROM outbox ORDER BY id")]


def test_forget_yes_erases_the_pair_and_says_what_went(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --yes, a pair gone from the file is erased at once, with counts of what went and
    a word that its id is free again."""
    sent_checkin(database(deployment), pair_id="ana-ben", recipients=ANA_BEN)
    assert main(["forget", "ana-old", "--yes"]) == 0
    out = capsys.readouterr().out
    assert (
        "Erased pair ana-old: 1 email, 0 meetings, 0 received messages, 0 reply events, "
        "0 pauses or ends noted from the program file.\n"
    ) in out
    assert "The id ana-old is free again" in out
    assert outbox_pairs(deployment) == ["ana-ben"]


def test_forget_frees_the_people_for_a_new_pair_id(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After the old pair of the same two people is erased, `check` accepts them under a new
    id that it refused while the old one's history was kept."""
    assert main(["check"]) == 1
    assert "keep the id 'ana-old'" in capsys.readouterr().out
    assert main(["forget", "ana-old", "--yes"]) == 0
    assert main(["check"]) == 0


@pytest.mark.parametrize(("answer", "status"), [("yes\n", 0), ("no\n", 1), ("", 1)])
def test_forget_asks_first_and_erases_only_on_yes(
    deployment: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    answer: str,
    status: int,
) -> None:
    """Without --yes, forget says what it would erase and erases only when the answer is yes;
    no answer (no terminal) erases nothing."""
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))
    assert main(["forget", "ana-old"]) == status
    out = capsys.readouterr().out
    assert out.startswith("This erases for good everything recorded about pair ana-old: 1 email")
    assert outbox_pairs(deployment) == ([] if status == 0 else ["ana-old"])
    assert ("Nothing was erased." in out) is (status == 1)


def test_forget_holds_no_lock_while_it_waits_for_the_answer(
    deployment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While forget's question waits, a service could start on the database (the lock is
    free, and the database not yet upgraded); the erase after "yes" takes the lock then."""
    older = as_previous_schema(database(deployment))
    seen: list[tuple[bool, int]] = []

    def answer(_: str) -> str:
        with service_stopped(database(deployment), command="run") as free:
            seen.append((free, schema_of(database(deployment))))
        return "yes"

    monkeypatch.setattr("builtins.input", answer)
    assert main(["forget", "ana-old"]) == 0
    assert seen == [(True, older)]
    assert outbox_pairs(deployment) == []


def test_forget_refuses_a_pair_still_in_the_program_file(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pair still in the file is not erased: the coordinator is told to remove it first."""
    sent_checkin(database(deployment), pair_id="ana-ben", recipients=ANA_BEN)
    assert "id: ana-ben" in PROGRAM
    assert main(["forget", "ana-ben", "--yes"]) == 1
    err = capsys.readouterr().err
    assert "program.yaml. Remove it from the file first" in err
    assert outbox_pairs(deployment) == ["ana-old", "ana-ben"]


def test_forget_says_when_nothing_is_recorded_about_the_id(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped id erases nothing, exits 1 and says to check the id."""
    assert main(["forget", "ana-olld", "--yes"]) == 1
    assert "nothing is recorded about a pair ana-olld" in capsys.readouterr().err
    assert outbox_pairs(deployment) == ["ana-old"]


def test_forget_waits_while_a_running_service_may_send_to_the_pair(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """While a service holds the database, a pair with an email still to send is not erased,
    and the coordinator is told to try again in a few minutes or stop the service."""
    with InstanceLock.acquire(database(deployment), now=datetime.now(UTC)):
        assert main(["forget", "ana-old", "--yes"]) == 1
    err = capsys.readouterr().err
    assert "still has 1 email(s) that the running service is about to send" in err
    assert "Try again in a few minutes" in err
    assert "plan" not in err
    assert outbox_pairs(deployment) == ["ana-old"]


def test_forget_through_a_symlink_sees_the_service_running_on_the_database(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A coordinator reaching the database through a symlink still sees the service that runs
    on it under its plain name, so a pair with an email still to send is not erased."""
    symlink = deployment / "data" / "current.sqlite3"
    symlink.symlink_to("reminders.sqlite3")
    monkeypatch.setenv("REMINDER_DATABASE", str(symlink))
    with InstanceLock.acquire(database(deployment), now=datetime.now(UTC)):
        assert main(["forget", "ana-old", "--yes"]) == 1
    assert "the running service is about to send" in capsys.readouterr().err
    assert outbox_pairs(deployment) == ["ana-old"]


def test_a_service_started_while_forget_erases_is_told_forget_holds_the_database(
    deployment: Path,
) -> None:
    """With no service running, forget holds the database's lock while it erases; a service
    started meanwhile is told that forget is using it, to start again once it has finished."""
    with service_stopped(database(deployment), command="forget") as stopped:
        assert stopped
        with pytest.raises(StoreError, match=r"the command `reminder-service forget` \(pid"):
            InstanceLock.acquire(database(deployment), now=datetime.now(UTC))


def test_forget_while_a_service_runs_says_the_id_is_free_only_after_its_reload(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a service running, the id is not promised free at once: the service sends
    nothing to a pair with that id until it has loaded a program without it."""
    with closing(sqlite3.connect(database(deployment))) as db, db:
        db.execute("UPDATE outbox SET state = 'sent', attempts = 1 WHERE pair_id = 'ana-old'")
    with InstanceLock.acquire(database(deployment), now=datetime.now(UTC)):
        assert main(["forget", "ana-old", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "free again, for any pair" not in out
    assert "free again once the running service has loaded a program without it" in out


def test_forget_refuses_an_older_database_while_a_service_runs_on_it(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """While a service runs (perhaps of the previous release), a database of the previous
    schema is neither upgraded nor erased from: exit 1, saying to restart the service first."""
    previous = as_previous_schema(database(deployment))
    with InstanceLock.acquire(database(deployment), now=datetime.now(UTC)):
        assert main(["forget", "ana-old", "--yes"]) == 1
    err = capsys.readouterr().err
    assert f"uses an older schema ({previous})" in err
    assert "run `reminder-service upgrade`" in err
    assert "Then run this command again." in err
    assert schema_of(database(deployment)) == previous
    assert outbox_pairs(deployment) == ["ana-old"]


def test_forget_with_no_service_running_upgrades_an_older_database_and_erases(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no service running (the program over), forget upgrades a database of the
    previous schema under the service's lock, says so in one line, and erases the pair."""
    previous = as_previous_schema(database(deployment))
    assert main(["forget", "ana-old", "--yes"]) == 0
    out = capsys.readouterr().out
    upgraded = [line for line in out.splitlines() if line.startswith("Upgraded the database")]
    assert upgraded == [
        f"Upgraded the database {database(deployment)} to this version of reminder-service "
        f"(schema {previous} -> {previous + 1})."
    ]
    assert "Erased pair ana-old: 1 email" in out
    assert schema_of(database(deployment)) == previous + 1
    assert outbox_pairs(deployment) == []


def test_forget_while_the_service_keeps_the_database_busy_says_to_try_again(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """When the write lock stays taken while a service runs, forget erases nothing and says
    the service is most likely busy, to try again in a moment, not that a second copy runs."""
    monkeypatch.setattr("reminder_service.store.schema.BUSY_TIMEOUT", timedelta(seconds=0.1))
    with (
        InstanceLock.acquire(database(deployment), now=datetime.now(UTC)),
        closing(sqlite3.connect(database(deployment), isolation_level=None)) as holder,
    ):
        holder.execute("BEGIN IMMEDIATE")
        assert main(["forget", "ana-old", "--yes"]) == 1
        holder.execute("ROLLBACK")
    err = capsys.readouterr().err
    assert "was busy, most likely with the running service" in err
    assert "Nothing was erased. Try again in a moment." in err
    assert "second copy" not in err
    assert outbox_pairs(deployment) == ["ana-old"]


def test_forget_busy_with_no_service_running_names_another_program(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """When the write lock stays taken while forget holds the service's lock, no service can
    be the cause: forget erases nothing and says another program has the file open."""
    monkeypatch.setattr("reminder_service.store.schema.BUSY_TIMEOUT", timedelta(seconds=0.1))
    with closing(sqlite3.connect(database(deployment), isolation_level=None)) as holder:
        holder.execute("BEGIN IMMEDIATE")
        assert main(["forget", "ana-old", "--yes"]) == 1
        holder.execute("ROLLBACK")
    err = capsys.readouterr().err
    assert "another program has it open (a sqlite3 shell" in err
    assert "Nothing was erased. Close that program, then try again in a moment." in err
    assert "running service" not in err
    assert outbox_pairs(deployment) == ["ana-old"]


def test_upgrade_brings_an_older_database_up_to_date_and_sends_nothing(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`upgrade` with no service running migrates an older database, says so, and a second
    run says it is already up to date; the outbox is left as it was."""
    older = as_previous_schema(database(deployment))
    assert main(["upgrade"]) == 0
    assert f"(schema {older} -> {older + 1})" in capsys.readouterr().out
    assert schema_of(database(deployment)) == older + 1
    assert main(["upgrade"]) == 0
    assert f"is already at schema {older + 1}" in capsys.readouterr().out
    assert outbox_pairs(deployment) == ["ana-old"]


def test_upgrade_refuses_while_a_service_runs_and_changes_nothing(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`upgrade` while a service holds the database's lock changes nothing and says to stop
    the service first."""
    older = as_previous_schema(database(deployment))
    with InstanceLock.acquire(database(deployment), now=datetime.now(UTC)):
        assert main(["upgrade"]) == 1
    assert "a service is running" in capsys.readouterr().err
    assert schema_of(database(deployment)) == older


def test_upgrade_busy_with_no_service_running_names_another_program(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """When the write lock stays taken while `upgrade` holds the service's lock, no service
    can be the cause: it says another program has the file open and to run it again."""
    monkeypatch.setattr("reminder_service.store.schema.BUSY_TIMEOUT", timedelta(seconds=0.1))
    older = as_previous_schema(database(deployment))
    with closing(sqlite3.connect(database(deployment), isolation_level=None)) as holder:
        holder.execute("BEGIN IMMEDIATE")
        assert main(["upgrade"]) == 1
        holder.execute("ROLLBACK")
    err = capsys.readouterr().err
    assert "another program has it open (a sqlite3 shell" in err
    assert (
        "It may be partly upgraded; run this again to finish. Close that program, then try"
        " again in a moment." in err
    )
    assert "running service" not in err
    assert schema_of(database(deployment)) == older


def test_forget_asks_about_a_much_older_database_without_counting_and_upgrades_it(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database so old that it lacks tables forget counts is asked about without counts,
    then upgraded and erased after "yes", as forget --yes does."""
    old = database(deployment)
    old.unlink()
    with closing(sqlite3.connect(old, isolation_level=None)) as raw:
        for statement in (s for migration in _MIGRATIONS[:7] for s in migration):
            raw.execute(statement)
        raw.execute("PRAGMA user_version = 7")
        columns = [row[1] for row in raw.execute("PRAGMA table_info(outbox)") if row[3]]
        row: dict[str, object] = dict.fromkeys(columns, "2026-11-01T00:00:00+00:00")
        row |= {"id": 1, "key": "checkin:ana-old:2026-11-01", "pair_id": "ana-old"}
        row |= {"kind": "checkin", "period": "2026-11-01", "state": "sent", "attempts": 1}
        row |= {"message_id": "<ana-old@northwind.example>", "message": b"Subject: x\r\n\r\n"}
        row |= {"sender": "mentoring@northwind.example", "recipients": '["ana@northwind.example"]'}
        names = [name for name in row if name in columns]
        raw.execute(
            f"INSERT INTO outbox ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [row[name] for name in names],
        )
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    assert main(["forget", "ana-old"]) == 0
    out = capsys.readouterr().out
    assert "This erases for good everything recorded about pair ana-old.\n" in out
    assert "Erased pair ana-old: 1 email" in out
    assert outbox_pairs(deployment) == []


def test_forget_and_upgrade_say_why_the_lock_could_not_be_taken(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A lock file that cannot be created is that error, not "a service is running"."""
    (database(deployment).parent / "reminders.sqlite3.lock").mkdir()
    with (
        pytest.raises(StoreError, match="Cannot create the lock file"),
        service_stopped(database(deployment), command="forget"),
    ):
        pass
    assert main(["upgrade"]) == 1
    assert "Cannot create the lock file" in capsys.readouterr().err


def test_upgrade_of_an_empty_database_file_says_there_is_nothing_yet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty database file is no database yet: nothing to upgrade, and none is made."""
    clear_reminder_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    for name, value in service_env(tmp_path, secret_key="cli-test-secret-key-123").items():
        monkeypatch.setenv(name, value)
    database(tmp_path).parent.mkdir(parents=True, exist_ok=True)
    database(tmp_path).touch()
    assert main(["upgrade"]) == 1
    assert "Nothing to upgrade" in capsys.readouterr().err
    assert database(tmp_path).stat().st_size == 0


def test_forget_reads_the_program_file_again_after_the_answer(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pair put back in the program file while the question waited is not erased."""
    program = deployment / "program.yaml"

    def answer(_: str) -> str:
        program.write_text(program.read_text().replace("id: ana-ben", "id: ana-old"))
        return "yes"

    monkeypatch.setattr("builtins.input", answer)
    assert main(["forget", "ana-old"]) == 1
    assert "Remove it from the file first" in capsys.readouterr().err
    assert outbox_pairs(deployment) == ["ana-old"]
