"""The fake's Twilio status page: a Statuspage v2 public API over state a test can change.

``FakeStatusPage`` holds hundreds of components in groups (products, and carrier connectivity
by region, like Twilio's real page), a history of incidents and maintenances, and subscribers.
Its methods are the test's levers: ``set_component_status``, ``open_incident`` /
``update_incident`` / ``resolve_incident``, ``schedule_maintenance`` / ``start_maintenance`` /
``complete_maintenance``. Each change keeps what Statuspage keeps consistent in step: group
statuses are their worst child's, the page indicator follows components and open incidents,
timestamps move forward on a logical clock (so runs are deterministic).

Reach it as ``fake.state.status_page``. The page is public: its routes skip the Basic-auth
check, and count requests that arrive with an Authorization header anyway
(``authorization_headers_seen``), so tests can prove credentials never go there.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from ..sansio import Response
from ._http import FakeRequest, no_content
from ._routes import CustomRoute, json_response
from ._state import ServerState

__all__ = ["FakeStatusPage"]


Doc = dict[str, Any]

PAGE_ID = "gpkpyklzq55q"
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
_SEVERITY = {
    "operational": 0,
    "under_maintenance": 0,
    "degraded_performance": 1,
    "partial_outage": 2,
    "major_outage": 3,
}
_IMPACT_SEVERITY = {"none": 0, "maintenance": 0, "minor": 1, "major": 2, "critical": 3}
_INDICATORS = ("none", "minor", "major", "critical")
_DESCRIPTIONS = {
    "none": "All Systems Operational",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major Service Outage",
    "maintenance": "Service Under Maintenance",
}
_UNRESOLVED = ("investigating", "identified", "monitoring")
_ACTIVE_MAINTENANCE = ("in_progress", "verifying")

PRODUCTS: dict[str, tuple[str, ...]] = {
    "Programmable Voice": (
        "Outbound Calls",
        "Inbound Calls",
        "Call Recording",
        "Conference",
        "Media Streams",
        "Voice Insights",
        "TwiML Execution",
        "Status Callbacks",
    ),
    "Programmable Messaging": (
        "Outbound SMS",
        "Inbound SMS",
        "Outbound MMS",
        "Inbound MMS",
        "Messaging Services",
        "Short Codes",
        "Toll-Free Messaging",
        "A2P 10DLC Registration",
        "Status Callbacks",
    ),
    "WhatsApp": ("Outbound Messages", "Inbound Messages", "Templates", "Sender Registration"),
    "Verify": ("SMS Verification", "Voice Verification", "Email Verification", "TOTP", "Push"),
    "Elastic SIP Trunking": ("Origination", "Termination", "Registration", "Secure Trunking"),
    "Twilio Console": ("Login", "Usage Records", "Billing", "Phone Number Purchasing"),
    "REST API": ("api.twilio.com", "Rate Limiting", "Edge Locations", "Webhooks"),
    "Debugger & Monitor": ("Debugger", "Alerts API", "Events API", "Notifications API", "Alarms"),
    "Serverless": ("Functions", "Assets", "Builds", "Deployments"),
    "Studio": ("Flow Execution", "Flow Editor", "REST API Trigger"),
    "Conversations": ("Messaging", "Webhooks", "Media"),
    "Video": ("Group Rooms", "Recording", "Compositions"),
    "Flex": ("Agent Desktop", "TaskRouter", "Flex Insights"),
    "Lookup": ("Carrier Lookup", "Caller Name", "Line Type Intelligence"),
    "SendGrid Email API": ("Mail Send", "Event Webhook", "Marketing Campaigns"),
}
REGIONS: dict[str, tuple[str, ...]] = {
    "North America": ("United States", "Canada", "Mexico", "Puerto Rico", "Jamaica", "Bahamas"),
    "Latin America": (
        "Argentina",
        "Brazil",
        "Chile",
        "Colombia",
        "Peru",
        "Ecuador",
        "Venezuela",
        "Uruguay",
        "Paraguay",
        "Bolivia",
        "Costa Rica",
        "Panama",
        "Guatemala",
        "Honduras",
        "El Salvador",
        "Dominican Republic",
    ),
    "Europe": (
        "United Kingdom",
        "Ireland",
        "France",
        "Germany",
        "Spain",
        "Portugal",
        "Italy",
        "Netherlands",
        "Belgium",
        "Switzerland",
        "Austria",
        "Poland",
        "Czech Republic",
        "Sweden",
        "Norway",
        "Denmark",
        "Finland",
        "Greece",
        "Romania",
        "Hungary",
        "Ukraine",
        "Turkey",
    ),
    "Asia Pacific": (
        "Australia",
        "New Zealand",
        "Japan",
        "South Korea",
        "China",
        "Hong Kong",
        "Taiwan",
        "Singapore",
        "Malaysia",
        "Indonesia",
        "Philippines",
        "Thailand",
        "Vietnam",
        "India",
        "Pakistan",
        "Bangladesh",
        "Sri Lanka",
    ),
    "Middle East & Africa": (
        "Israel",
        "United Arab Emirates",
        "Saudi Arabia",
        "Qatar",
        "Egypt",
        "Morocco",
        "Nigeria",
        "Kenya",
        "Ghana",
        "South Africa",
    ),
}
_CHANNELS = ("SMS Carrier Connectivity", "Voice Carrier Connectivity", "Number Porting")
_INCIDENT_NAMES = (
    "Delayed SMS delivery to {c}",
    "Degraded call quality for {c}",
    "Elevated API error rates for {c}",
    "Increased latency for {c}",
    "Webhook delivery delays for {c}",
    "Partial outage of {c}",
)
_UPDATE_BODIES = {
    "investigating": "We are investigating reports of issues affecting {c}.",
    "identified": "The issue has been identified and a fix is being implemented.",
    "monitoring": "A fix has been implemented and we are monitoring the results.",
    "resolved": "This incident has been resolved.",
    "postmortem": "A postmortem has been published.",
    "scheduled": "Our carrier partner will perform planned maintenance affecting {c}.",
    "in_progress": "Scheduled maintenance is currently in progress.",
    "verifying": "Maintenance is complete; we are verifying the results.",
    "completed": "The scheduled maintenance has been completed.",
}


def stamp(moment: datetime) -> str:
    """Statuspage's timestamp form: ISO 8601 with milliseconds, in UTC."""
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class FakeStatusPage:
    """A Statuspage with components, incidents, maintenances and subscribers, all mutable.

    Every record is the JSON dict that is served. Lookups take an id or a unique name.
    """

    def __init__(self, *, now: datetime, seed: int | str = 0) -> None:
        self._rng = random.Random(seed)
        self._clock = now
        self.page: Doc = {
            "id": PAGE_ID,
            "name": "Twilio",
            "url": "https://status.twilio.com",
            "time_zone": "Etc/UTC",
            "updated_at": stamp(now),
        }
        #: Components and groups, in page order (a group, then its children).
        self.components: list[Doc] = []
        #: Incidents, newest first.
        self.incidents: list[Doc] = []
        #: Scheduled maintenances, newest ``scheduled_for`` first.
        self.maintenances: list[Doc] = []
        #: Subscribers by id.
        self.subscribers: dict[str, Doc] = {}
        #: Requests to the status page that carried an Authorization header (should stay 0).
        self.authorization_headers_seen = 0

    # -- time and ids -------------------------------------------------------------------------
    @property
    def now(self) -> datetime:
        return self._clock

    def advance(self, delta: timedelta) -> datetime:
        """Move the page's clock forward (the next change is stamped after it)."""
        if delta < timedelta(0):
            raise ValueError("the clock only moves forward")
        self._clock += delta
        return self._clock

    def _tick(self) -> str:
        self._clock += timedelta(seconds=1)
        self.page["updated_at"] = stamp(self._clock)
        return stamp(self._clock)

    def new_id(self) -> str:
        return "".join(self._rng.choice(_ID_ALPHABET) for _ in range(12))

    # -- components ---------------------------------------------------------------------------
    def add_component(
        self, name: str, *, group: Doc | None = None, is_group: bool = False, created: str
    ) -> Doc:
        component: Doc = {
            "id": self.new_id(),
            "name": name,
            "status": "operational",
            "created_at": created,
            "updated_at": created,
            "position": len(self.components) + 1,
            "description": None,
            "showcase": group is None,
            "start_date": created[:10],
            "group_id": None if group is None else group["id"],
            "page_id": PAGE_ID,
            "group": is_group,
            "only_show_if_degraded": False,
        }
        if is_group:
            component["components"] = []
        if group is not None:
            group["components"].append(component["id"])
        self.components.append(component)
        return component

    def component(self, id_or_name: str) -> Doc:
        """The component (or group) with this id, else with this unique name."""
        named = []
        for component in self.components:
            if component["id"] == id_or_name:
                return component
            if component["name"] == id_or_name:
                named.append(component)
        if len(named) != 1:
            problem = "no component" if not named else f"{len(named)} components"
            raise LookupError(f"{problem} with the id or name {id_or_name!r}")
        return named[0]

    def leaves(self) -> list[Doc]:
        return [c for c in self.components if not c["group"]]

    def groups(self) -> list[Doc]:
        return [c for c in self.components if c["group"]]

    def set_component_status(self, id_or_name: str | Doc, status: str) -> Doc:
        """Change a component's status (its group and the page indicator follow)."""
        component = self._resolve(id_or_name)
        if status not in _SEVERITY:
            raise ValueError(f"unknown component status {status!r}; known: {sorted(_SEVERITY)}")
        if component["group"]:
            raise ValueError("set the status of a group's components, not of the group")
        component["status"] = status
        component["updated_at"] = self._tick()
        self._refresh_groups()
        return component

    def _resolve(self, id_or_name: str | Doc) -> Doc:
        return self.component(id_or_name if isinstance(id_or_name, str) else id_or_name["id"])

    def _refresh_groups(self) -> None:
        by_id = {c["id"]: c for c in self.components}
        for group in self.groups():
            children = [by_id[i] for i in group["components"]]
            worst = max(children, key=_rank, default=None)
            status = "operational" if worst is None else worst["status"]
            if group["status"] != status:
                group["status"] = status
                group["updated_at"] = stamp(self._clock)

    # -- the rollup ---------------------------------------------------------------------------
    def indicator(self) -> str:
        """The page's indicator, from its components and open incidents, as Statuspage blends it."""
        level = max((_SEVERITY[c["status"]] for c in self.components), default=0)
        for incident in self.incidents:
            if incident["status"] in _UNRESOLVED:
                level = max(level, _IMPACT_SEVERITY.get(incident["impact"], 0))
        if level:
            return _INDICATORS[level]
        in_maintenance = any(c["status"] == "under_maintenance" for c in self.components) or any(
            m["status"] in _ACTIVE_MAINTENANCE for m in self.maintenances
        )
        return "maintenance" if in_maintenance else "none"

    def status_document(self) -> Doc:
        indicator = self.indicator()
        return {"indicator": indicator, "description": _DESCRIPTIONS[indicator]}

    def summary_document(self) -> Doc:
        return {
            "page": self.page,
            "components": self.components,
            "incidents": [i for i in self.incidents if i["status"] in _UNRESOLVED],
            "scheduled_maintenances": [
                m
                for m in self.maintenances
                if m["status"] == "scheduled" or m["status"] in _ACTIVE_MAINTENANCE
            ],
            "status": self.status_document(),
        }

    # -- incidents ----------------------------------------------------------------------------
    def incident(self, incident_id: str) -> Doc:
        for incident in self.incidents:
            if incident["id"] == incident_id:
                return incident
        raise LookupError(f"no incident {incident_id!r}")

    def open_incident(
        self,
        name: str,
        *,
        components: Iterable[str | Doc] = (),
        component_status: str = "major_outage",
        impact: str = "major",
        status: str = "investigating",
        body: str | None = None,
    ) -> Doc:
        """Open an incident that puts ``components`` into ``component_status``."""
        if status not in _UNRESOLVED:
            raise ValueError(f"an open incident is {', '.join(_UNRESOLVED)}, not {status!r}")
        now = self._tick()
        incident = self._incident_doc(name, impact=impact, created=now)
        incident["status"] = status
        # Statuspage's default reminders (hours), sent as text as the real page sends them.
        incident["reminder_intervals"] = "[3, 6, 12, 24]"
        self.incidents.insert(0, incident)
        self._post_update(
            incident,
            status,
            body or _UPDATE_BODIES[status].format(c=name),
            [self._resolve(c) for c in components],
            component_status,
        )
        return incident

    def update_incident(
        self,
        incident_id: str,
        status: str,
        body: str | None = None,
        *,
        component_status: str | None = None,
    ) -> Doc:
        """Post an update; with ``component_status`` the incident's components change too."""
        incident = self.incident(incident_id)
        affected = [self.component(c["id"]) for c in incident["components"]]
        self._post_update(
            incident,
            status,
            body or _UPDATE_BODIES.get(status, status).format(c=incident["name"]),
            affected if component_status else [],
            component_status,
        )
        return incident

    def resolve_incident(self, incident_id: str, body: str | None = None) -> Doc:
        """Resolve an incident: its components go back to operational."""
        return self.update_incident(incident_id, "resolved", body, component_status="operational")

    def _incident_doc(self, name: str, *, impact: str, created: str) -> Doc:
        incident_id = self.new_id()
        return {
            "id": incident_id,
            "name": name,
            "status": "investigating",
            "created_at": created,
            "updated_at": created,
            "monitoring_at": None,
            "resolved_at": None,
            "impact": impact,
            "shortlink": f"https://stspg.io/{incident_id[:7]}",
            "started_at": created,
            "page_id": PAGE_ID,
            "incident_updates": [],
            "components": [],
        }

    def _post_update(
        self,
        record: Doc,
        status: str,
        body: str,
        components: list[Doc],
        component_status: str | None,
    ) -> Doc:
        now = self._tick()
        affected = []
        for component in components:
            if component_status is not None and component_status != component["status"]:
                affected.append(
                    {
                        "code": component["id"],
                        "name": component["name"],
                        "old_status": component["status"],
                        "new_status": component_status,
                    }
                )
                component["status"] = component_status
                component["updated_at"] = now
        self._refresh_groups()
        known = {c["id"] for c in record["components"]}
        record["components"].extend(dict(c) for c in components if c["id"] not in known)
        record["components"] = [dict(self.component(c["id"])) for c in record["components"]]
        update = {
            "id": self.new_id(),
            "status": status,
            "body": body,
            "incident_id": record["id"],
            "created_at": now,
            "updated_at": now,
            "display_at": now,
            "affected_components": affected or None,
            "deliver_notifications": True,
            "custom_tweet": None,
            "tweet_id": None,
        }
        record["incident_updates"].insert(0, update)
        record["status"] = status
        record["updated_at"] = now
        if status == "monitoring":
            record["monitoring_at"] = now
        if status in ("resolved", "completed"):
            record["resolved_at"] = now
        return update

    # -- maintenances -------------------------------------------------------------------------
    def maintenance(self, maintenance_id: str) -> Doc:
        for maintenance in self.maintenances:
            if maintenance["id"] == maintenance_id:
                return maintenance
        raise LookupError(f"no scheduled maintenance {maintenance_id!r}")

    def schedule_maintenance(
        self,
        name: str,
        *,
        starts_in: timedelta = timedelta(days=1),
        duration: timedelta = timedelta(hours=2),
        components: Iterable[str | Doc] = (),
        body: str | None = None,
    ) -> Doc:
        """Announce a maintenance window (status ``scheduled``; components unchanged)."""
        chosen = [self._resolve(c) for c in components]
        names = ", ".join(c["name"] for c in chosen) or "Twilio"
        now = self._tick()
        maintenance = self._incident_doc(name, impact="maintenance", created=now)
        maintenance["started_at"] = None
        maintenance["scheduled_for"] = stamp(self._clock + starts_in)
        maintenance["scheduled_until"] = stamp(self._clock + starts_in + duration)
        maintenance["components"] = [dict(c) for c in chosen]
        self.maintenances.insert(0, maintenance)
        self._post_update(
            maintenance, "scheduled", body or _UPDATE_BODIES["scheduled"].format(c=names), [], None
        )
        return maintenance

    def start_maintenance(self, maintenance_id: str) -> Doc:
        """In progress: its components go under maintenance."""
        return self._move_maintenance(maintenance_id, "in_progress", "under_maintenance")

    def complete_maintenance(self, maintenance_id: str) -> Doc:
        """Completed: its components go back to operational."""
        return self._move_maintenance(maintenance_id, "completed", "operational")

    def _move_maintenance(self, maintenance_id: str, status: str, component_status: str) -> Doc:
        maintenance = self.maintenance(maintenance_id)
        components = [self.component(c["id"]) for c in maintenance["components"]]
        self._post_update(maintenance, status, _UPDATE_BODIES[status], components, component_status)
        if status == "in_progress":
            maintenance["started_at"] = maintenance["updated_at"]
        return maintenance


