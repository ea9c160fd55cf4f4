"""The twilio-monitor commands end to end against the fake: export, resume, tail, status, alarms."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from twilio_monitor_async.cli import EXIT_AUTH, EXIT_NETWORK, EXIT_STATUS, EXIT_USAGE, main
from twilio_monitor_async.testing import FakeTwilio, FaultPlan

from .cli_support import base_url_args, connection_env, create_alarm_args, fake_in_thread, invoke


@pytest.fixture(scope="module")
def fake() -> FakeTwilio:  # type: ignore[misc]
    with fake_in_thread(alerts=1500, events=300) as server:
        yield server


def alert_sids(fake: FakeTwilio) -> list[str]:
    return [r["sid"] for r in fake.state.collections["alerts"]]


def jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_export_jsonl_round_trips_every_record(fake: FakeTwilio, tmp_path: Path) -> None:
    out = tmp_path / "alerts.jsonl"
    result = invoke(
        fake, "export", "alerts", "--out", str(out), "--page-size", "200", "--no-progress"
    )
    assert result.exit_code == 0, result.output
    rows = jsonl(out)
    assert [r["sid"] for r in rows] == alert_sids(fake)
    first = next(iter(fake.state.collections["alerts"]))
    assert rows[0]["date_generated"] == first["date_generated"]
    assert rows[0]["log_level"] == first["log_level"]
    assert "Exported 1,500 alerts" in result.output


def test_export_filters_csv_and_stdout(fake: FakeTwilio, tmp_path: Path) -> None:
    out = tmp_path / "errors.csv"
    result = invoke(
        fake, "export", "alerts", "--log-level", "error", "--format", "csv", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    expected = [r for r in fake.state.collections["alerts"] if r["log_level"] == "error"]
    assert [r["sid"] for r in rows] == [r["sid"] for r in expected]
    assert rows[0]["alert_text"] == expected[0]["alert_text"]
    assert rows[0]["service_sid"] == (expected[0]["service_sid"] or "")

    events = invoke(fake, "export", "events", "--event-type", "user.login")
    assert events.exit_code == 0
    lines = [json.loads(line) for line in events.stdout.splitlines() if line.startswith("{")]
    assert [e["sid"] for e in lines] == [
        e["sid"] for e in fake.state.collections["events"] if e["event_type"] == "user.login"
    ]
    assert isinstance(lines[0]["event_data"], dict)


def test_export_other_resources(fake: FakeTwilio, tmp_path: Path) -> None:
    for resource, collection, extra in (
        ("notifications", "notifications", ["--log", "warning"]),
        ("sinks", "sinks", []),
        ("subscriptions", "subscriptions", []),
        ("event-types", "event_types", []),
    ):
        out = tmp_path / f"{resource}.jsonl"
        result = invoke(fake, "export", resource, *extra, "--out", str(out))
        assert result.exit_code == 0, (resource, result.output)
        rows = jsonl(out)
        assert rows, resource
        stored = list(fake.state.collections[collection])
        if resource == "notifications":
            stored = [n for n in stored if str(n["log"]) == "1"]
        key = "type" if resource == "event-types" else "sid"
        assert sorted(r[key] for r in rows) == sorted(s[key] for s in stored), resource
    call = next(n for n in fake.state.collections["notifications"] if n["call_sid"])
    result = invoke(fake, "export", "notifications", "--call-sid", call["call_sid"])
    sids = [json.loads(line)["sid"] for line in result.stdout.splitlines()]
    assert call["sid"] in sids
    assert all(
        n["call_sid"] == call["call_sid"]
        for n in fake.state.collections["notifications"]
        if n["sid"] in sids
    )


def test_export_parquet(fake: FakeTwilio, tmp_path: Path) -> None:
    out = tmp_path / "alerts.parquet"
    result = invoke(fake, "export", "alerts", "--format", "parquet", "--out", str(out))
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.column("sid").to_pylist() == alert_sids(fake)
    assert str(table.schema.field("date_generated").type) == "timestamp[us, tz=UTC]"
    assert not (tmp_path / "alerts.parquet.partial.jsonl").exists()


def test_sharded_export_with_details_equals_the_plain_one(fake: FakeTwilio, tmp_path: Path) -> None:
    records = list(fake.state.collections["alerts"])
    start, end = records[900]["date_generated"], records[100]["date_generated"]
    plain, sharded = tmp_path / "plain.jsonl", tmp_path / "sharded.jsonl"
    assert (
        invoke(
            fake, "export", "alerts", "--start", start, "--end", end, "--out", str(plain)
        ).exit_code
        == 0
    )
    result = invoke(
        fake,
        "export",
        "alerts",
        "--start",
        start,
        "--end",
        end,
        "--shards",
        "4",
        "--with-details",
        "--concurrency",
        "8",
        "--page-size",
        "50",
        "--out",
        str(sharded),
    )
    assert result.exit_code == 0, result.output
    plain_rows, sharded_rows = jsonl(plain), jsonl(sharded)
    assert [r["sid"] for r in sharded_rows] == [r["sid"] for r in plain_rows]
    assert len(plain_rows) == 801
    assert all(r["response_body"] for r in sharded_rows)  # the instance view
    assert "response_body" not in plain_rows[0]


def test_export_validation_errors_name_the_field(fake: FakeTwilio, tmp_path: Path) -> None:
    bad = invoke(fake, "export", "alerts", "--log-level", "loud")
    assert bad.exit_code == EXIT_USAGE
    assert bad.output.startswith("error: --log-level: 'loud'")  # the flag, not the argument
    shards = invoke(fake, "export", "alerts", "--shards", "3", "--out", str(tmp_path / "x.jsonl"))
    assert shards.exit_code == EXIT_USAGE
    assert "--shards needs both --start-date and --end-date" in shards.output
    assert not (tmp_path / "x.jsonl").exists()


def test_resume_after_kill_9_writes_every_record_once(tmp_path: Path) -> None:
    with fake_in_thread(alerts=3000, faults=FaultPlan(latency=0.01)) as fake:
        out = tmp_path / "alerts.jsonl"
        checkpoint = Path(str(out) + ".checkpoint")
        command = [
            sys.executable,
            "-m",
            "twilio_monitor_async.cli",
            "export",
            "alerts",
            "--out",
            str(out),
            "--page-size",
            "25",
            "--no-progress",
            *base_url_args(fake),
        ]
        env = {**os.environ, **connection_env(fake)}
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not out.exists() or out.stat().st_size < 40_000):
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        partial = len(out.read_text().splitlines())
        assert 0 < partial < 3000  # killed in the middle
        assert checkpoint.exists()
        resumed = subprocess.run(
            [*command, "--resume"], env=env, capture_output=True, text=True, timeout=120
        )
        assert resumed.returncode == 0, resumed.stderr
        assert "resumed after" in resumed.stderr
        assert [r["sid"] for r in jsonl(out)] == alert_sids(fake)


def test_tail_prints_each_new_record_once_across_restarts(fake: FakeTwilio, tmp_path: Path) -> None:
    state = tmp_path / "tail.json"
    args = (
        "tail",
        "alerts",
        "--checkpoint",
        str(state),
        "--max-polls",
        "1",
        "--poll-interval",
        "0",
        "-o",
        "json",
    )
    first = invoke(fake, *args)
    assert first.exit_code == 0, first.output
    assert first.stdout.strip() == ""  # starts at the newest record
    added = [fake.state.add_alert(log_level="error") for _ in range(3)]
    second = invoke(fake, *args)
    printed = [json.loads(line)["sid"] for line in second.stdout.splitlines()]
    assert sorted(printed) == sorted(a["sid"] for a in added)
    third = invoke(fake, *args)
    assert third.stdout.strip() == ""  # nothing twice after a restart
    fake.state.add_alert(log_level="warning")
    text = invoke(
        fake,
        "tail",
        "alerts",
        "--checkpoint",
        str(state),
        "--max-polls",
        "1",
        "--poll-interval",
        "0",
    )
    assert "WARNING" in text.stdout


def test_status_table_json_and_exit_codes(fake: FakeTwilio) -> None:
    healthy = invoke(fake, "status", "--fail-on", "minor")
    assert healthy.exit_code == 0, healthy.output
    assert "components operational" in healthy.output
    page = fake.state.status_page
    incident = page.open_incident(
        "Voice outage",
        components=["Outbound SMS"],
        component_status="partial_outage",
        impact="major",
    )
    try:
        table = invoke(fake, "status")
        assert table.exit_code == 0
        assert "Outbound SMS" in table.output and "Voice outage" in table.output
        assert invoke(fake, "status", "--fail-on", "major").exit_code == EXIT_STATUS
        assert invoke(fake, "status", "--fail-on", "critical").exit_code == 0
        doc = json.loads(invoke(fake, "status", "--json").stdout)
        assert doc["status"]["indicator"] != "none"
    finally:
        page.resolve_incident(incident["id"])


def test_alarms_commands_round_trip_and_validate(fake: FakeTwilio, tmp_path: Path) -> None:
    created = invoke(
        fake,
        *create_alarm_args("Webhook failures"),
    )
    assert created.exit_code == 0, created.output
    sid = created.stdout.strip()
    assert sid.startswith("AK")
    shown = json.loads(invoke(fake, "alarms", "get", sid, "--json").stdout)
    assert shown["friendly_name"] == "Webhook failures" and shown["trigger_value"] == 5
    config = tmp_path / "alarm.json"
    config.write_text(
        json.dumps(
            {
                "friendlyName": "Errors",
                "description": "any error",
                "queryType": "LOG_LEVEL",
                "query": "ERROR",
                "triggerValue": 1,
                "timeWindow": "ONE_HOUR",
                "consoleIndicator": True,
            }
        )
    )
    assert invoke(fake, "alarms", "update", sid, "--from-file", str(config)).exit_code == 0
    assert (
        json.loads(invoke(fake, "alarms", "get", sid, "--json").stdout)["query_type"] == "LOG_LEVEL"
    )
    assert invoke(fake, "alarms", "disable", sid).stdout.strip() == f"disabled {sid}"
    assert json.loads(invoke(fake, "alarms", "get", sid, "--json").stdout)["enabled"] is False
    assert sid in invoke(fake, "alarms", "list").stdout
    assert invoke(fake, "alarms", "delete", sid).exit_code == 0

    bad = invoke(
        fake,
        "alarms",
        "create",
        "--friendly-name",
        "bad!name",
        "--description",
        "x",
        "--query-type",
        "ALL",
        "--trigger-value",
        "1",
        "--time-window",
        "ONE_DAY",
        "--console-indicator",
    )
    assert bad.exit_code == EXIT_USAGE
    assert "--friendly-name: may contain only" in bad.output
    missing = invoke(fake, "alarms", "create", "--friendly-name", "ok")
    assert missing.exit_code == EXIT_USAGE
    assert "description" in missing.output


def test_errors_are_one_line_with_distinct_exit_codes(fake: FakeTwilio) -> None:
    wrong = invoke(
        fake, "export", "alerts", "--no-progress", env={"TWILIO_AUTH_TOKEN": "wrong-secret-token"}
    )
    assert wrong.exit_code == EXIT_AUTH
    assert "wrong-secret-token" not in wrong.output
    assert "Traceback" not in wrong.output
    debug = invoke(
        fake, "export", "alerts", "--debug", env={"TWILIO_AUTH_TOKEN": "wrong-secret-token"}
    )
    assert debug.exit_code == EXIT_AUTH
    assert "wrong-secret-token" not in debug.output
    closed = CliRunner().invoke(
        main,
        ["export", "alerts", "--base-url", "monitor=http://127.0.0.1:9"],
        env=connection_env(fake),
    )
    assert closed.exit_code == EXIT_NETWORK
    usage = CliRunner().invoke(main, ["export", "alerts", "--format", "xml"])
    assert usage.exit_code == EXIT_USAGE


def test_help_lists_every_command_and_filter() -> None:
    runner = CliRunner()
    top = runner.invoke(main, ["--help"]).output
    for command in ("export", "tail", "status", "alarms", "fake-server", "demo"):
        assert command in top
    alerts_help = runner.invoke(main, ["export", "alerts", "--help"]).output
    for flag in (
        "--log-level",
        "--start",
        "--end",
        "--shards",
        "--with-details",
        "--resume",
        "--format",
    ):
        assert flag in alerts_help
    events_help = runner.invoke(main, ["export", "events", "--help"]).output
    for flag in ("--actor-sid", "--event-type", "--resource-sid", "--source-ip-address"):
        assert flag in events_help
