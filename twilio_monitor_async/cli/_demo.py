"""``twilio-monitor demo``: the whole product against the embedded fake, no credentials.

It starts a live fake Twilio in-process (data up to now, a small incident on its status page), runs a sharded
export of the alerts with their details to a file with the progress bar, reads the file back
for a summary (by log level, by error code, per hour), shows the status page, and says what to
run next with real credentials.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click
import orjson
from rich.table import Table
from rich.text import Text

from .._files import check_folder
from ..export import detail_fetcher, listing_walks, run_export
from ..models.monitor import AlertInstance
from ..models.status_page import StatusSummary
from ..testing import FakeTwilio, live_account
from ._common import global_options, is_quiet, note
from ._console import stdout, visible
from ._export import progress_bar
from ._status import print_summary


@click.command("demo")
@global_options
@click.option("--alerts", default=4000, show_default=True, help="Alerts the fake holds.")
@click.option("--shards", default=4, show_default=True, help="Time windows exported at once.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    help="Where to write the export (default: a temporary folder).",
)
@click.option("--seed", default=0, show_default=True, help="Seed of the fake's data.")
@click.option("--force", is_flag=True, help="Replace an existing --out file.")
def demo(alerts: int, shards: int, out: str | None, seed: int, force: bool) -> None:
    """Run everything against the embedded fake Twilio (no credentials, no network)."""
    if out:
        target = Path(out)
        check_folder(target)
    else:
        target = Path(tempfile.mkdtemp(prefix="twilio-monitor-demo-")) / "alerts.jsonl"
    records, elapsed, requests, summary = asyncio.run(
        _demo(alerts=alerts, shards=shards, target=target, seed=seed, force=force)
    )
    rows = [orjson.loads(line) for line in target.read_bytes().splitlines()]
    console = stdout()
    console.print(
        f"\nExported {records:,} alerts with details to {visible(target)} in {elapsed:.1f}s "
        f"({records / elapsed:,.0f} alerts/s, {requests:,} requests)."
    )
    _summaries(rows)
    console.print()
    print_summary(console, summary, limit=5)
    console.print()
    console.print(Text("Next, with your own account", "bold"), "(read-only, nothing is changed):")
    console.print(
        "  export TWILIO_ACCOUNT_SID=AC... TWILIO_AUTH_TOKEN=...\n"
        "  twilio-monitor list alerts --log-level error --limit 20\n"
        "  twilio-monitor export alerts --start-date 2026-11-01 --end-date 2026-11-02 --shards 8 --out alerts.jsonl\n"
        "  twilio-monitor tail alerts --log-level error\n"
        "  twilio-monitor status --fail-on major\n"
        "Or in Python: async with TwilioMonitorClient.from_env() as client: ...  (see the README)"
    )


async def _demo(
    *, alerts: int, shards: int, target: Path, seed: int, force: bool
) -> tuple[int, float, int, StatusSummary]:
    note(f"Starting the fake Twilio ({alerts:,} alerts, seed {seed}) on loopback...")
    async with FakeTwilio(state=live_account(seed=seed, alerts=alerts)) as fake:
        dates = [r["date_generated"] for r in fake.state.collections["alerts"]]
        start, end = min(dates), max(dates)
        note(
            f"Fake Twilio at {fake.url}. Exporting every alert with its details, {shards} windows at a time:"
        )
        async with fake.client(max_connections=20) as client:
            walks = listing_walks(
                client.alerts, {"start_date": start, "end_date": end}, shards=shards
            )
            started = time.perf_counter()
            with progress_bar("alerts", disabled=is_quiet()) as advance:
                result = await run_export(
                    walks,
                    record_type=AlertInstance,
                    query={"resource": "alerts", "demo": True},
                    out=target,
                    overwrite=force,
                    private=True,
                    transform=detail_fetcher(client.alerts, 20),
                    on_records=advance,
                )
            elapsed = time.perf_counter() - started
            summary = await client.status_page.summary()
            requests = client.stats.requests
    return result.records, elapsed, requests, summary


def _summaries(rows: list[dict[str, Any]]) -> None:
    levels = Counter(str(r.get("log_level")) for r in rows)
    codes = Counter((r.get("error_code") or "-", _text(r.get("alert_text"))) for r in rows)
    newest = max((r["date_generated"] for r in rows if r.get("date_generated")), default=None)
    tables = [_table("By log level", ("log level", "alerts"), levels.most_common())]
    tables.append(
        _table(
            "Top error codes",
            ("error code", "alerts"),
            [(f"{c} {t}", n) for (c, t), n in codes.most_common(8)],
        )
    )
    if newest is not None:
        last = datetime.fromisoformat(newest.replace("Z", "+00:00"))
        hours = Counter(
            r["date_generated"][:13]
            for r in rows
            if r.get("date_generated")
            and datetime.fromisoformat(r["date_generated"].replace("Z", "+00:00"))
            > last - timedelta(hours=12)
        )
        tables.append(
            _table(
                "Per hour (last 12 hours of data, UTC)",
                ("hour", "alerts"),
                [(f"{hour[5:10]} {hour[11:13]}:00", n) for hour, n in sorted(hours.items())],
                bars=True,
            )
        )
    for table in tables:
        stdout().print(table)


def _text(alert_text: Any) -> str:
    first = str(alert_text or "").split("&")[0]
    return first.removeprefix("Msg=").replace("+", " ")


def _table(title: str, columns: tuple[str, str], rows: Any, *, bars: bool = False) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(columns[0])
    table.add_column(columns[1], justify="right")
    if bars:
        table.add_column("")
    rows = list(rows)
    top = max((n for _, n in rows), default=1)
    for name, count in rows:
        cells = [visible(name), f"{count:,}"]
        if bars:
            cells.append("█" * max(1, round(20 * count / top)))
        table.add_row(*cells)
    return table
