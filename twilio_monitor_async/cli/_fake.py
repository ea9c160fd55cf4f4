"""``twilio-monitor fake-server``: serve the fake Twilio for other programs' tests.

By default the fake is live (``--live``): its data ends now, its status page has an open
incident, and new alerts and events keep arriving, so ``tail`` and "the last 6 hours" show
something. ``--no-live`` serves the frozen, repeatable data the test suite uses.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import socket

import click

from ..testing import ALL_FAULTS, FakeState, FakeTwilio, FaultPlan, LiveClock, live_account
from ._common import EXIT_NETWORK, CommandError, global_options


@click.command("fake-server")
@global_options
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0 for other containers; their clients need --allow-insecure-http).",
)
@click.option("--port", default=8765, show_default=True, help="Port (0 picks a free one).")
@click.option("--seed", default=0, show_default=True, help="Seed of the generated data.")
@click.option("--alerts", default=2000, show_default=True, help="Alerts to generate.")
@click.option("--events", default=500, show_default=True, help="Events to generate.")
@click.option(
    "--live/--no-live",
    default=True,
    show_default=True,
    help="Data up to now, an open incident, and new records as time goes by.",
)
@click.option(
    "--tick",
    default=5.0,
    show_default=True,
    type=click.FloatRange(0.01),
    help="With --live: seconds between new alerts (an event every third).",
)
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
    live: bool,
    tick: float,
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
    if live:
        state = live_account(seed=seed, alerts=alerts, events=events)
    else:
        state = FakeState.seeded(seed=seed, sizes={"alerts": alerts, "events": events})
    fake = FakeTwilio(state=state, host=host, port=port, faults=plan)
    asyncio.run(_serve(fake, host, live, tick))  # Ctrl-C stops it (exit 130)


def _local_url(host: str, url: str) -> str:
    """The URL a client on this machine uses: a wildcard address is not one to connect to."""
    try:
        wildcard = ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        wildcard = False
    if not wildcard:
        return url
    port = url.rsplit(":", 1)[1]
    return f"http://127.0.0.1:{port}"


async def _serve(fake: FakeTwilio, host: str, live: bool, tick: float) -> None:
    try:
        await fake.start()
    except OSError as exc:
        reason = "the address is already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
        raise CommandError(f"cannot listen on {host}: {reason or exc}", EXIT_NETWORK) from None
    try:
        url = _local_url(host, fake.url)
        # Plain lines (click.echo, no wrapping, flushed): they are meant to be copied.
        click.echo(f"Fake Twilio serving on {url}")
        click.echo(
            f"From Python:\n  TwilioMonitorClient({fake.account_sid!r}, {fake.auth_token!r}, "
            f"base_urls=dict.fromkeys(('monitor', 'events', 'api', 'status'), {url!r}))"
        )
        click.echo(
            f"From a shell:\n  export TWILIO_ACCOUNT_SID={fake.account_sid} "
            f"TWILIO_AUTH_TOKEN={fake.auth_token} TWILIO_MONITOR_BASE_URL={url}\n"
            "  twilio-monitor list alerts --log-level error --limit 5"
        )
        if url != fake.url:
            other = f"http://{socket.gethostname()}:{url.rsplit(':', 1)[1]}"
            click.echo(
                f"From another container: TWILIO_MONITOR_BASE_URL={other} and "
                "--allow-insecure-http (allow_insecure_http=True in Python)."
            )
        if live:
            click.echo(
                f"Live: a new alert every {tick:g}s (an event every third); --no-live to freeze."
            )
        click.echo("Press Ctrl-C to stop.")
        if live:
            async with LiveClock(fake.state, interval=tick):
                await asyncio.Event().wait()  # until Ctrl-C cancels the run
        else:
            await asyncio.Event().wait()
    finally:
        await fake.stop()