def _rank(component: Doc) -> tuple[int, int]:
    status = component["status"]
    return (_SEVERITY.get(status, 0), 1 if status == "under_maintenance" else 0)


# -- seeding ----------------------------------------------------------------------------------
def _layout() -> list[tuple[str, tuple[str, ...]]]:
    groups = list(PRODUCTS.items())
    for channel in _CHANNELS:
        for region, countries in REGIONS.items():
            groups.append((f"{channel} - {region}", countries))
    return groups


#: Components and groups of the page as laid out (about 300). A larger size repeats the layout
#: with numbered names; a smaller one cuts it short.
LAYOUT_SIZE = sum(1 + len(children) for _, children in _layout())
SIZES = {"status_components": LAYOUT_SIZE, "status_incidents": 60, "status_maintenances": 20}


def seed(
    state: ServerState,
    rng: random.Random,
    *,
    status_components: int,
    status_incidents: int,
    status_maintenances: int,
) -> None:
    start = state.now - timedelta(days=400)
    page = FakeStatusPage(now=start, seed=rng.randrange(2**32))
    created = stamp(page.now)
    layout = _layout()
    round_ = 0
    while len(page.components) < status_components:
        for group_name, children in layout:
            if len(page.components) >= status_components:
                break
            suffix = "" if round_ == 0 else f" ({round_ + 1})"
            group = page.add_component(group_name + suffix, is_group=True, created=created)
            for child in children:
                if len(page.components) >= status_components:
                    break
                page.add_component(child + suffix, group=group, created=created)
        round_ += 1
    leaves = page.leaves()
    # History, oldest first, on the page's logical clock, ending before the state's "now".
    events = sorted(
        [("incident", rng.randrange(1, 390 * 24)) for _ in range(status_incidents)]
        + [("maintenance", rng.randrange(1, 390 * 24)) for _ in range(status_maintenances)],
        key=lambda e: e[1],
    )
    for kind, hour in events:
        page.advance(max(timedelta(0), start + timedelta(hours=hour) - page.now))
        touched = rng.sample(leaves, k=min(len(leaves), rng.randint(1, 3))) if leaves else []
        label = touched[0]["name"] if touched else "Twilio"
        if kind == "incident":
            name = rng.choice(_INCIDENT_NAMES).format(c=label)
            impact = rng.choice(("minor", "minor", "major", "critical"))
            status = {"minor": "degraded_performance", "major": "partial_outage"}.get(
                impact, "major_outage"
            )
            incident = page.open_incident(
                name, components=touched, component_status=status, impact=impact
            )
            for step in ("identified", "monitoring")[: rng.randint(0, 2)]:
                page.advance(timedelta(minutes=rng.randint(5, 90)))
                page.update_incident(incident["id"], step)
            page.advance(timedelta(minutes=rng.randint(10, 240)))
            page.resolve_incident(incident["id"])
            if rng.random() < 0.15:
                page.update_incident(incident["id"], "postmortem")
        else:
            maintenance = page.schedule_maintenance(
                f"{label} carrier maintenance",
                starts_in=timedelta(days=rng.randint(1, 5)),
                components=touched,
            )
            begins = datetime.fromisoformat(maintenance["scheduled_for"][:-1] + "+00:00")
            page.advance(begins - page.now)
            page.start_maintenance(maintenance["id"])
            page.advance(timedelta(hours=2))
            page.complete_maintenance(maintenance["id"])
    page.advance(max(timedelta(0), state.now - page.now))
    # Two windows still ahead, as the real page usually shows.
    for label, days in (("Voice Carrier Connectivity - Europe", 3), ("Short Codes", 9)):
        target = next((c for c in page.components if c["name"] == label), None)
        if target is None:
            chosen: list[Doc] = []
        elif target["group"]:  # a group's maintenance is its components'
            chosen = [page.component(i) for i in target["components"]]
        else:
            chosen = [target]
        page.schedule_maintenance(
            f"Planned maintenance: {label}", starts_in=timedelta(days=days), components=chosen
        )
    page.maintenances.sort(key=lambda m: m["scheduled_for"], reverse=True)
    state.extra["status_page"] = page


