"""Records of the Twilio status page (an Atlassian Statuspage, public v2 JSON API).

The status page is not a Twilio API: its ids are short opaque strings, its dates ISO 8601, and
its vocabularies (indicator, component status, incident status, impact) are Statuspage's. Every
enum field is typed ``SomeEnum | str`` so that a value Statuspage adds later stays readable.
The few helpers here are the questions a bot asks of a snapshot ("is everything up? what is
not?"); they only read the record, never the network.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime
from typing import TypeVar

from attrs import frozen

__all__ = [
    "AffectedComponent",
    "ComponentStatus",
    "Incident",
    "IncidentImpact",
    "IncidentStatus",
    "IncidentUpdate",
    "MaintenanceStatus",
    "OverallStatus",
    "ScheduledMaintenance",
    "StatusComponent",
    "StatusIndicator",
    "StatusPageInfo",
    "StatusPageList",
    "StatusRollup",
    "StatusSummary",
    "Subscriber",
]


class _Text(str, enum.Enum):
    def __str__(self) -> str:
        return str(self.value)


class StatusIndicator(_Text):
    """The page's blended status."""

    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"
    MAINTENANCE = "maintenance"


class ComponentStatus(_Text):
    OPERATIONAL = "operational"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    UNDER_MAINTENANCE = "under_maintenance"


class IncidentStatus(_Text):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    POSTMORTEM = "postmortem"


class MaintenanceStatus(_Text):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    VERIFYING = "verifying"
    COMPLETED = "completed"


class IncidentImpact(_Text):
    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"
    MAINTENANCE = "maintenance"


@frozen
class StatusPageInfo:
    """The ``page`` block every response starts with."""

    id: str | None = None
    name: str | None = None
    url: str | None = None
    time_zone: str | None = None
    updated_at: datetime | None = None


R = TypeVar("R")


class StatusPageList(list[R]):
    """The records of a status-page list call, as a plain list, plus ``page``: the response's
    ``page`` block (the page's id, name, URL, time zone and when it last changed).

    It is a ``list`` in every way (equality, slicing, JSON), so code written for the plain lists
    these calls used to return keeps working; ``page`` is not part of equality.
    """

    __slots__ = ("page",)

    def __init__(self, records: Iterable[R] = (), page: StatusPageInfo | None = None) -> None:
        super().__init__(records)
        self.page = page


@frozen
class OverallStatus:
    """The page's rollup: an indicator and its human description."""

    indicator: StatusIndicator | str | None = None
    description: str | None = None

    @property
    def is_operational(self) -> bool:
        """True when the page reports no trouble at all (indicator ``none``)."""
        return self.indicator == StatusIndicator.NONE


@frozen
class StatusComponent:
    """A component, or a group of components (``group`` true; its children in ``components``)."""

    id: str | None = None
    name: str | None = None
    status: ComponentStatus | str | None = None
    description: str | None = None
    position: int | None = None
    group: bool | None = None
    group_id: str | None = None
    #: For a group: the ids of its children.
    components: tuple[str, ...] = ()
    showcase: bool | None = None
    only_show_if_degraded: bool | None = None
    start_date: date | None = None
    page_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def is_operational(self) -> bool:
        return self.status == ComponentStatus.OPERATIONAL


@frozen
class AffectedComponent:
    """How one incident update changed one component."""

    code: str | None = None
    name: str | None = None
    old_status: ComponentStatus | str | None = None
    new_status: ComponentStatus | str | None = None


@frozen
class IncidentUpdate:
    """One posted update of an incident or maintenance (newest first in ``incident_updates``)."""

    id: str | None = None
    incident_id: str | None = None
    status: IncidentStatus | MaintenanceStatus | str | None = None
    body: str | None = None
    affected_components: tuple[AffectedComponent, ...] = ()
    deliver_notifications: bool | None = None
    #: The tweet text posted with the update, when the page tweets (real pages send it, mostly null).
    custom_tweet: str | None = None
    #: The id of that tweet, as text (tweet ids outgrow a float).
    tweet_id: str | None = None
    display_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@frozen
