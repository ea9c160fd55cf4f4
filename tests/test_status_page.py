"""The status page: no credentials on its requests, typed decoding of every field, bot helpers,
subscribers, and outages simulated on the fake's status page."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl

import pytest

from twilio_monitor_async import (
    AffectedComponent,
    ApiError,
    ComponentStatus,
    Incident,
    IncidentImpact,
    IncidentStatus,
    IncidentUpdate,
    MaintenanceStatus,
    NotFoundError,
    OverallStatus,
    StatusComponent,
    StatusIndicator,
    StatusPageInfo,
    TwilioMonitorClient,
    ValidationError,
)
from twilio_monitor_async.testing import FakeTwilio

from .conftest import ACCOUNT_SID, AUTH_TOKEN, FAST_RETRY

STATUS = "https://status.twilio.com"
PAGE = {
    "id": "gpkpyklzq55q",
    "name": "Twilio",
    "url": "https://status.twilio.com",
    "time_zone": "Etc/UTC",
    "updated_at": "2026-11-20T11:58:03.412Z",
}
GROUP = {
    "id": "grp000000001",
    "name": "Programmable Messaging",
    "status": "partial_outage",
    "created_at": "2017-03-01T18:00:00.000Z",
    "updated_at": "2026-11-20T11:40:00.000Z",
    "position": 1,
    "description": None,
    "showcase": True,
    "start_date": None,
    "group_id": None,
    "page_id": "gpkpyklzq55q",
    "group": True,
    "only_show_if_degraded": False,
    "components": ["sms000000001", "mms000000001"],
}
SMS = {
    "id": "sms000000001",
    "name": "Outbound SMS",
    "status": "partial_outage",
    "created_at": "2017-03-01T18:00:00.000-07:00",
    "updated_at": "2026-11-20T11:40:00Z",
    "position": 2,
    "description": "Sending SMS through the REST API",
    "showcase": False,
    "start_date": "2017-03-01",
    "group_id": "grp000000001",
    "page_id": "gpkpyklzq55q",
    "group": False,
    "only_show_if_degraded": False,
}
MMS = {**SMS, "id": "mms000000001", "name": "Outbound MMS", "status": "operational"}
MMS.update(position=3, description=None, start_date=None)
FUTURE = {**SMS, "id": "new000000001", "name": "Quantum SMS", "status": "sublimated"}
FUTURE.update(group_id=None, position=4, description=None, extra_field={"nested": True})
UPDATE = {
    "id": "upd000000001",
    "status": "identified",
    "body": "We have identified the cause of delayed SMS to AT&T.",
    "incident_id": "inc000000001",
    "created_at": "2026-11-20T11:40:00.000Z",
    "updated_at": "2026-11-20T11:41:00.000Z",
    "display_at": "2026-11-20T11:40:00.000Z",
    "affected_components": [
        {
            "code": "sms000000001",
            "name": "Programmable Messaging - Outbound SMS",
            "old_status": "degraded_performance",
            "new_status": "partial_outage",
        }
    ],
    "deliver_notifications": True,
    "custom_tweet": None,
    "tweet_id": None,
}
INCIDENT = {
    "id": "inc000000001",
    "name": "Delayed SMS delivery to AT&T subscribers",
    "status": "identified",
    "created_at": "2026-11-20T11:20:00.000Z",
    "updated_at": "2026-11-20T11:41:00.000Z",
    "monitoring_at": None,
    "resolved_at": None,
    "impact": "major",
    "shortlink": "https://stspg.io/abc1234",
    "started_at": "2026-11-20T11:15:00.000Z",
    "page_id": "gpkpyklzq55q",
    "incident_updates": [UPDATE, {**UPDATE, "id": "upd000000000", "status": "investigating"}],
    "components": [SMS],
}
MAINTENANCE = {
    **INCIDENT,
    "id": "mnt000000001",
    "name": "Carrier maintenance: Vodafone UK",
    "status": "scheduled",
    "impact": "maintenance",
    "scheduled_for": "2026-11-23T02:00:00.000Z",
    "scheduled_until": "2026-11-23T04:00:00.000Z",
    "incident_updates": [{**UPDATE, "status": "scheduled", "affected_components": None}],
    "components": [],
}
SUMMARY = {
    "page": PAGE,
    "components": [GROUP, SMS, MMS, FUTURE],
    "incidents": [INCIDENT],
    "scheduled_maintenances": [MAINTENANCE],
    "status": {"indicator": "major", "description": "Partial System Outage"},
}

READS: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("summary", "/api/v2/summary.json", {}, SUMMARY),
    ("status", "/api/v2/status.json", {}, {"page": PAGE, "status": SUMMARY["status"]}),
    ("components", "/api/v2/components.json", {}, {"page": PAGE, "components": [SMS]}),
    ("incidents", "/api/v2/incidents.json", {}, {"page": PAGE, "incidents": [INCIDENT]}),
    (
        "incidents",
        "/api/v2/incidents/unresolved.json",
        {"unresolved": True},
        {"page": PAGE, "incidents": [INCIDENT]},
    ),
    (
        "scheduled_maintenances",
        "/api/v2/scheduled-maintenances.json",
        {},
        {"page": PAGE, "scheduled_maintenances": [MAINTENANCE]},
    ),
    (
        "scheduled_maintenances",
        "/api/v2/scheduled-maintenances/upcoming.json",
        {"which": "upcoming"},
        {"page": PAGE, "scheduled_maintenances": [MAINTENANCE]},
    ),
    (
        "scheduled_maintenances",
        "/api/v2/scheduled-maintenances/active.json",
        {"which": "active"},
        {"page": PAGE, "scheduled_maintenances": []},
    ),
]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)  # type: ignore[misc]


def only_call(mock_http: Any) -> tuple[str, str, Any]:
    assert len(mock_http.requests) == 1
    ((method, url), calls) = next(iter(mock_http.requests.items()))
    assert len(calls) == 1
    return method, str(url), calls[0]


# -- wire: no credentials, exact paths ---------------------------------------------------------
@pytest.mark.parametrize(("method", "path", "kwargs", "body"), READS)
async def test_reads_go_to_the_status_host_without_authorization(
    mock_http: Any,
    client: TwilioMonitorClient,
    method: str,
    path: str,
    kwargs: dict[str, Any],
    body: dict[str, Any],
) -> None:
    mock_http.get(STATUS + path, payload=body)
    await getattr(client.status_page, method)(**kwargs)
    verb, url, call = only_call(mock_http)
    assert (verb, url) == ("GET", STATUS + path)
    headers = {k.lower(): v for k, v in (call.kwargs.get("headers") or {}).items()}
    assert "authorization" not in headers
    assert AUTH_TOKEN not in repr(call)


async def test_the_same_client_authenticates_to_twilio_but_not_to_the_status_page(
    mock_http: Any, client: TwilioMonitorClient
) -> None:
    api = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Notifications.json"
    mock_http.get(f"{api}?PageSize=1000", payload={"notifications": [], "next_page_uri": None})
    mock_http.get(f"{STATUS}/api/v2/status.json", payload={"page": PAGE, "status": {}})
    await client.notifications.list()
    await client.status_page.status()
    sent = {
        str(url): calls[0].kwargs.get("headers") or {}
        for (_, url), calls in mock_http.requests.items()
    }
    assert "Authorization" in sent[f"{api}?PageSize=1000"]
    assert "Authorization" not in sent[f"{STATUS}/api/v2/status.json"]


async def test_a_client_without_credentials_reads_the_status_page(mock_http: Any) -> None:
    mock_http.get(
        f"{STATUS}/api/v2/status.json", payload={"page": PAGE, "status": SUMMARY["status"]}
    )
    async with TwilioMonitorClient(retry=FAST_RETRY) as anonymous:
        rollup = await anonymous.status_page.status()
    assert rollup.status == OverallStatus(StatusIndicator.MAJOR, "Partial System Outage")
    assert not rollup.is_operational()


async def test_the_status_base_url_can_be_pointed_elsewhere(mock_http: Any) -> None:
    mirror = "https://status-mirror.example.com"
    mock_http.get(f"{mirror}/api/v2/components.json", payload={"page": PAGE, "components": []})
    async with TwilioMonitorClient(base_urls={"status": mirror}, retry=FAST_RETRY) as c:
        assert await c.status_page.components() == []


# -- decoding -----------------------------------------------------------------------------------
async def test_summary_decodes_every_field(mock_http: Any, client: TwilioMonitorClient) -> None:
    mock_http.get(f"{STATUS}/api/v2/summary.json", payload=SUMMARY)
    summary = await client.status_page.summary()
    assert summary.page == StatusPageInfo(
        id="gpkpyklzq55q",
        name="Twilio",
        url="https://status.twilio.com",
        time_zone="Etc/UTC",
        updated_at=datetime(2026, 11, 20, 11, 58, 3, 412000, tzinfo=timezone.utc),
    )
    assert summary.status == OverallStatus(StatusIndicator.MAJOR, "Partial System Outage")
    group, sms, mms, future = summary.components
    assert group == StatusComponent(
        id="grp000000001",
        name="Programmable Messaging",
        status=ComponentStatus.PARTIAL_OUTAGE,
        description=None,
        position=1,
        group=True,
        group_id=None,
        components=("sms000000001", "mms000000001"),
        showcase=True,
        only_show_if_degraded=False,
        start_date=None,
        page_id="gpkpyklzq55q",
        created_at=utc(2017, 3, 1, 18, 0),
        updated_at=utc(2026, 11, 20, 11, 40),
    )
    assert sms == StatusComponent(
        id="sms000000001",
        name="Outbound SMS",
        status=ComponentStatus.PARTIAL_OUTAGE,
        description="Sending SMS through the REST API",
        position=2,
        group=False,
        group_id="grp000000001",
        components=(),
        showcase=False,
        only_show_if_degraded=False,
        start_date=date(2017, 3, 1),
        page_id="gpkpyklzq55q",
        created_at=utc(2017, 3, 2, 1, 0),  # -07:00 on the wire, the same instant
        updated_at=utc(2026, 11, 20, 11, 40),
    )
    assert mms.status is ComponentStatus.OPERATIONAL
    assert future.status == "sublimated"  # unknown values stay readable
    assert not isinstance(future.status, ComponentStatus)
    (incident,) = summary.incidents
    assert incident == Incident(
        id="inc000000001",
        name="Delayed SMS delivery to AT&T subscribers",
        status=IncidentStatus.IDENTIFIED,
        impact=IncidentImpact.MAJOR,
        shortlink="https://stspg.io/abc1234",
        page_id="gpkpyklzq55q",
        incident_updates=(
            IncidentUpdate(
                id="upd000000001",
                incident_id="inc000000001",
                status=IncidentStatus.IDENTIFIED,
                body="We have identified the cause of delayed SMS to AT&T.",
                affected_components=(
                    AffectedComponent(
                        code="sms000000001",
                        name="Programmable Messaging - Outbound SMS",
                        old_status=ComponentStatus.DEGRADED_PERFORMANCE,
                        new_status=ComponentStatus.PARTIAL_OUTAGE,
                    ),
                ),
                deliver_notifications=True,
                display_at=utc(2026, 11, 20, 11, 40),
                created_at=utc(2026, 11, 20, 11, 40),
                updated_at=utc(2026, 11, 20, 11, 41),
            ),
            incident.incident_updates[1],
        ),
        components=(sms,),
        created_at=utc(2026, 11, 20, 11, 20),
        updated_at=utc(2026, 11, 20, 11, 41),
        started_at=utc(2026, 11, 20, 11, 15),
        monitoring_at=None,
        resolved_at=None,
    )
    assert incident.incident_updates[1].status is IncidentStatus.INVESTIGATING
    assert not incident.is_resolved
    (maintenance,) = summary.scheduled_maintenances
    assert maintenance.status is MaintenanceStatus.SCHEDULED
    assert maintenance.impact is IncidentImpact.MAINTENANCE
    assert maintenance.scheduled_for == utc(2026, 11, 23, 2, 0)
    assert maintenance.scheduled_until == utc(2026, 11, 23, 4, 0)
    assert maintenance.incident_updates[0].status is MaintenanceStatus.SCHEDULED
    assert maintenance.incident_updates[0].affected_components == ()  # null on the wire
    assert not maintenance.is_active


async def test_summary_helpers_answer_a_bots_questions(
    mock_http: Any, client: TwilioMonitorClient
) -> None:
    mock_http.get(f"{STATUS}/api/v2/summary.json", payload=SUMMARY)
    summary = await client.status_page.summary()
    assert not summary.is_operational()
    assert [c.name for c in summary.not_operational()] == ["Outbound SMS", "Quantum SMS"]
    assert [c.name for c in summary.not_operational(include_groups=True)] == [
        "Programmable Messaging",
        "Outbound SMS",
        "Quantum SMS",
    ]
    assert summary.is_operational("Outbound MMS")
    assert not summary.is_operational("sms000000001")
    assert [c.id for c in summary.children("Programmable Messaging")] == [
        "sms000000001",
        "mms000000001",
    ]
    with pytest.raises(LookupError):
        summary.component("Fax")


async def test_a_body_without_its_list_is_a_decode_error(
    mock_http: Any, client: TwilioMonitorClient
) -> None:
    from twilio_monitor_async import DecodeError

    mock_http.get(f"{STATUS}/api/v2/components.json", payload={"page": PAGE})
    with pytest.raises(DecodeError) as caught:
        await client.status_page.components()
    assert "components.json" in str(caught.value)


# -- subscribers on the wire ------------------------------------------------------------------
SUBSCRIBER = {
    "id": "sub000000001",
    "mode": "email",
    "email": "oncall@example.com",
    "created_at": "2026-11-20T12:00:00.000Z",
    "skip_confirmation_notification": False,
    "quarantined_at": None,
    "purge_at": None,
    "component_ids": ["sms000000001"],
}


async def test_subscribe_sends_statuspage_form_fields_without_authorization(
    mock_http: Any, client: TwilioMonitorClient
) -> None:
    mock_http.post(f"{STATUS}/api/v2/subscribers.json", payload={"subscriber": SUBSCRIBER})
    component = StatusComponent(id="mms000000001", name="Outbound MMS")
    subscriber = await client.status_page.subscribe(
        email="oncall@example.com", component_ids=["sms000000001", component]
    )
    assert subscriber.id == "sub000000001"
    assert subscriber.component_ids == ("sms000000001",)
    assert subscriber.created_at == utc(2026, 11, 20, 12, 0)
    method, _, call = only_call(mock_http)
    assert method == "POST"
    assert parse_qsl(call.kwargs["data"].decode()) == [
        ("subscriber[email]", "oncall@example.com"),
        ("subscriber[component_ids][]", "sms000000001"),
        ("subscriber[component_ids][]", "mms000000001"),
    ]
    assert "Authorization" not in call.kwargs["headers"]


@pytest.mark.parametrize(
    ("call", "method", "path", "form"),
    [
        (
            lambda sp: sp.subscribe(phone_number="4155550100", phone_country="US"),
            "POST",
            "/api/v2/subscribers.json",
            [("subscriber[phone_number]", "4155550100"), ("subscriber[phone_country]", "us")],
        ),
        (
            lambda sp: sp.subscribe(
                webhook_url="https://bot.example.com/hook", email="a@b.example"
            ),
            "POST",
            "/api/v2/subscribers.json",
            [
                ("subscriber[email]", "a@b.example"),
                ("subscriber[endpoint]", "https://bot.example.com/hook"),
            ],
        ),
        (
            lambda sp: sp.subscribe_to_incident("inc000000001", email="a@b.example"),
            "POST",
            "/api/v2/subscribers.json",
            [("subscriber[email]", "a@b.example"), ("subscriber[incident_id]", "inc000000001")],
        ),
        (
            lambda sp: sp.update_subscriber("sub000000001", component_ids=["c1", "c2"]),
            "PATCH",
            "/api/v2/subscribers/sub000000001.json",
            [("subscriber[component_ids][]", "c1"), ("subscriber[component_ids][]", "c2")],
        ),
        (
            lambda sp: sp.unsubscribe("sub000000001"),
            "DELETE",
            "/api/v2/subscribers/sub000000001.json",
            None,
        ),
        (
            lambda sp: sp.resend_confirmation("sub000000001"),
            "POST",
            "/resend_confirmation/sub000000001",
            None,
        ),
    ],
)
async def test_subscriber_calls_on_the_wire(
    mock_http: Any,
    client: TwilioMonitorClient,
    call: Any,
    method: str,
    path: str,
    form: list[tuple[str, str]] | None,
) -> None:
    mock_http.add(STATUS + path, method, payload={"subscriber": SUBSCRIBER})
    await call(client.status_page)
    sent_method, url, sent = only_call(mock_http)
    assert (sent_method, url) == (method, STATUS + path)
    body = sent.kwargs.get("data")
    assert (parse_qsl(body.decode()) if body else None) == form
    assert "Authorization" not in (sent.kwargs.get("headers") or {})


async def test_subscriber_ids_are_quoted_into_the_path(
    mock_http: Any, client: TwilioMonitorClient
) -> None:
    mock_http.delete(f"{STATUS}/api/v2/subscribers/..%2Fsummary.json", status=204)
    await client.status_page.unsubscribe("../summary")
    assert only_call(mock_http)[1] == f"{STATUS}/api/v2/subscribers/..%2Fsummary.json"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda sp: sp.subscribe(), "email"),
        (lambda sp: sp.subscribe(email="a@b.example", phone_number="4155550100"), "email"),
        (lambda sp: sp.subscribe(email="not-an-address"), "email"),
        (lambda sp: sp.subscribe(phone_country="us", email="a@b.example"), "phone_country"),
        (lambda sp: sp.subscribe(phone_number="4155550100", phone_country="USA"), "phone_country"),
        (lambda sp: sp.subscribe(webhook_url="ftp://x.example"), "webhook_url"),
        (
            lambda sp: sp.subscribe(webhook_url="https://x.example", phone_number="1"),
            "phone_number",
        ),
        (lambda sp: sp.subscribe(email="a@b.example", component_ids="abc"), "component_ids"),
        (lambda sp: sp.subscribe(email="a@b.example", component_ids=[7]), "component_ids[0]"),
        (lambda sp: sp.subscribe_to_incident(None, email="a@b.example"), "incident_id"),
        (lambda sp: sp.update_subscriber("sub1", component_ids=[]), "component_ids"),
        (lambda sp: sp.unsubscribe(""), "subscriber_id"),
        (lambda sp: sp.scheduled_maintenances("soon"), "which"),
        (lambda sp: sp.incidents(unresolved="yes"), "unresolved"),
    ],
)
async def test_bad_status_page_arguments_are_refused_before_any_request(
    mock_http: Any, client: TwilioMonitorClient, call: Any, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        await call(client.status_page)
    assert caught.value.field == field
    assert mock_http.requests == {}


# -- against the fake: a large realistic page, outages, subscribers ----------------------------
async def test_a_large_realistic_summary_decodes_component_for_component(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    page = fake.state.status_page
    assert len(page.components) >= 300
    assert len(page.groups()) >= 20
    summary = await fake_client.status_page.summary()
    assert len(summary.components) == len(page.components)
    for got, raw in zip(summary.components, page.components, strict=True):
        assert got.id == raw["id"]
        assert got.name == raw["name"]
        assert got.status == raw["status"]
        assert isinstance(got.status, ComponentStatus)
        assert got.group is raw["group"]
        assert got.group_id == raw["group_id"]
        assert got.components == tuple(raw.get("components", ()))
        assert got.position == raw["position"]
        assert got.updated_at is not None
        assert got.updated_at.tzinfo is not None
    assert summary.page is not None
    assert summary.page.name == "Twilio"
    assert summary.status == OverallStatus(StatusIndicator.NONE, "All Systems Operational")
    assert summary.is_operational()
    assert summary.not_operational() == ()
    assert summary.incidents == ()  # the seeded history is resolved
    upcoming = [m.name for m in summary.scheduled_maintenances]
    assert upcoming == [m["name"] for m in page.maintenances if m["status"] == "scheduled"]
    assert len(upcoming) == 2
    history = await fake_client.status_page.incidents()
    assert len(history) == 50  # Statuspage serves the 50 most recent
    assert [i.id for i in history] == [i["id"] for i in page.incidents[:50]]
    assert all(i.is_resolved for i in history)
    assert all(len(i.incident_updates) >= 2 for i in history)
    created = [i.created_at for i in history]
    assert created == sorted(created, reverse=True)  # type: ignore[type-var]
    assert page.authorization_headers_seen == 0


async def test_a_simulated_outage_and_its_resolution(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    page = fake.state.status_page
    sms = page.component("Outbound SMS")
    mms = page.component("Outbound MMS")
    incident = page.open_incident(
        "Delayed outbound messages",
        components=[sms, mms],
        component_status="partial_outage",
        impact="major",
    )
    status = await fake_client.status_page.status()
    assert status.status == OverallStatus(StatusIndicator.MAJOR, "Partial System Outage")
    summary = await fake_client.status_page.summary()
    assert not summary.is_operational()
    assert [c.id for c in summary.not_operational()] == [sms["id"], mms["id"]]
    group = summary.component(sms["group_id"])
    assert group.status is ComponentStatus.PARTIAL_OUTAGE
    assert not summary.is_operational("Programmable Messaging")
    (open_incident,) = summary.incidents
    assert open_incident.id == incident["id"]
    assert open_incident.status is IncidentStatus.INVESTIGATING
    changes = open_incident.incident_updates[0].affected_components
    assert {(c.code, c.old_status, c.new_status) for c in changes} == {
        (sms["id"], ComponentStatus.OPERATIONAL, ComponentStatus.PARTIAL_OUTAGE),
        (mms["id"], ComponentStatus.OPERATIONAL, ComponentStatus.PARTIAL_OUTAGE),
    }
    unresolved = await fake_client.status_page.incidents(unresolved=True)
    assert [i.id for i in unresolved] == [incident["id"]]

    page.update_incident(incident["id"], "monitoring")
    page.resolve_incident(incident["id"])
    summary = await fake_client.status_page.summary()
    assert summary.is_operational()
    assert summary.incidents == ()
    history = await fake_client.status_page.incidents()
    assert history[0].id == incident["id"]  # the newest incident comes first
    latest = history[0]
    assert latest.is_resolved
    assert [u.status for u in latest.incident_updates] == [
        IncidentStatus.RESOLVED,
        IncidentStatus.MONITORING,
        IncidentStatus.INVESTIGATING,
    ]
    assert latest.resolved_at is not None
    assert latest.monitoring_at is not None
    assert latest.resolved_at > latest.monitoring_at


async def test_one_degraded_component_is_a_minor_outage(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    page = fake.state.status_page
    germany = [c for c in page.leaves() if c["name"] == "Germany"]
    assert len(germany) == 3  # SMS, Voice and porting groups all list it: names repeat
    page.set_component_status(germany[0]["id"], "degraded_performance")
    summary = await fake_client.status_page.summary()
    assert summary.status == OverallStatus(StatusIndicator.MINOR, "Minor Service Outage")
    (down,) = summary.not_operational()
    assert down.id == germany[0]["id"]
    assert down.status is ComponentStatus.DEGRADED_PERFORMANCE
    with pytest.raises(LookupError):
        summary.is_operational("Germany")  # ambiguous: the bot must use the id
    assert summary.is_operational(germany[1]["id"])
    components = await fake_client.status_page.components()
    assert [c.id for c in components if not c.is_operational and not c.group] == [down.id]


async def test_maintenance_windows_move_through_their_states(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    page = fake.state.status_page
    target = page.component("Short Codes")
    window = page.schedule_maintenance(
        "Short code gateway upgrade", starts_in=timedelta(hours=6), components=[target]
    )
    upcoming = await fake_client.status_page.scheduled_maintenances("upcoming")
    assert window["id"] in [m.id for m in upcoming]
    assert await fake_client.status_page.scheduled_maintenances("active") == []

    page.start_maintenance(window["id"])
    (active,) = await fake_client.status_page.scheduled_maintenances("active")
    assert active.id == window["id"]
    assert active.is_active
    summary = await fake_client.status_page.summary()
    assert summary.status is not None
    assert summary.status.indicator is StatusIndicator.MAINTENANCE
    assert summary.component(target["id"]).status is ComponentStatus.UNDER_MAINTENANCE

    page.complete_maintenance(window["id"])
    everything = await fake_client.status_page.scheduled_maintenances()
    done = next(m for m in everything if m.id == window["id"])
    assert done.status is MaintenanceStatus.COMPLETED
    assert (await fake_client.status_page.summary()).is_operational()


async def test_subscriber_lifecycle_against_the_fake(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    page = fake.state.status_page
    summary = await fake_client.status_page.summary()
    wanted = summary.children("Programmable Voice")[:2]
    subscriber = await fake_client.status_page.subscribe(
        email="oncall@example.com", component_ids=wanted
    )
    assert subscriber.mode == "email"
    assert subscriber.component_ids == tuple(c.id for c in wanted)
    stored = page.subscribers[subscriber.id or ""]
    assert stored["email"] == "oncall@example.com"

    changed = await fake_client.status_page.update_subscriber(
        subscriber.id or "", component_ids=[wanted[0]]
    )
    assert changed.component_ids == (wanted[0].id,)
    await fake_client.status_page.resend_confirmation(subscriber.id or "")
    assert stored["confirmations_sent"] == 2
    await fake_client.status_page.unsubscribe(subscriber.id or "")
    assert subscriber.id not in page.subscribers
    with pytest.raises(NotFoundError):
        await fake_client.status_page.unsubscribe(subscriber.id or "")

    sms = await fake_client.status_page.subscribe(phone_number="4155550100")
    assert (sms.mode, sms.phone_country) == ("sms", "us")
    hook = await fake_client.status_page.subscribe(
        webhook_url="https://bot.example.com/statuspage", email="bot@example.com"
    )
    assert hook.mode == "webhook"
    assert hook.endpoint == "https://bot.example.com/statuspage"
    with pytest.raises(ApiError) as caught:
        await fake_client.status_page.subscribe(email="a@b.example", component_ids=["nope"])
    assert caught.value.status == 422
    assert "nope" in str(caught.value)
    assert page.authorization_headers_seen == 0


async def test_incident_subscriptions_need_an_open_incident(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    page = fake.state.status_page
    resolved = page.incidents[0]
    with pytest.raises(ApiError) as caught:
        await fake_client.status_page.subscribe_to_incident(resolved["id"], email="a@b.example")
    assert caught.value.status == 422
    incident = page.open_incident("Elevated API errors", components=["api.twilio.com"])
    follower = await fake_client.status_page.subscribe_to_incident(
        incident["id"], email="a@b.example"
    )
    assert follower.incident_id == incident["id"]
    assert page.subscribers[follower.id or ""]["incident_id"] == incident["id"]