# -- routes -----------------------------------------------------------------------------------
def _page(state: ServerState, request: FakeRequest) -> FakeStatusPage:
    page: FakeStatusPage = state.extra["status_page"]
    if "Authorization" in request.headers:
        page.authorization_headers_seen += 1
    return page


def _error(status: int, message: str) -> Response:
    return json_response({"error": message}, status=status)


async def _summary(state: ServerState, request: FakeRequest) -> Response:
    return json_response(_page(state, request).summary_document())


async def _status(state: ServerState, request: FakeRequest) -> Response:
    page = _page(state, request)
    return json_response({"page": page.page, "status": page.status_document()})


async def _components(state: ServerState, request: FakeRequest) -> Response:
    page = _page(state, request)
    return json_response({"page": page.page, "components": page.components})


def _incidents(unresolved: bool) -> Any:
    async def handler(state: ServerState, request: FakeRequest) -> Response:
        page = _page(state, request)
        chosen = [i for i in page.incidents if not unresolved or i["status"] in _UNRESOLVED]
        return json_response({"page": page.page, "incidents": chosen[:50]})

    return handler


def _maintenances(statuses: tuple[str, ...] | None) -> Any:
    async def handler(state: ServerState, request: FakeRequest) -> Response:
        page = _page(state, request)
        chosen = [m for m in page.maintenances if statuses is None or m["status"] in statuses]
        return json_response({"page": page.page, "scheduled_maintenances": chosen[:50]})

    return handler


