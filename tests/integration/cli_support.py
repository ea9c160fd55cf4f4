"""Running the CLI against a fake Twilio served from a background thread (CliRunner and
subprocesses both run their own event loop, so the fake cannot share the test's)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from click.testing import CliRunner, Result

from twilio_monitor_async.cli import main
from twilio_monitor_async.testing import FakeTwilio


@contextmanager
def fake_in_thread(**options: Any) -> Iterator[FakeTwilio]:
    loop = asyncio.new_event_loop()
    fake = FakeTwilio(**options)
    ready = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(fake.start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(30), "the fake did not start"
    try:
        yield fake
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()


def connection_env(fake: FakeTwilio) -> dict[str, str]:
    return {"TWILIO_ACCOUNT_SID": fake.account_sid, "TWILIO_AUTH_TOKEN": fake.auth_token}


def base_url_args(fake: FakeTwilio) -> list[str]:
    return [
        arg
        for domain in ("monitor", "events", "api", "status")
        for arg in ("--base-url", f"{domain}={fake.url}")
    ]


def invoke(fake: FakeTwilio, *args: str, env: Mapping[str, str] | None = None) -> Result:
    """Run ``twilio-monitor ARGS`` with the fake's credentials and base URLs."""
    command = list(args)
    # connection options belong to the leaf command: add them at the end
    command += base_url_args(fake)
    return CliRunner().invoke(
        main, command, env={**connection_env(fake), **(env or {})}, catch_exceptions=False
    )


def create_alarm_args(name: str = "Webhook failures") -> list[str]:
    """``alarms create`` with a valid configuration named ``name``."""
    return [
        "alarms",
        "create",
        "--friendly-name",
        name,
        "--description",
        "11200 spikes",
        "--query-type",
        "ERROR_CODE",
        "--query",
        "11200",
        "--trigger-value",
        "5",
        "--time-window",
        "FIVE_MINS",
        "--email",
        "oncall@example.com",
    ]
