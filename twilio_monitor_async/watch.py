"""What a bot needs in one call: status page changes as they happen, and a health snapshot.

``diff_summaries`` is a pure function from two status page summaries to the changes between
them (the overall indicator, each component's status, incidents opened, updated or resolved,
maintenances scheduled, started or finished); ``watch_status`` polls the summary and yields those
changes. ``take_health_snapshot`` combines the status page with the account's recent alert
counts, so a chat bot can answer "is it us or Twilio?" with one await.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timezone
from typing import Any, Literal

from attrs import frozen

from .models.monitor import Alert
from .models.status_page import (
    Incident,
    ScheduledMaintenance,
    StatusComponent,
    StatusSummary,
)

__all__ = [
    "HealthSnapshot",
    "StatusChange",
    "diff_summaries",
    "take_health_snapshot",
    "watch_status",
]

ChangeKind = Literal["indicator", "component", "incident", "maintenance"]


@frozen
class StatusChange:
    """One change on the status page between two polls.

    ``kind`` says what changed; ``id``/``name`` name it; ``old``/``new`` are its status before
    and after (None when it appeared or disappeared); ``record`` is its newest record.
    """

    kind: ChangeKind
    id: str | None
    name: str | None
    old: str | None
    new: str | None
    record: StatusComponent | Incident | ScheduledMaintenance | None = None

    def __str__(self) -> str:
        return f"{self.kind} {self.name or self.id}: {self.old or '-'} -> {self.new or '-'}"


def _text(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


def _indexed(items: tuple[Any, ...]) -> dict[str, Any]:
    return {item.id: item for item in items if item.id is not None}


def diff_summaries(old: StatusSummary, new: StatusSummary) -> list[StatusChange]:
    """Every change from ``old`` to ``new``: indicator, then components, incidents, maintenances.

    Incidents and maintenances count as changed when their status or their latest update
    changed; one that left the summary was resolved (or completed).
    """
    changes: list[StatusChange] = []
    old_indicator = _text(old.status.indicator) if old.status else None
    new_indicator = _text(new.status.indicator) if new.status else None
    if old_indicator != new_indicator:
        changes.append(StatusChange("indicator", None, "overall", old_indicator, new_indicator))
    before = _indexed(old.components)
    for component in new.components:
        previous = before.get(component.id or "")
        if previous is None or _text(previous.status) != _text(component.status):
            changes.append(
                StatusChange(
                    "component",
                    component.id,
                    component.name,
                    _text(previous.status) if previous else None,
                    _text(component.status),
                    component,
                )
            )
    for kind, old_items, new_items, gone in (
        ("incident", old.incidents, new.incidents, "resolved"),
        ("maintenance", old.scheduled_maintenances, new.scheduled_maintenances, "completed"),
    ):
        was = _indexed(old_items)
        now = _indexed(new_items)
        for key, item in now.items():
            prior = was.get(key)
            if (
                prior is None
                or _text(prior.status) != _text(item.status)
                or _latest(prior) != _latest(item)
            ):
                changes.append(
                    StatusChange(
                        kind,  # type: ignore[arg-type]
                        key,
                        item.name,
                        _text(prior.status) if prior else None,
                        _text(item.status),
                        item,
                    )
                )
        for key, item in was.items():
            if key not in now:
                changes.append(StatusChange(kind, key, item.name, _text(item.status), gone, item))  # type: ignore[arg-type]
    return changes


def _latest(item: Incident | ScheduledMaintenance) -> str | None:
    updates = item.incident_updates
    return updates[0].id if updates else None


async def watch_status(
    fetch_summary: Callable[[], Awaitable[StatusSummary]],
    *,
    interval: float,
    max_polls: int | None = None,
) -> AsyncIterator[StatusChange]:
    """Poll the summary every ``interval`` seconds and yield each change once.

    The first poll is the baseline (nothing is yielded for it).
    """
    previous = await fetch_summary()
    polls = 1
    while max_polls is None or polls < max_polls:
        await asyncio.sleep(interval)
        current = await fetch_summary()
        polls += 1
        for change in diff_summaries(previous, current):
            yield change
        previous = current


@frozen
class HealthSnapshot:
    """The status page and the account's recent alerts, taken together."""

    taken_at: datetime
    indicator: str | None
    description: str | None
    not_operational: tuple[StatusComponent, ...]
    open_incidents: tuple[Incident, ...]
    active_maintenances: tuple[ScheduledMaintenance, ...]
    alerts_since: datetime
    alerts_by_level: dict[str, int]
    alerts_by_code: dict[str, int]
    newest_alert: Alert | None

    @property
    def twilio_ok(self) -> bool:
        """Twilio reports nothing wrong (indicator ``none``, no component down)."""
        return self.indicator in (None, "none") and not self.not_operational

    @property
    def alert_count(self) -> int:
        return sum(self.alerts_by_level.values())


async def take_health_snapshot(
    status_summary: Callable[[], Awaitable[StatusSummary]],
    alerts: Callable[[datetime], AsyncIterator[Alert]],
    *,
    since: datetime,
) -> HealthSnapshot:
    """Read the status page and count alerts since ``since``, concurrently."""

    async def count() -> tuple[Counter[str], Counter[str], Alert | None]:
        levels: Counter[str] = Counter()
        codes: Counter[str] = Counter()
        newest: Alert | None = None
        async for alert in alerts(since):
            newest = newest or alert  # the list is newest first
            levels[_text(alert.log_level) or "unknown"] += 1
            codes[alert.error_code or "unknown"] += 1
        return levels, codes, newest

    summary, (levels, codes, newest) = await asyncio.gather(status_summary(), count())
    return HealthSnapshot(
        taken_at=datetime.now(timezone.utc),
        indicator=_text(summary.status.indicator) if summary.status else None,
        description=summary.status.description if summary.status else None,
        not_operational=summary.not_operational(),
        open_incidents=summary.incidents,
        active_maintenances=tuple(m for m in summary.scheduled_maintenances if m.is_active),
        alerts_since=since,
        alerts_by_level=dict(levels),
        alerts_by_code=dict(codes.most_common()),
        newest_alert=newest,
    )
