"""FakeState: the fake's shared state, seeded by every fake API, with the helpers tests use.

Each fake API module contributes ``SIZES`` (its record counts) and ``seed``, and a ``ROUTES``
list of declarations; ``API_MODULES`` and ``ROUTES`` here are the whole fake.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime
from types import ModuleType
from typing import Any

from attrs import define

from . import _alarms, _events_v1, _monitor, _notifications, _seed, _status_page
from ._routes import FakeRoute
from ._state import DEFAULT_NOW, FakeStats, FaultPlan, ServerState
from ._status_page_state import FakeStatusPage

__all__ = ["API_MODULES", "ROUTES", "FakeHost", "FakeState"]

API_MODULES: tuple[ModuleType, ...] = (
    _monitor,
    _alarms,
    _events_v1,
    _notifications,
    _status_page,
)
#: Every route of every fake API, in the order they are matched.
ROUTES: tuple[FakeRoute, ...] = tuple(route for module in API_MODULES for route in module.ROUTES)


@define
class FakeState(ServerState):
    """Everything the fake serves. Tests read and change it directly (add an alert, ...)."""

    @classmethod
    def seeded(
        cls, *, seed: int = 0, now: datetime = DEFAULT_NOW, sizes: Mapping[str, int] | None = None
    ) -> FakeState:
        """A state with deterministic data; ``sizes`` sets record counts (``{"alerts": 10_000}``)."""
        state = cls(now=now)
        sizes = sizes or {}
        known = {name for module in API_MODULES for name in module.SIZES}
        unknown = set(sizes) - known
        if unknown:
            raise TypeError(f"unknown sizes {sorted(unknown)}; known: {sorted(known)}")
        for module in API_MODULES:
            wanted = {name: sizes.get(name, default) for name, default in module.SIZES.items()}
            module.seed(state, random.Random(f"{seed}:{module.__name__}"), **wanted)
        return state

    @property
    def status_page(self) -> FakeStatusPage:
        """The fake status page's state (components, incidents, ...): change it to simulate an
        outage."""
        page: FakeStatusPage = self.extra["status_page"]
        return page

    def add_alert(self, **fields: Any) -> dict[str, Any]:
        """Add a generated alert as if it just arrived (generated at the fake's ``now``, unless
        ``fields`` say otherwise; ``fields`` override any value)."""
        now = _seed.iso(self.now)
        fields = {"date_generated": now, "date_created": now, "date_updated": now, **fields}
        return self.collections["alerts"].add(_monitor.make_alert(self.rng, self, **fields))

    def add_odd_alert(self, oddity: str, **fields: Any) -> dict[str, Any]:
        """Add an alert shaped like the odd ones real servers send, to test code against them.

        ``oddity`` is ``"blank_dates"`` (every date ``""`` or blank), ``"future_date"`` (dated
        2099: a server clock gone wrong) or ``"undecodable"`` (optional fields holding values
        no decoder can read: an object for the error code, a list for ``more_info``, a date
        that is not one). ``fields`` override any value, as in ``add_alert``.
        """
        odd = _monitor.ODD_ALERTS.get(oddity)
        if odd is None:
            raise ValueError(f"unknown oddity {oddity!r}; known: {sorted(_monitor.ODD_ALERTS)}")
        return self.add_alert(**{**odd, **fields})

    def add_event(self, **fields: Any) -> dict[str, Any]:
        """Add a generated audit event dated at the fake's ``now`` (``fields`` override any
        value)."""
        fields = {"event_date": _seed.iso(self.now), **fields}
        return self.collections["events"].add(_monitor.make_event(self.rng, self, **fields))


class FakeHost:
    """What the two ways of serving the fake share: the state they serve, its fault plan and
    statistics, and the fake account's credentials. ``FakeTwilio`` serves it on a loopback
    port, ``FakeTransport`` in-process."""

    def __init__(
        self,
        *,
        state: FakeState | None = None,
        seed: int = 0,
        faults: FaultPlan | None = None,
        sizes: Mapping[str, int] | None = None,
    ) -> None:
        self.state = state if state is not None else FakeState.seeded(seed=seed, sizes=sizes)
        if faults is not None:
            self.state.faults = faults

    @property
    def faults(self) -> FaultPlan:
        return self.state.faults

    @faults.setter
    def faults(self, plan: FaultPlan) -> None:
        self.state.faults = plan

    @property
    def stats(self) -> FakeStats:
        return self.state.stats

    @property
    def account_sid(self) -> str:
        return self.state.account_sid

    @property
    def auth_token(self) -> str:
        return self.state.auth_token
