"""The ``twilio-monitor`` command: the demo, and serving the fake Twilio for other people's tests.

Commands are thin: each parses its options, runs one coroutine with ``asyncio.run`` and prints
with rich. Everything they do goes through the public client, so the CLI is also its first user.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from ._version import __version__
from .testing import ALL_FAULTS, FakeTwilio, FaultPlan

__all__ = ["main"]

T = TypeVar("T")

stdout = Console()
stderr = Console(stderr=True)


def _run(factory: Callable[[], Awaitable[T]]) -> T:
    async def runner() -> T:
        return await factory()

    return asyncio.run(runner())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="twilio-monitor")
def main() -> None:
    """Watch a Twilio account: alerts, events, alarms, notifications and the status page.

    Try `twilio-monitor demo` first: it runs against the embedded fake Twilio, no credentials.
    """


@main.command()
@click.option("--alerts", default=5000, show_default=True, help="Alerts the fake holds.")
@click.option("--events", default=1000, show_default=True, help="Events the fake holds.")
@click.option("--seed", default=0, show_default=True, help="Seed of the fake's data.")
def demo(alerts: int, events: int, seed: int) -> None:
    """Run the client against the embedded fake Twilio (no credentials, no network)."""
    _run(lambda: _demo(alerts=alerts, events=events, seed=seed))


async def _demo(*, alerts: int, events: int, seed: int) -> None:
    stderr.print(
        f"Starting the fake Twilio with {alerts} alerts and {events} events (seed {seed})..."
    )
    async with FakeTwilio(seed=seed, alerts=alerts, events=events) as fake:
        stderr.print(f"Fake Twilio listening on {fake.url}")
        async with fake.client() as client:
            started = time.perf_counter()
            by_level: Counter[str] = Counter()
            by_code: Counter[tuple[str, str]] = Counter()
            alert_count = 0
            async for alert in client.alerts.stream():
                alert_count += 1
                by_level[str(alert.log_level)] += 1
                by_code[(alert.error_code or "-", (alert.alert_text or "").split("&")[0][4:])] += 1
            alert_seconds = time.perf_counter() - started
            started = time.perf_counter()
            by_type: Counter[str] = Counter()
            event_count = 0
            async for event in client.events.stream():
                event_count += 1
                by_type[event.event_type or "-"] += 1
            event_seconds = time.perf_counter() - started
            newest = await client.alerts.list(limit=1, log_level="error")
            detail = await client.alerts.fetch(newest[0].sid) if newest and newest[0].sid else None

    stdout.print(
        _counts_table("Alerts by log level", ("log level", "alerts"), by_level.most_common())
    )
    stdout.print(
        _counts_table(
            "Top alert error codes",
            ("error code", "alerts"),
            [(f"{code} {text.replace('+', ' ')}", n) for (code, text), n in by_code.most_common(8)],
        )
    )
    stdout.print(_counts_table("Events by type", ("event type", "events"), by_type.most_common(6)))
    if detail is not None:
        stdout.print(
            f"Newest error alert {detail.sid}: {detail.error_code} at {detail.date_generated:%Y-%m-%d %H:%M:%S}Z, "
            f"{detail.request_method} {detail.request_url}"
        )
    stdout.print(
        f"Streamed {alert_count} alerts in {alert_seconds:.2f}s "
        f"({alert_count / alert_seconds:,.0f} records/s) and {event_count} events in "
        f"{event_seconds:.2f}s ({event_count / event_seconds:,.0f} records/s) over loopback."
    )
    stdout.print(
        "Next, with real credentials: export TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, then use "
        "TwilioMonitorClient.from_env() in your code (see the README)."
    )


def _counts_table(title: str, columns: tuple[str, str], rows: Any) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(columns[0])
    table.add_column(columns[1], justify="right")
    for name, count in rows:
        table.add_row(str(name), f"{count:,}")
    return table


@main.command("fake-server")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, help="Port (0 picks a free one).")
@click.option("--seed", default=0, show_default=True, help="Seed of the generated data.")
@click.option("--alerts", default=2000, show_default=True, help="Alerts to generate.")
@click.option("--events", default=500, show_default=True, help="Events to generate.")
@click.option(
    "--fault-rate",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0.0, 1.0),
    help="Share of API requests that get an injected fault.",
)
@click.option(
    "--faults",
    default=",".join(ALL_FAULTS),
    show_default=True,
    help="Fault kinds to inject, comma-separated.",
)
@click.option("--latency", default=0.0, show_default=True, help="Seconds added to every response.")
def fake_server(
    host: str,
    port: int,
    seed: int,
    alerts: int,
    events: int,
    fault_rate: float,
    faults: str,
    latency: float,
) -> None:
    """Serve the fake Twilio so you can test your own code against it."""
    kinds = tuple(k.strip() for k in faults.split(",") if k.strip())
    unknown = set(kinds) - set(ALL_FAULTS)
    if unknown:
        raise click.BadParameter(f"unknown fault kinds {sorted(unknown)}", param_hint="--faults")
    plan = FaultPlan(rate=fault_rate, kinds=kinds, latency=latency, seed=seed)
    try:
        _run(lambda: _serve(host, port, seed, alerts, events, plan))
    except KeyboardInterrupt:
        stderr.print("Stopped.")


async def _serve(
    host: str, port: int, seed: int, alerts: int, events: int, plan: FaultPlan
) -> None:
    fake = FakeTwilio(host=host, port=port, seed=seed, alerts=alerts, events=events, faults=plan)
    async with fake:
        stdout.print(f"Fake Twilio serving on {fake.url}", highlight=False)
        stdout.print(
            "Point a client at it:\n"
            f"  TwilioMonitorClient({fake.account_sid!r}, {fake.auth_token!r},\n"
            f"      base_urls={{'monitor': {fake.url!r}, 'events': {fake.url!r}, "
            f"'api': {fake.url!r}, 'status': {fake.url!r}}})",
            highlight=False,
        )
        stdout.print("Press Ctrl-C to stop.", highlight=False)
        await asyncio.Event().wait()  # until Ctrl-C cancels the run


if __name__ == "__main__":  # pragma: no cover
    main()
