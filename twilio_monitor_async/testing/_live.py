"""A fake that behaves like a live account: data up to the present, an open incident on the status
page, and a clock that keeps producing alerts and events.

The seeded fake is frozen at a fixed date so tests are repeatable; a person trying the CLI or the
README against ``twilio-monitor fake-server`` needs the opposite: "the last 6 hours" must hold
something, and ``tail`` / ``follow()`` must see new records arrive. ``live_account()`` seeds the
same data ending now, and ``LiveClock`` adds records while it runs.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import datetime, timezone
from types import TracebackType
from typing import Any

from ._seed import iso
from ._server import FakeState

__all__ = ["OPEN_INCIDENT", "LiveClock", "live_account"]

#: The incident a live account's status page has open.
OPEN_INCIDENT = "Delayed SMS delivery to some carriers"


def _utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def live_account(*, seed: int = 0, now: datetime | None = None, **sizes: int) -> FakeState:
    """A seeded state whose data ends ``now`` (default: the present), with an open incident."""
    state = FakeState.seeded(seed=seed, now=now or _utc_now(), sizes=sizes)
    state.rng = random.Random(f"{seed}:live")
    state.status_page.open_incident(
        OPEN_INCIDENT,
        components=["Outbound SMS"],
        component_status="degraded_performance",
        impact="minor",
    )
    return state


class LiveClock:
    """While it runs, every ``interval`` seconds: the state's clock moves to the present, a new
    alert arrives (passed to ``on_tick``), and every ``events_every`` ticks a new audit event.

        async with FakeTwilio(state=live_account()) as fake, LiveClock(fake.state, interval=1):
            ...  # tail / follow() see new records
    """

    def __init__(
        self,
        state: FakeState,
        *,
        interval: float = 5.0,
        events_every: int = 3,
        clock: Callable[[], datetime] = _utc_now,
        on_tick: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        if interval <= 0:
            raise ValueError("interval must be positive")
        self.state = state
        self.interval = interval
        self.events_every = max(1, events_every)
        self.ticks = 0
        self._clock = clock
        self._on_tick = on_tick
        self._task: asyncio.Task[None] | None = None

    def tick(self) -> dict[str, Any]:
        """One step of the clock now: returns the alert it added."""
        now = self._clock()
        self.state.now = max(self.state.now, now)
        stamp = iso(self.state.now)
        self.ticks += 1
        if self.ticks % self.events_every == 0:
            self.state.add_event(event_date=stamp)
        return self.state.add_alert(date_generated=stamp, date_created=stamp, date_updated=stamp)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            alert = self.tick()
            if self._on_tick is not None:
                self._on_tick(alert)

    async def __aenter__(self) -> LiveClock:
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
