"""The fake status page's state: a Statuspage a test can change, kept consistent like the real one.

``FakeStatusPage`` holds components in groups, a history of incidents and maintenances, and
subscribers; every record is the JSON dict that is served. Its methods are the test's levers:
``set_component_status``, ``open_incident`` / ``update_incident`` / ``resolve_incident``,
``schedule_maintenance`` / ``start_maintenance`` / ``complete_maintenance``. Each change keeps
what Statuspage keeps consistent in step: group statuses are their worst child's, the page
indicator follows components and open incidents, timestamps move forward on a logical clock (so
runs are deterministic). The seed data is in ``_status_page_seed``, the routes in ``_status_page``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

__all__ = ["ACTIVE_MAINTENANCE", "UNRESOLVED", "Doc", "FakeStatusPage", "stamp"]


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
UNRESOLVED = ("investigating", "identified", "monitoring")
ACTIVE_MAINTENANCE = ("in_progress", "verifying")

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
            if incident["status"] in UNRESOLVED:
                level = max(level, _IMPACT_SEVERITY.get(incident["impact"], 0))
        if level:
            return _INDICATORS[level]
        in_maintenance = any(c["status"] == "under_maintenance" for c in self.components) or any(
            m["status"] in ACTIVE_MAINTENANCE for m in self.maintenances
        )
        return "maintenance" if in_maintenance else "none"

    def status_document(self) -> Doc:
        indicator = self.indicator()
        return {"indicator": indicator, "description": _DESCRIPTIONS[indicator]}

    def summary_document(self) -> Doc:
        return {
            "page": self.page,
            "components": self.components,
            "incidents": [i for i in self.incidents if i["status"] in UNRESOLVED],
            "scheduled_maintenances": [
                m
                for m in self.maintenances
                if m["status"] == "scheduled" or m["status"] in ACTIVE_MAINTENANCE
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
        if status not in UNRESOLVED:
            raise ValueError(f"an open incident is {', '.join(UNRESOLVED)}, not {status!r}")
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
