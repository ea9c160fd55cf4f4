"""Library logging etiquette: silent unless the application configures logging."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import asyncio, logging, sys

    from twilio_monitor_async import RetryPolicy
    from twilio_monitor_async.testing import FakeTwilio, FaultPlan

    async def main() -> None:
        plan = FaultPlan(rate=0.5, kinds=("503",), retry_after=0.001, seed=1)
        policy = RetryPolicy(attempts=10, backoff_initial=0.001, backoff_max=0.01)
        async with FakeTwilio(alerts=200, faults=plan) as fake:
            async with fake.client(retry=policy) as client:
                got = [a async for a in client.alerts.stream(page_size=20)]
                print(len(got), client.stats.total_retries)

    if sys.argv[1] == "configured":
        logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    asyncio.run(main())
    """
)


def run(mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, timeout=60
    )


def test_retries_print_nothing_when_the_application_has_not_configured_logging() -> None:
    silent = run("unconfigured")
    assert silent.returncode == 0, silent.stderr
    records, retries = map(int, silent.stdout.split())
    assert records == 200 and retries > 0  # retries happened, and were logged to no one
    assert silent.stderr == ""


def test_retries_reach_the_application_s_own_logging() -> None:
    configured = run("configured")
    assert configured.returncode == 0, configured.stderr
    retries = int(configured.stdout.split()[1])
    logged = [line for line in configured.stderr.splitlines() if "retrying" in line]
    assert retries > 0 and len(logged) == retries
    assert all(line.startswith("twilio_monitor_async") for line in logged)
