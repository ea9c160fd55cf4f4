"""status_page.watch() and health_snapshot() against the fake, with outages injected live."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from twilio_monitor_async import StatusChange, TwilioMonitorClient, ValidationError
from twilio_monitor_async.testing import FakeTwilio
from twilio_monitor_async.watch import diff_summaries

from ..waiting import until


async def test_watch_reports_component_incident_and_indicator_changes(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    page = fake.state.status_page
    changes = fake_client.status_page.watch(interval=0.01)
    seen: list[StatusChange] = []
    incident_id: list[str] = []

    async def outage() -> None:
        # After the watcher's baseline summary has been served, whatever the machine's speed.
        await until(lambda: sum(fake.stats.responses.values()) >= 1, pause=0, polls=10**7)
        incident = page.open_incident(
            "Delayed outbound SMS",
            components=["Outbound SMS"],
            component_status="partial_outage",
            impact="major",
        )
        incident_id.append(incident["id"])

    task = asyncio.create_task(outage())
    async for change in changes:
        seen.append(change)
        if any(c.kind == "incident" for c in seen) and any(c.kind == "indicator" for c in seen):
            break
    await task
    await changes.aclose()  # type: ignore[attr-defined]
    kinds = {c.kind for c in seen}
    assert kinds >= {"component", "incident", "indicator"}
    component = next(c for c in seen if c.kind == "component" and c.name == "Outbound SMS")
    assert (component.old, component.new) == ("operational", "partial_outage")
    incident = next(c for c in seen if c.kind == "incident")
    assert incident.id == incident_id[0] and incident.old is None
    indicator = next(c for c in seen if c.kind == "indicator")
    assert indicator.old == "none" and indicator.new != "none"


async def test_resolving_an_incident_is_a_change_and_nothing_repeats(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    page = fake.state.status_page
    incident = page.open_incident(
        "API errors",
        components=["Outbound SMS"],
        component_status="major_outage",
        impact="critical",
    )
    before = await fake_client.status_page.summary()
    page.resolve_incident(incident["id"])
    after = await fake_client.status_page.summary()
    changes = diff_summaries(before, after)
    resolved = [c for c in changes if c.kind == "incident"]
    assert len(resolved) == 1 and resolved[0].new == "resolved"
    assert any(c.kind == "component" and c.new == "operational" for c in changes)
    assert diff_summaries(after, after) == []
    assert "API errors" in str(resolved[0])


async def test_watch_with_max_polls_ends_and_validates(fake_client: TwilioMonitorClient) -> None:
    assert [c async for c in fake_client.status_page.watch(interval=0, max_polls=3)] == []
    with pytest.raises(ValidationError) as caught:
        fake_client.status_page.watch(interval=-1)
    assert caught.value.field == "interval"


async def test_health_snapshot_combines_status_and_alerts(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    records = list(fake.state.collections["alerts"])
    since = datetime.fromisoformat(records[99]["date_generated"].replace("Z", "+00:00"))
    healthy = await fake_client.health_snapshot(since=since)
    recent = [r for r in records if r["date_generated"] >= records[99]["date_generated"]]
    assert healthy.alert_count == len(recent)
    assert healthy.alerts_by_level.get("error", 0) == sum(
        1 for r in recent if r["log_level"] == "error"
    )
    assert healthy.newest_alert is not None and healthy.newest_alert.sid == records[0]["sid"]
    assert healthy.twilio_ok and healthy.indicator == "none"

    fake.state.status_page.open_incident(
        "Voice outage", components=["Outbound SMS"], component_status="major_outage", impact="major"
    )
    degraded = await fake_client.health_snapshot(window=timedelta(minutes=1))
    assert not degraded.twilio_ok
    assert [c.name for c in degraded.not_operational] == ["Outbound SMS"]
    assert [i.name for i in degraded.open_incidents] == ["Voice outage"]
    assert degraded.alerts_since > datetime.now(timezone.utc) - timedelta(minutes=2)
    with pytest.raises(ValidationError):
        await fake_client.health_snapshot(window=timedelta(0))
