"""The `check`, `plan` and `preview` commands, as a coordinator runs them."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from reminder_service import template_check
from reminder_service.cli import main
from reminder_service.commands import check as checking
from reminder_service.core.model import Kind, MeetingRecord
from reminder_service.core.replies.verdict import Outcome, Verdict
from reminder_service.core.tokens import check_token, token_in_address
from reminder_service.program import load_program
from reminder_service.report import pair_reports, report_csv, report_html
from reminder_service.store import SqliteStore
from tests.support.process import (
    PROGRAM,
    REPO,
    ServiceProcess,
    as_previous_schema,
    clear_reminder_env,
    schema_of,
    sent_checkin,
    service_env,
)

KEY = "cli-test-secret-key-123"


@pytest.fixture
def deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A deployment folder with the test program, settings in the environment, no database."""
    clear_reminder_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    for name, value in service_env(tmp_path, secret_key=KEY).items():
        monkeypatch.setenv(name, value)
    return tmp_path


def _program_with_mentors(names: list[str]) -> str:
    """The test program with a pair per mentor's name instead of its own: `pair-00` ..."""
    return (
        PROGRAM.split("pairs:")[0]
        + "pairs:\n"
        + "".join(
            f"  - {{id: pair-{n:02}, started: 2024-03-01,\n"
            f"      mentor: {{name: {name}, email: mentor{n}@northwind.example}},\n"
            f"      mentee: {{name: Mentee {n}, email: mentee{n}@northwind.example}}}}\n"
            for n, name in enumerate(names)
        )
    )


def _edit_checkin_text(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str
) -> None:
    """Use a copy of the default templates whose `checkin.txt.j2` has `old` made `new`."""
    templates = deployment / "templates"
    shutil.copytree(REPO / "templates", templates)
    body = templates / "checkin.txt.j2"
    source = body.read_text()
    assert old in source
    body.write_text(source.replace(old, new))
    monkeypatch.setenv("REMINDER_TEMPLATES_DIR", str(templates))


