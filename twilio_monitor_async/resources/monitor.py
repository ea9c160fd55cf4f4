"""Monitor v1: debugger Alerts and audit Events, as declarations."""

from __future__ import annotations

from .._params import choice, instant, sid, text
from ..models.monitor import Alert, AlertInstance, Event, LogLevel
from ..sansio import Endpoint, path, query
from ._base import Fetching, Following

__all__ = ["Alerts", "Events"]


class Alerts(Following[Alert], Fetching[AlertInstance]):
    """``client.alerts``: debugger alerts, newest first.

    Filters: ``log_level`` (error, warning, notice, debug), ``start_date`` and ``end_date``
    (inclusive; a datetime, a date or an ISO 8601 string).
    """

    list_endpoint = Endpoint(
        "GET",
        "monitor",
        "/v1/Alerts",
        Alert,
        {
            "log_level": query("LogLevel", choice(level.value for level in LogLevel)),
            "start_date": query("StartDate", instant),
            "end_date": query("EndDate", instant),
        },
        key="alerts",
    )
    follow_date_field = "date_generated"
    fetch_endpoint = Endpoint(
        "GET", "monitor", "/v1/Alerts/{sid}", AlertInstance, {"sid": path(sid("NO"))}
    )


class Events(Following[Event], Fetching[Event]):
    """``client.events``: the account's audit events, newest first.

    Filters: ``actor_sid`` (a US... user SID), ``event_type``, ``resource_sid`` (any SID),
    ``source_ip_address``, ``start_date`` and ``end_date`` (inclusive).
    """

    list_endpoint = Endpoint(
        "GET",
        "monitor",
        "/v1/Events",
        Event,
        {
            "actor_sid": query("ActorSid", sid("US")),
            "event_type": query("EventType", text()),
            "resource_sid": query("ResourceSid", sid()),
            "source_ip_address": query("SourceIpAddress", text()),
            "start_date": query("StartDate", instant),
            "end_date": query("EndDate", instant),
        },
        key="events",
    )
    follow_date_field = "event_date"
    fetch_endpoint = Endpoint("GET", "monitor", "/v1/Events/{sid}", Event, {"sid": path(sid("AE"))})
