"""``twilio-monitor fake-server``: serve the fake Twilio for other programs' tests."""

from __future__ import annotations

import asyncio

import click

from ..testing import ALL_FAULTS, FakeTwilio, FaultPlan
from ._console import stderr, stdout


@click.command("fake-server")
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
        asyncio.run(_serve(host, port, seed, alerts, events, plan))
    except KeyboardInterrupt:
        stderr().print("Stopped.")


async def _serve(
    host: str, port: int, seed: int, alerts: int, events: int, plan: FaultPlan
) -> None:
    fake = FakeTwilio(host=host, port=port, seed=seed, alerts=alerts, events=events, faults=plan)
    async with fake:
        url = fake.url
        base_urls = " ".join(
            f"--base-url {d}={url}" for d in ("monitor", "events", "api", "status")
        )
        # Raw lines (no wrapping): they are meant to be copied.
        stdout().out(f"Fake Twilio serving on {url}")
        stdout().out(
            f"From Python:\n  TwilioMonitorClient({fake.account_sid!r}, {fake.auth_token!r}, "
            f"base_urls={dict(fake.base_urls)!r})"
        )
        stdout().out(
            f"From a shell:\n  export TWILIO_ACCOUNT_SID={fake.account_sid} "
            f"TWILIO_AUTH_TOKEN={fake.auth_token}\n  twilio-monitor export alerts {base_urls}"
        )
        stdout().out("Press Ctrl-C to stop.")
        await asyncio.Event().wait()  # until Ctrl-C cancels the run