async def _subscribe(state: ServerState, request: FakeRequest) -> Response:
    page = _page(state, request)
    form = await request.post()
    field = {
        k[len("subscriber[") : -1]: v
        for k, v in form.items()
        if k.startswith("subscriber[") and isinstance(v, str)
    }
    email = field.get("email")
    phone = field.get("phone_number")
    endpoint = field.get("endpoint")
    if endpoint is not None:
        mode = "webhook"
    elif phone is not None:
        mode = "sms"
    elif email is not None:
        mode = "email"
    else:
        return _error(422, "Subscriber must have an email, a phone number or an endpoint")
    component_ids = [str(v) for v in form.getall("subscriber[component_ids][]", [])]
    unknown = [i for i in component_ids if all(c["id"] != i for c in page.components)]
    if unknown:
        return _error(422, f"Unknown component ids: {', '.join(unknown)}")
    incident_id = field.get("incident_id")
    if incident_id is not None:
        try:
            incident = page.incident(str(incident_id))
        except LookupError:
            return _error(404, f"No incident {incident_id}")
        if incident["status"] not in _UNRESOLVED:
            return _error(422, "Incident subscriptions are only for unresolved incidents")
    now = page._tick()
    country = str(field.get("phone_country", "us")) if phone is not None else None
    subscriber: Doc = {
        "id": page.new_id(),
        "mode": mode,
        "email": email,
        "phone_number": phone,
        "phone_country": country,
        "display_phone_number": None if phone is None else f"+{phone}",
        "endpoint": endpoint,
        "incident_id": incident_id,
        "component_ids": component_ids,
        "skip_confirmation_notification": False,
        "quarantined_at": None,
        "purge_at": None,
        "created_at": now,
        "updated_at": now,
        "confirmations_sent": 1 if email is not None else 0,
    }
    page.subscribers[subscriber["id"]] = subscriber
    return json_response({"subscriber": subscriber}, status=201)