def test_check_prints_a_summary_and_exits_0(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A correct deployment gets a one-screen summary, saying whether replies are read and
    how long email texts are kept, that ends with a clear all-right."""
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "Pairs:       2 (2 active, 0 paused, 0 ended)" in out
    assert "ana-ben" in out
    assert "Asia/Tokyo" in out
    assert "Replies:     not read - REMINDER_IMAP__HOST is not set" in out
    assert "Email texts: kept 90 days after each email is sent or given up" in out
    assert "REMINDER_AUTHSERV_ID" not in out
    assert out.rstrip().endswith("Everything looks right.")
    assert not (deployment / "data").exists()


def test_check_reads_the_files_dates_against_today(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pair past its `ended_on` is counted and shown as ended, a pause that has run out
    as active, and a pause or end still to come with its date, as `report` has them."""
    pairs = {
        "long-ended": "ended_on: 2020-06-30",
        "was-paused": "status: paused, paused_until: 2020-01-15",
        "still-paused": "status: paused, paused_until: 2098-01-15",
        "ends-later": "ended_on: 2098-06-30",
    }
    program = (
        PROGRAM.split("pairs:")[0]
        + "pairs:\n"
        + "".join(
            f"  - {{id: {pair_id}, started: 2019-03-01, {fields},\n"
            f"      mentor: {{name: Mentor {n}, email: mentor{n}@northwind.example}},\n"
            f"      mentee: {{name: Mentee {n}, email: mentee{n}@northwind.example}}}}\n"
            for n, (pair_id, fields) in enumerate(pairs.items())
        )
    )
    (deployment / "program.yaml").write_text(program)
    assert main(["check"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "Pairs:       4 (2 active, 1 paused, 1 ended)" in lines
    status = {line.split()[0]: line.rsplit("; ", 1)[1] for line in lines if "; since " in line}
    assert status == {
        "long-ended": "ended on 30 Jun 2020",
        "was-paused": "active (paused until 15 Jan 2020)",
        "still-paused": "paused until 15 Jan 2098",
        "ends-later": "active, ends 30 Jun 2098",
    }


def test_check_without_a_templates_folder_uses_the_built_in_ones(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A deployment that changes no wording needs no templates folder; a folder named but
    missing is a problem that says how to fix it."""
    monkeypatch.delenv("REMINDER_TEMPLATES_DIR")
    assert main(["check"]) == 0
    assert "Templates:   built in (" in capsys.readouterr().out
    monkeypatch.setenv("REMINDER_TEMPLATES_DIR", "wording")
    assert main(["check"]) == 1
    assert (
        "wording: the templates folder does not exist; point REMINDER_TEMPLATES_DIR at your"
        " templates, or leave it unset for the built-in ones"
    ) in capsys.readouterr().out


def test_check_lists_the_first_pairs_of_a_large_program_and_says_how_many_more(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The summary stays on one screen: 20 pairs, then how many more and where to see them."""
    program = _program_with_mentors([f"Mentor {n}" for n in range(25)])
    (deployment / "program.yaml").write_text(program)
    assert main(["check"]) == 0
    lines = capsys.readouterr().out.splitlines()
    listed = [line.split()[0] for line in lines if "; since " in line]
    assert listed == [f"pair-{n:02}" for n in range(20)]
    assert "  ... and 5 more: `reminder-service report` lists every pair" in lines


def test_check_warns_when_replies_are_read_without_a_sender_check(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reading replies without REMINDER_AUTHSERV_ID gets a warning line, still exit 0; with it
    set the line goes."""
    monkeypatch.setenv("REMINDER_IMAP__HOST", "imap.northwind.example")
    monkeypatch.setenv("REMINDER_IMAP__USERNAME", "mentoring@northwind.example")
    monkeypatch.setenv("REMINDER_IMAP__PASSWORD", "imap-password")
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "Warning:     REMINDER_AUTHSERV_ID is not set" in out
    assert out.rstrip().endswith("Everything looks right.")
    monkeypatch.setenv("REMINDER_AUTHSERV_ID", "mx.northwind.example")
    assert main(["check"]) == 0
    assert "REMINDER_AUTHSERV_ID" not in capsys.readouterr().out


def test_check_lists_every_problem_and_exits_1(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Settings, program and template problems are all listed together."""
    monkeypatch.delenv("REMINDER_SECRET_KEY")
    broken = PROGRAM.replace("ben@northwind.example", "ben@").replace("Asia/Tokyo", "Asia/Tokio")
    (deployment / "program.yaml").write_text(broken)
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "3 problem(s) found:" in out
    assert "REMINDER_SECRET_KEY is not set" in out
    assert "program.yaml:11: pairs[0].mentee.email: 'ben@' is not an email address" in out
    assert "'Asia/Tokio' is not a time zone; did you mean 'Asia/Tokyo'?" in out


def test_check_reports_a_template_that_does_not_render(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A coordinator's template mistake is named with its file, line and the pair."""
    _edit_checkin_text(deployment, monkeypatch, "pair.mentee.first_name", "pair.mentee.nickname")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "checkin.txt.j2" in out
    assert "nickname" in out
    assert "ana-ben" in out


def test_check_reports_a_width_typed_with_extra_zeros(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A width far past what an email can hold is reported with its file, without making it."""
    _edit_checkin_text(
        deployment,
        monkeypatch,
        "pair.mentee.first_name }}",
        "pair.mentee.first_name | center(50000000) }}",
    )
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "checkin.txt.j2:" in out
    assert "this width asks for 50,000,000 characters of text" in out


def test_check_with_several_jobs_reports_what_one_job_reports(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rendering spread over worker processes names the same first pair and count: here
    every pair whose mentor has a one-word name, from the fourth pair on."""
    monkeypatch.setattr(template_check, "PAIRS_PER_RUN", 2)
    mentors = ["Ana Silva", "Bo Lund", "Cy Park", "Dee", "Eli Roth", "Fay", "Gus"]
    (deployment / "program.yaml").write_text(_program_with_mentors(mentors))
    _edit_checkin_text(
        deployment,
        monkeypatch,
        "{{ pair.mentor.first_name }}",
        "{{ pair.mentor.name.split()[1] }}",
    )
    outputs = []
    for jobs in ("1", "3"):
        assert main(["check", "--jobs", jobs]) == 1
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert "(rendering for pair pair-03 and 2 others)" in outputs[0]


def test_check_of_a_large_program_says_it_is_rendering(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A program large enough to keep `check` busy for a while gets a line saying so first,
    on standard error; a small one does not."""
    assert main(["check", "--jobs", "2"]) == 0
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(checking, "SAY_RENDERING_FROM", 2)
    assert main(["check", "--jobs", "2"]) == 0
    assert capsys.readouterr().err == (
        "Rendering every email of 2 pairs in one process: this takes a while.\n"
    )
    monkeypatch.setattr(template_check, "PAIRS_PER_RUN", 1)
    assert main(["check", "--jobs", "3"]) == 0
    assert capsys.readouterr().err == (
        "Rendering every email of 2 pairs in 2 processes: this takes a while.\n"
    )


@pytest.mark.parametrize("to_group", [False, True], ids=["kill -INT", "a terminal's Ctrl-C"])
def test_check_stopped_with_ctrl_c_while_rendering_says_so_without_a_traceback(
    tmp_path: Path, to_group: bool
) -> None:
    """SIGINT while the workers render ends `check` with status 130 and one line, as a
    shell reports a command stopped so, and leaves no worker behind: sent to `check`
    alone (`kill -INT`), or to it and its workers (a terminal's Ctrl-C), which leave the
    stopping to it."""
    env = service_env(tmp_path, secret_key=KEY)
    mentors = [f"Mentor {n}" for n in range(checking.SAY_RENDERING_FROM)]
    Path(env["REMINDER_CONFIG"]).write_text(_program_with_mentors(mentors))
    with ServiceProcess("check", "--jobs", "2", env=env, cwd=tmp_path) as checking_now:
        checking_now.wait_for_line("Rendering every email of 10,000 pairs in 2 processes")
        if to_group:
            checking_now.send_signal_to_group(signal.SIGINT)
        else:
            checking_now.send_signal(signal.SIGINT)
        assert checking_now.wait(timeout_s=30) == 130
        assert checking_now.group_is_gone()
    assert checking_now.lines[-1] == "reminder-service: stopped (Ctrl-C)."
    assert "Traceback" not in checking_now.output


def test_check_reports_bad_settings_by_name(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A setting with a bad value is reported under its variable name."""
    monkeypatch.setenv("REMINDER_SMTP__SECURITY", "sometimes")
    assert main(["check"]) == 1
    assert "REMINDER_SMTP__SECURITY" in capsys.readouterr().out


def test_check_with_bad_settings_still_checks_the_program_file(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A setting that does not load does not hide the program file's problems: one run
    shows both, and says the templates wait for the settings."""
    monkeypatch.setenv("REMINDER_SMTP__SECURITY", "sometimes")
    (deployment / "program.yaml").write_text(PROGRAM.replace("Asia/Tokyo", "Asia/Tokio"))
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "REMINDER_SMTP__SECURITY" in out
    assert "The program file, checked all the same: 1 problem(s) found:" in out
    assert "'Asia/Tokio' is not a time zone; did you mean 'Asia/Tokyo'?" in out
    assert out.rstrip().endswith("The templates are checked once the settings are valid.")


def test_check_with_a_misspelt_setting_says_the_program_file_has_no_problems(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the settings refused, a sound program file is said to be sound, at the path
    REMINDER_CONFIG gives, and the exit status still says there is a problem."""
    monkeypatch.setenv("REMINDER_IMAP_HOST", "imap.northwind.example")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "the right name is REMINDER_IMAP__HOST" in out
    assert f"checked all the same: {deployment / 'program.yaml'} has no problems." in out


def test_check_names_a_near_miss_of_a_setting(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """REMINDER_IMAP_HOST is refused with the right spelling instead of reading no replies."""
    monkeypatch.setenv("REMINDER_IMAP_HOST", "imap.northwind.example")
    assert main(["check"]) == 1
    assert "the right name is REMINDER_IMAP__HOST" in capsys.readouterr().out


def test_a_stopping_error_is_a_json_line_when_logs_are_json(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With REMINDER_LOG_FORMAT=json what stops a command is one JSON log line."""
    monkeypatch.setenv("REMINDER_LOG_FORMAT", "json")
    (deployment / "program.yaml").write_text("name: [")
    assert main(["plan"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    event = json.loads(line)
    assert event["level"] == "CRITICAL"
    assert "program.yaml" in event["message"]


def test_run_with_settings_that_do_not_load_still_says_so_in_a_json_line(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With REMINDER_LOG_FORMAT=JSON, a setting that stops `run` is reported as a JSON line."""
    monkeypatch.setenv("REMINDER_LOG_FORMAT", "JSON")
    monkeypatch.setenv("REMINDER_SMTP__PORT", "abc")
    assert main(["run"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    event = json.loads(line)
    assert event["level"] == "CRITICAL"
    assert "REMINDER_SMTP__PORT" in event["message"]


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_env_file_that_is_not_utf8_is_one_readable_line(
    deployment: Path, capsys: pytest.CaptureFixture[str], log_format: str
) -> None:
    """A .env that is not UTF-8 is named in one line, in either log format, though the
    fallback that picks the format reads the same file."""
    (deployment / ".env").write_bytes(
        f"REMINDER_LOG_FORMAT={log_format}\nREMINDER_SMTP__HOST=caf\xe9\n".encode("latin-1")
    )
    assert main(["check"]) == 1
    printed = capsys.readouterr()
    [line] = (printed.out + printed.err).splitlines()
    assert "The file .env is not plain text (UTF-8)" in line


def test_check_reports_an_unusable_ca_file(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An extra CA certificate file that cannot be read is a problem `check` names, as it
    would stop the service at start."""
    monkeypatch.setenv("REMINDER_SMTP__CA_FILE", str(deployment / "no-such-ca.pem"))
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "1 problem(s) found:" in out
    assert "The mail server's CA certificate file" in out
    assert "no-such-ca.pem" in out


def test_check_reports_a_reply_mailbox_without_a_login(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A reply mailbox named without its username and password is a problem `check` names,
    as `run` refuses to start with it."""
    monkeypatch.setenv("REMINDER_IMAP__HOST", "imap.northwind.example")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "2 problem(s) found:" in out
    assert "REMINDER_IMAP__USERNAME is not set" in out
    assert "REMINDER_IMAP__PASSWORD is not set" in out


def test_check_ignores_the_ca_file_of_a_server_not_in_use(
    deployment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a reply mailbox, or with TLS off, a CA file the service would not read is no
    problem, as `run` would not read it either."""
    monkeypatch.setenv("REMINDER_IMAP__CA_FILE", str(deployment / "no-such-ca.pem"))
    monkeypatch.setenv("REMINDER_SMTP__SECURITY", "none")
    monkeypatch.setenv("REMINDER_SMTP__CA_FILE", str(deployment / "no-such-ca.pem"))
    assert main(["check"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("Everything looks right.")


def test_check_reports_a_pair_renamed_after_it_got_email(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pair whose history in the database is under an id the file no longer has, and whose
    people now have a new id, is a problem that names the id to keep."""
    database = deployment / "data" / "reminders.sqlite3"
    sent_checkin(
        database, pair_id="ana-ben", recipients=("ana@northwind.example", "ben@northwind.example")
    )
    (deployment / "program.yaml").write_text(PROGRAM.replace("id: ana-ben", "id: ana-benjamin"))

    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "1 problem(s) found:" in out
    assert "program.yaml:9: pairs[0].id: pair 'ana-benjamin' has the same mentor" in out
    assert "keep the id 'ana-ben'" in out


def test_check_accepts_a_database_whose_pairs_keep_their_ids(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """History under the file's own ids, or under an old id of other people, is no problem."""
    database = deployment / "data" / "reminders.sqlite3"
    sent_checkin(
        database, pair_id="ana-ben", recipients=("ana@northwind.example", "ben@northwind.example")
    )
    sent_checkin(
        database, pair_id="eve-finn", recipients=("eve@northwind.example", "finn@northwind.example")
    )

    assert main(["check"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("Everything looks right.")


def test_check_on_an_older_database_notes_the_upgrade_and_still_checks_the_program(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database of the previous schema is a note that the service's next start upgrades
    it, not a problem; the file's own problems are still listed, with the note after."""
    database = deployment / "data" / "reminders.sqlite3"
    sent_checkin(database, pair_id="eve-finn", recipients=("eve@x.example", "finn@x.example"))
    previous = as_previous_schema(database)
    (deployment / "program.yaml").write_text(PROGRAM.replace("Asia/Tokyo", "Asia/Tokio"))

    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "1 problem(s) found:" in out
    assert "'Asia/Tokio' is not a time zone; did you mean 'Asia/Tokyo'?" in out
    assert out.rstrip().endswith(
        "Note: The database will be upgraded when the service next starts "
        f"(schema {previous} -> {previous + 1}), or now, sending nothing, with "
        "`reminder-service upgrade`."
    )
    assert "Restart the service" not in out
    assert schema_of(database) == previous


def test_check_on_an_older_database_with_nothing_wrong_exits_0_with_a_note(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With nothing else wrong, an older database still lets check say all is right (exit
    0), its summary noting the upgrade to come."""
    database = deployment / "data" / "reminders.sqlite3"
    sent_checkin(
        database, pair_id="ana-ben", recipients=("ana@northwind.example", "ben@northwind.example")
    )
    previous = as_previous_schema(database)

    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert (
        "Note:        The database will be upgraded when the service next starts "
        f"(schema {previous} -> {previous + 1}), or now, sending nothing, with "
        "`reminder-service upgrade`.\n"
    ) in out
    assert out.rstrip().endswith("Everything looks right.")
    assert schema_of(database) == previous


def test_check_on_an_older_database_still_finds_a_renamed_pair(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The history of an older database is still read where its schema allows, so a pair
    renamed after it got email is still a problem before the upgrade."""
    database = deployment / "data" / "reminders.sqlite3"
    sent_checkin(
        database, pair_id="ana-ben", recipients=("ana@northwind.example", "ben@northwind.example")
    )
    as_previous_schema(database)
    (deployment / "program.yaml").write_text(PROGRAM.replace("id: ana-ben", "id: ana-benjamin"))

    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "keep the id 'ana-ben'" in out
    assert "Note: The database will be upgraded when the service next starts" in out


def test_check_skips_the_history_an_older_database_cannot_give_and_says_so(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """When the older schema lacks what the history read needs (here an outbox without its
    recipients column), check skips the rename check, says so in the note, and exits 0."""
    database = deployment / "data" / "reminders.sqlite3"
    sent_checkin(
        database, pair_id="ana-ben", recipients=("ana@northwind.example", "ben@northwind.example")
    )
    as_previous_schema(database)
    with closing(sqlite3.connect(database, isolation_level=None)) as raw:
        raw.execute("ALTER TABLE outbox RENAME COLUMN recipients TO addressed_to")

    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert (
        "Until then its history cannot be read, so renamed pairs were not checked against it."
    ) in out
    assert out.rstrip().endswith("Everything looks right.")


def test_check_takes_a_new_pairing_once_the_removed_old_pair_is_put_back_ended(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """People re-paired under a new id after their old pair left the file are refused until
    the old id is back with status: ended, as a reload and the start would refuse them."""
    database = deployment / "data" / "reminders.sqlite3"
    people = ("ana@northwind.example", "ben@northwind.example")
    sent_checkin(database, pair_id="ana-ben-2024", recipients=people)
    program = deployment / "program.yaml"

    assert main(["check"]) == 1
    assert "keep (or put back) 'ana-ben-2024' with status: ended" in capsys.readouterr().out

    old = "  - id: ana-ben-2024\n    mentor: {name: Ana, email: ana@northwind.example}\n"
    old += "    mentee: {name: Ben, email: ben@northwind.example}\n"
    old += "    started: 2024-03-01\n    status: ended\n"
    program.write_text(PROGRAM.replace("pairs:\n", f"pairs:\n{old}"))
    assert main(["check"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("Everything looks right.")


def test_plan_lists_due_and_coming_checkins_without_touching_anything(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`plan` shows what is due now and what comes, in UTC and local time (the 1 Dec email
    held until half a period after the late one due now); it creates nothing."""
    assert main(["plan", "--days", "30", "--now", "2026-11-25T12:00:00+00:00"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "ana-ben" in line]
    assert len(lines) == 2
    assert lines[0].startswith("due now")
    assert "Fri 11 Dec 00:30" in lines[1]
    assert "Fri 11 Dec 09:30 Asia/Tokyo" in lines[1]
    assert "carla-dev" not in out
    assert not (deployment / "data").exists()


@pytest.mark.parametrize("command", [["plan", "--days", "30"], ["check"]])
def test_output_to_a_reader_that_stopped_ends_quietly(tmp_path: Path, command: list[str]) -> None:
    """When the reader of the output (`| head -1`) has gone, the command ends quietly with
    the status a shell gives a command ended by SIGPIPE."""
    env = {"PATH": "/usr/bin:/bin", **service_env(tmp_path, secret_key=KEY)}
    with subprocess.Popen(
        [sys.executable, "-m", "reminder_service", *command],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        process.stdout.close()
        errors = process.stderr.read().decode()
        assert (process.wait(), errors) == (141, "")


@pytest.mark.parametrize(
    ("option", "value", "complaint"),
    [
        *(
            (["plan", "--days"], days, "is not a number of days from 1 to 3660")
            for days in ("-5", "0", "seven", "100000")
        ),
        *(
            (["check", "--jobs"], jobs, "is not a number of processes, such as 1 or 4")
            for jobs in ("0", "-1", "two")
        ),
    ],
)
def test_a_number_a_command_cannot_use_is_refused(
    deployment: Path,
    option: list[str],
    value: str,
    complaint: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A negative, zero, non-numeric or huge `plan --days`, and a zero, negative or
    non-numeric `check --jobs`, is refused with a clear message."""
    with pytest.raises(SystemExit) as exit_info:
        main([*option, value])
    assert exit_info.value.code == 2
    assert f"{value!r} {complaint}" in capsys.readouterr().err


def test_plan_with_nothing_due_says_so(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty plan is a sentence, not an empty table."""
    (deployment / "program.yaml").write_text(PROGRAM.replace("2024-03-01", "2099-03-01"))
    assert main(["plan", "--days", "3", "--now", "2026-11-25T12:00:00+00:00"]) == 0
    assert capsys.readouterr().out.startswith("Nothing is due between")


def test_plan_from_a_time_with_an_offset_heads_its_table_in_utc(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A --now with a UTC offset is shown converted to UTC, as the header says."""
    assert main(["plan", "--days", "1", "--now", "2026-11-25T12:00+05:30"]) == 0
    assert "(from 2026-11-25 06:30 UTC):" in capsys.readouterr().out


def test_plan_with_nothing_due_names_the_start_in_utc(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The empty plan's sentence gives a --now with an offset in UTC."""
    (deployment / "program.yaml").write_text(PROGRAM.replace("2024-03-01", "2099-03-01"))
    assert main(["plan", "--days", "3", "--now", "2026-11-25T12:00-08:00"]) == 0
    assert capsys.readouterr().out.startswith("Nothing is due between 2026-11-25 20:00 UTC")


def test_preview_eml_is_the_complete_message_with_a_valid_reply_token(
    deployment: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """`preview --eml` prints the RFC 5322 message whose Reply-To token names the pair."""
    assert main(["preview", "ana-ben", "--eml", "--now", "2026-11-25T12:00:00+00:00"]) == 0
    raw = capsysbinary.readouterr().out
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    for header in ("Message-ID", "Date", "From", "To", "Subject", "List-Id", "References"):
        assert message[header], header
    assert message["Auto-Submitted"] == "auto-generated"
    token = token_in_address(
        message["Reply-To"].addresses[0].addr_spec, mailbox="mentoring@northwind.example"
    )
    assert token is not None
    verdict = check_token(token, key=KEY.encode(), today=message["Date"].datetime.date())
    assert (verdict.status, verdict.pair_id) == ("ok", "ana-ben")


def test_preview_shows_the_readable_text(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --eml the preview is the headers people see and the plain text."""
    assert main(["preview", "ana-ben", "--now", "2026-11-25T12:00:00+00:00"]) == 0
    out = capsys.readouterr().out
    assert "Subject: Check-in: Ana and Ben" in out
    assert "Hi Ana and Ben," in out


@pytest.mark.parametrize(
    ("pair_id", "pairs", "hint"),
    [
        ("ana-bne", 2, "did you mean 'ana-ben'?"),
        ("zed", 2, "its pairs are ana-ben, carla-dev."),
        ("zed", 20, "its pairs are pair-00, pair-01, "),
        ("zed", 21, '"reminder-service check" lists the pairs.'),
        ("zed", 0, '"reminder-service check" lists the pairs.'),
    ],
)
def test_preview_of_an_unknown_pair_names_the_nearest_or_the_pairs(
    deployment: Path, pair_id: str, pairs: int, hint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An id the program does not have is an error (exit 1) naming the nearest id; with no
    near one, the ids when they fit on a screen, else (or with none) where to find them."""
    if pairs != 2:
        mentors = [f"Mentor {n}" for n in range(pairs)]
        text = _program_with_mentors(mentors)
        (deployment / "program.yaml").write_text(text if mentors else f"{text.rstrip()} []\n")
    assert main(["preview", pair_id]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"reminder-service: There is no pair {pair_id!r} in ")
    assert hint in err


def test_preview_of_a_pair_ended_by_reply_says_it_will_not_go_out(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Preview reads the pair's own history (and only its): an end asked for by reply makes
    the check-in one that will not be sent."""
    ended_by_a_reply(
        deployment / "data" / "reminders.sqlite3",
        received=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
    )
    assert main(["preview", "ana-ben", "--now", "2026-11-25T12:00:00+00:00"]) == 0
    assert capsys.readouterr().err == "ana-ben has ended, so this email will not be sent.\n"


def test_preview_without_a_pair_is_a_usage_error_naming_one(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pair's email with no pair id is a one-line error, exit 2, saying how to name one."""
    assert main(["preview"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert '"reminder-service preview ana-ben"' in err
    assert '"reminder-service check" lists the pairs' in err


def test_preview_of_the_digest_for_a_pair_is_a_usage_error(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The digest is the coordinator's: with a pair id it is a one-line error, exit 2."""
    assert main(["preview", "ana-ben", "--kind", "digest"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert "the digest goes to the coordinator, not to a pair; drop the pair id" in err


def test_preview_of_an_empty_digest_says_it_would_not_be_sent(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A digest with nothing to report is shown with a line saying it would not go out."""
    assert main(["preview", "--kind", "digest", "--now", "2026-11-25T12:00:00+00:00"]) == 0
    assert "nothing to report yet, so this digest would not be sent" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("status", "note"),
    [
        ("status: ended", "ana-ben has ended, so this email will not be sent."),
        (
            "status: paused\n    paused_until: 2027-01-04",
            "ana-ben is paused until 04 Jan 2027, so this email will not be sent before then.",
        ),
    ],
)
def test_preview_of_a_silent_pair_says_its_checkin_will_not_go_out(
    deployment: Path, status: str, note: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A check-in previewed for an ended or paused pair comes with a line saying so."""
    program = PROGRAM.replace("started: 2024-03-01", f"started: 2024-03-01\n    {status}")
    (deployment / "program.yaml").write_text(program)
    assert main(["preview", "ana-ben", "--now", "2026-11-25T12:00:00+00:00"]) == 0
    out, err = capsys.readouterr()
    assert "Subject: Check-in: Ana and Ben" in out
    assert err == note + "\n"


def test_preview_of_an_active_pair_has_no_note(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A check-in that would go out is shown without any note."""
    assert main(["preview", "ana-ben", "--now", "2026-11-25T12:00:00+00:00"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("kind", [kind.value for kind in Kind])
def test_preview_renders_every_kind(
    deployment: Path, kind: str, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """Every kind of email can be previewed; the digest needs no pair."""
    args = ["preview", "--kind", kind, "--eml", "--now", "2026-11-25T12:00:00+00:00"]
    if kind != "digest":
        args.insert(1, "ana-ben")
    assert main(args) == 0
    message = message_from_bytes(capsysbinary.readouterr().out, policy=policy.default)
    assert message["X-Reminder-Kind"] == kind
    assert message["Subject"]


def test_report_as_csv_and_as_an_html_file(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report prints CSV, or writes one HTML page to --out, without a database yet."""
    assert main(["report", "--now", "2026-11-25T12:00:00+00:00"]) == 0
    header, *rows = capsys.readouterr().out.strip().splitlines()
    assert header.startswith("Pair,Mentor,Mentee,Started,Meetings,Hours")
    assert [row.split(",")[0] for row in rows] == ["ana-ben", "carla-dev"]
    page = deployment / "report.html"
    assert main(["report", "--format", "html", "--out", str(page)]) == 0
    assert "Report on 2 pairs written to" in capsys.readouterr().out
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "Northwind Mentoring" in html
    assert not (deployment / "data").exists()


def test_report_as_html_is_the_same_page_on_standard_output_and_in_a_file(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The page is written as the template makes it, to standard output or to --out, and is
    the one page `report_html` makes, whole, from the same program and meetings."""
    database = deployment / "data" / "reminders.sqlite3"
    with SqliteStore.open(database) as store:
        for day in (3, 17):
            store.add_meeting(
                pair_id="ana-ben",
                met_on=datetime(2026, 11, day, tzinfo=UTC).date(),
                duration_minutes=45,
                reported_by="ana@northwind.example",
                source_message_id=None,
                now=datetime(2026, 11, day, 12, tzinfo=UTC),
            )
    now = "2026-11-25T12:00:00+00:00"
    assert main(["report", "--format", "html", "--now", now]) == 0
    printed = capsys.readouterr().out
    page = deployment / "report.html"
    assert main(["report", "--format", "html", "--now", now, "--out", str(page)]) == 0
    instant = datetime.fromisoformat(now)
    with SqliteStore.open_read_only(database) as store:
        histories = store.pair_histories(now=instant)
        meetings = {"ana-ben": store.meeting_records(pair_id="ana-ben")}
    program = load_program(deployment / "program.yaml")
    whole = report_html(program, histories, meetings, now=instant)
    assert printed == page.read_text() == whole
    assert "<title>ana-ben: Ana" in whole


def test_report_as_csv_reads_each_pairs_meetings_and_gives_what_the_whole_log_gives(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CSV report, which reads a pair's meetings when it reaches the pair, has the rows
    `report_csv` makes from the whole log read at once."""
    database = deployment / "data" / "reminders.sqlite3"
    with SqliteStore.open(database) as store:
        for pair_id, day in (("carla-dev", 2), ("ana-ben", 3), ("ana-ben", 17)):
            store.add_meeting(
                pair_id=pair_id,
                met_on=datetime(2026, 11, day, tzinfo=UTC).date(),
                duration_minutes=30 * day,
                reported_by="ana@northwind.example",
                source_message_id=None,
                now=datetime(2026, 11, day, 12, tzinfo=UTC),
            )
    now = "2026-11-25T12:00:00+00:00"
    assert main(["report", "--now", now]) == 0
    printed = capsys.readouterr().out
    instant = datetime.fromisoformat(now)
    with SqliteStore.open_read_only(database) as store:
        histories = store.pair_histories(now=instant)
        meetings: dict[str, list[MeetingRecord]] = {}
        for record in store.meeting_records():
            meetings.setdefault(record.pair_id, []).append(record)
    program = load_program(deployment / "program.yaml")
    assert printed == report_csv(pair_reports(program, histories, meetings, now=instant))
    assert [line.split(",")[4] for line in printed.splitlines()[1:]] == ["2", "1"]


def ended_by_a_reply_while_the_clock_ran_ahead(database: Path) -> None:
    """Record in `database` Ben's reply ending ana-ben, received while the clock showed 2031."""
    ended_by_a_reply(database, received=datetime(2031, 11, 25, 9, 30, tzinfo=UTC))


def ended_by_a_reply(database: Path, *, received: datetime) -> None:
    """Record in `database` Ben's reply ending ana-ben, received at `received`."""
    verdict = Verdict(
        outcome=Outcome.END,
        pair_id="ana-ben",
        sender_role="mentee",
        sender="ben@northwind.example",
        message_id="<end-2031@northwind.example>",
    )
    with SqliteStore.open(database) as store:
        store.record_inbound(
            folder="INBOX",
            uidvalidity=1,
            uid=1,
            raw=b"Message-ID: <end-2031@northwind.example>\r\n\r\nWe are done.\r\n",
            verdict=verdict,
            now=received,
            keep_text=False,
        )


@pytest.mark.parametrize(
    "command",
    [
        ["plan", "--days", "30"],
        ["report"],
        ["preview", "ana-ben"],
    ],
)
def test_commands_leave_out_history_written_while_the_clock_ran_ahead(
    deployment: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A reply recorded while the clock showed a time years ahead of --now changes nothing
    that `plan`, `report` or `preview` shows: the pair it ended is still active and due."""
    database = deployment / "data" / "reminders.sqlite3"
    people = ("ana@northwind.example", "ben@northwind.example")
    sent_checkin(database, pair_id="ana-ben", recipients=people)
    args = [*command, "--now", "2026-11-25T12:00:00+00:00"]
    assert main(args) == 0
    before = capsys.readouterr()
    ended_by_a_reply_while_the_clock_ran_ahead(database)
    assert main(args) == 0
    assert capsys.readouterr() == before


def test_backup_says_where_it_wrote_and_refuses_to_overwrite(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Backup writes a copy and says where and how big; a second run to the same file refuses
    and exits 1 unless told to overwrite."""
    database = deployment / "data" / "reminders.sqlite3"
    sent_checkin(
        database, pair_id="ana-ben", recipients=("ana@northwind.example", "ben@northwind.example")
    )
    copy = deployment / "reminders-backup.db"
    assert main(["backup", str(copy)]) == 0
    assert capsys.readouterr().out == (
        f"Backup of {database} written to {copy} ({round(copy.stat().st_size / 1000)} kB).\n"
    )
    assert main(["backup", str(copy)]) == 1
    assert f"{copy} already exists; it was left as it is." in capsys.readouterr().err
    assert main(["backup", "--overwrite", str(copy)]) == 0
    with closing(sqlite3.connect(copy)) as restored:
        assert restored.execute("SELECT pair_id FROM outbox").fetchall() == [("ana-ben",)]


def _readme_program_example() -> str:
    """The annotated program file in README.md: the yaml block after its "## The program file"."""
    section = (REPO / "README.md").read_text().split("## The program file", 1)[1]
    return section.split("```yaml\n", 1)[1].split("```", 1)[0]


def test_the_readme_program_example_passes_check(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The program file example in README.md, copied as it is, passes `check`."""
    (deployment / "program.yaml").write_text(_readme_program_example())
    assert main(["check"]) == 0, capsys.readouterr().out


def test_check_on_an_empty_database_file_notes_no_upgrade(
    deployment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty database file is a new database, not one awaiting an upgrade from schema 0."""
    database = deployment / "data" / "reminders.sqlite3"
    database.parent.mkdir(parents=True, exist_ok=True)
    database.touch()
    assert main(["check"]) == 0
    assert "upgraded" not in capsys.readouterr().out