class Incident:
    """An incident with its updates and the components it touches."""

    id: str | None = None
    name: str | None = None
    status: IncidentStatus | str | None = None
    impact: IncidentImpact | str | None = None
    shortlink: str | None = None
    page_id: str | None = None
    incident_updates: tuple[IncidentUpdate, ...] = ()
    components: tuple[StatusComponent, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    started_at: datetime | None = None
    monitoring_at: datetime | None = None
    resolved_at: datetime | None = None
    #: Hours after which subscribers are reminded of an open incident (Statuspage sends the
    #: list as text, ``"[3, 6, 12, 24]"``); None when the page keeps its default.
    reminder_intervals: tuple[int, ...] | None = None

    @property
    def is_resolved(self) -> bool:
        return self.status in (IncidentStatus.RESOLVED, IncidentStatus.POSTMORTEM)


@frozen
class ScheduledMaintenance:
    """A planned maintenance: an incident-like record with a schedule."""

    id: str | None = None
    name: str | None = None
    status: MaintenanceStatus | str | None = None
    impact: IncidentImpact | str | None = None
    shortlink: str | None = None
    page_id: str | None = None
    scheduled_for: datetime | None = None
    scheduled_until: datetime | None = None
    incident_updates: tuple[IncidentUpdate, ...] = ()
    components: tuple[StatusComponent, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    started_at: datetime | None = None
    monitoring_at: datetime | None = None
    resolved_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        """In progress or being verified (what ``scheduled_maintenances("active")`` returns)."""
        return self.status in (MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING)


@frozen
class StatusRollup:
    """``status()``: the page and its overall status."""

    page: StatusPageInfo | None = None
    status: OverallStatus | None = None

    def is_operational(self) -> bool:
        return self.status is not None and self.status.is_operational


@frozen
class StatusSummary:
    """``summary()``: the whole page in one snapshot.

    ``incidents`` holds the unresolved incidents; ``scheduled_maintenances`` the upcoming and
    in-progress ones.
    """

    page: StatusPageInfo | None = None
    status: OverallStatus | None = None
    components: tuple[StatusComponent, ...] = ()
    incidents: tuple[Incident, ...] = ()
    scheduled_maintenances: tuple[ScheduledMaintenance, ...] = ()

    def component(self, id_or_name: str) -> StatusComponent:
        """The component (or group) with this id, else with this exact name.

        LookupError when none matches, or when the name is shared (Twilio's page repeats names
        in different groups): use the id then.
        """
        named: list[StatusComponent] = []
        for component in self.components:
            if component.id == id_or_name:
                return component
            if component.name == id_or_name:
                named.append(component)
        if len(named) == 1:
            return named[0]
        if not named:
            raise LookupError(f"no component has the id or name {id_or_name!r}")
        raise LookupError(f"{len(named)} components are named {id_or_name!r}; use an id")

    def children(self, group: StatusComponent | str) -> tuple[StatusComponent, ...]:
        """The components of a group (given as a record, an id or a name), in page order."""
        parent = group if isinstance(group, StatusComponent) else self.component(group)
        return tuple(
            c for c in self.components if c.group_id is not None and c.group_id == parent.id
        )

    def not_operational(self, *, include_groups: bool = False) -> tuple[StatusComponent, ...]:
        """The components whose status is anything but ``operational``, in page order.

        Groups only repeat their worst child, so they are left out unless asked for.
        """
        return tuple(
            c for c in self.components if not c.is_operational and (include_groups or not c.group)
        )

    def is_operational(self, id_or_name: str | None = None) -> bool:
        """Without an argument: the indicator is ``none`` and every component is operational.
        With one: that component (or group; see ``component``) is operational."""
        if id_or_name is not None:
            return self.component(id_or_name).is_operational
        indicator_ok = self.status is None or self.status.is_operational
        return indicator_ok and all(c.is_operational for c in self.components)


@frozen
class Subscriber:
    """A status page subscription (email, SMS or webhook), as the subscribers API answers."""

    id: str | None = None
    mode: str | None = None
    email: str | None = None
    phone_number: str | None = None
    phone_country: str | None = None
    display_phone_number: str | None = None
    endpoint: str | None = None
    incident_id: str | None = None
    component_ids: tuple[str, ...] = ()
    skip_confirmation_notification: bool | None = None
    quarantined_at: datetime | None = None
    purge_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


# Envelopes of the list and subscriber endpoints: the resource returns what they carry. Their
# payload field has no default, so a body without it is a decode error, not an empty list.
@frozen
class _Components:
    components: tuple[StatusComponent, ...]
    page: StatusPageInfo | None = None


@frozen
class _Incidents:
    incidents: tuple[Incident, ...]
    page: StatusPageInfo | None = None


@frozen
class _Maintenances:
    scheduled_maintenances: tuple[ScheduledMaintenance, ...]
    page: StatusPageInfo | None = None


@frozen
class _SubscriberDocument:
    subscriber: Subscriber