async def _update_subscriber(state: ServerState, request: FakeRequest) -> Response:
    page = _page(state, request)
    subscriber = page.subscribers.get(request.match_info["subscriber_id"])
    if subscriber is None:
        return _error(404, "Subscriber not found")
    form = await request.post()
    component_ids = [str(v) for v in form.getall("subscriber[component_ids][]", [])]
    unknown = [i for i in component_ids if all(c["id"] != i for c in page.components)]
    if unknown:
        return _error(422, f"Unknown component ids: {', '.join(unknown)}")
    subscriber["component_ids"] = component_ids
    subscriber["updated_at"] = page._tick()
    return json_response({"subscriber": subscriber})


async def _unsubscribe(state: ServerState, request: FakeRequest) -> Response:
    page = _page(state, request)
    subscriber = page.subscribers.pop(request.match_info["subscriber_id"], None)
    if subscriber is None:
        return _error(404, "Subscriber not found")
    return json_response({"subscriber": subscriber})


async def _resend(state: ServerState, request: FakeRequest) -> Response:
    page = _page(state, request)
    subscriber = page.subscribers.get(request.match_info["subscriber_id"])
    if subscriber is None:
        return _error(404, "Subscriber not found")
    subscriber["confirmations_sent"] += 1
    return no_content()


