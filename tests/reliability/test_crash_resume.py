"""Crash and resume: ``twilio-monitor export`` killed with SIGKILL at random points, then resumed.

Each trial starts the real command in a subprocess against the fake (served from a thread, with
some latency and a few injected faults so the export is mid-flight when it dies), kills it with
``kill -9`` once or twice at a random moment (random amounts of output written, drawn from a
seeded generator), resumes it, and checks the finished file holds every record exactly once, in
order. Trials vary the format (JSON Lines, CSV) and sharding.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from twilio_monitor_async.testing import FakeTwilio, FaultPlan

from ..integration.cli_support import base_url_args, connection_env, fake_in_thread
from . import _figures

ALERTS = 2000
WORKTREE = Path(__file__).resolve().parents[2]
#: (format, shards, kills) for each trial; the kill points are random.
TRIALS = [
    ("jsonl", 1, 1),
    ("jsonl", 1, 2),
    ("csv", 1, 1),
    ("jsonl", 3, 1),
    ("csv", 3, 2),
    ("jsonl", 1, 1),
]


@pytest.fixture(scope="module")
def served() -> FakeTwilio:  # type: ignore[misc]
    # 429s only: their Retry-After is tiny, while the CLI's default backoff for other faults
    # would make each trial slow (the chaos suite covers every fault kind).
    plan = FaultPlan(rate=0.05, kinds=("429",), retry_after=0.001, latency=0.004, seed=3)
    with fake_in_thread(alerts=ALERTS, events=10, notifications=10, faults=plan) as fake:
        yield fake


def read_sids(path: Path, fmt: str) -> list[str]:
    if fmt == "csv":
        with path.open(newline="") as handle:
            return [row["sid"] for row in csv.DictReader(handle)]
    return [json.loads(line)["sid"] for line in path.read_text().splitlines()]


def size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


@pytest.mark.parametrize(("trial", "spec"), list(enumerate(TRIALS)))
def test_export_killed_at_random_points_resumes_exactly_once(
    served: FakeTwilio, tmp_path: Path, trial: int, spec: tuple[str, int, int]
) -> None:
    fmt, shards, kills = spec
    rng = random.Random(f"crash-{trial}")
    records = list(served.state.collections["alerts"])
    expected = [r["sid"] for r in records]
    out = tmp_path / f"alerts.{fmt}"
    command = [
        sys.executable,
        "-m",
        "twilio_monitor_async.cli",
        "export",
        "alerts",
        "--out",
        str(out),
        "--format",
        fmt,
        "--page-size",
        "20",
        "--no-progress",
        *base_url_args(served),
    ]
    if shards > 1:
        dates = [r["date_generated"] for r in records]
        command += ["--shards", str(shards), "--start", min(dates), "--end", max(dates)]
    env = {
        **os.environ,
        **connection_env(served),
        "PYTHONPATH": os.pathsep.join([str(WORKTREE), os.environ.get("PYTHONPATH", "")]),
    }
    # a full export is about 600 bytes a record; kill somewhere in the middle of it
    full_size = ALERTS * 450
    killed_at: list[int] = []
    for attempt in range(kills):
        threshold = size_of(out) + rng.randrange(5_000, full_size // (kills + 1))
        args = [*command, "--resume"] if attempt else command
        process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if size_of(out) >= threshold:
                break
            time.sleep(0.002)
        process.send_signal(signal.SIGKILL)
        _, err = process.communicate(timeout=30)
        assert process.returncode == -signal.SIGKILL, err.decode()  # died, did not finish
        killed_at.append(size_of(out))
    assert killed_at[-1] > 0
    assert len(read_sids(out, fmt)) < ALERTS  # the kill left the export unfinished
    resumed = subprocess.run(
        [*command, "--resume"], env=env, capture_output=True, text=True, timeout=120
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed after" in resumed.stderr
    got = read_sids(out, fmt)
    assert len(got) == len(set(got)) == ALERTS, "a record was lost or repeated"
    assert got == expected
    retries = re.search(r"([\d,]+) retries", resumed.stderr)
    _figures.add(
        "crash-resume",
        {
            "trials": 1,
            "SIGKILLs": kills,
            "records checked": len(got),
            "retries in resumed runs": int(retries.group(1).replace(",", "")) if retries else 0,
        },
    )