ROUTES = (
    CustomRoute("GET", "/api/v2/summary.json", _summary, auth=False),
    CustomRoute("GET", "/api/v2/status.json", _status, auth=False),
    CustomRoute("GET", "/api/v2/components.json", _components, auth=False),
    CustomRoute("GET", "/api/v2/incidents.json", _incidents(False), auth=False),
    CustomRoute("GET", "/api/v2/incidents/unresolved.json", _incidents(True), auth=False),
    CustomRoute("GET", "/api/v2/scheduled-maintenances.json", _maintenances(None), auth=False),
    CustomRoute(
        "GET",
        "/api/v2/scheduled-maintenances/upcoming.json",
        _maintenances(("scheduled",)),
        auth=False,
    ),
    CustomRoute(
        "GET",
        "/api/v2/scheduled-maintenances/active.json",
        _maintenances(_ACTIVE_MAINTENANCE),
        auth=False,
    ),
    CustomRoute("POST", "/api/v2/subscribers.json", _subscribe, auth=False),
    CustomRoute(
        "PATCH", "/api/v2/subscribers/{subscriber_id}.json", _update_subscriber, auth=False
    ),
    CustomRoute("DELETE", "/api/v2/subscribers/{subscriber_id}.json", _unsubscribe, auth=False),
    CustomRoute("POST", "/resend_confirmation/{subscriber_id}", _resend, auth=False),
)
