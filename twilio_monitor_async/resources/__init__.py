"""Resource groups: one small declarative class per API collection."""

from ._base import ApiContext, Fetching, Following, Listing, Resource
from .alarms import Alarms
from .events_v1 import EventTypes, Schemas, SchemaVersions, Sinks, SubscribedEvents, Subscriptions
from .monitor import Alerts, Events
from .notifications import CallNotifications, Notifications

__all__ = [
    "Alarms",
    "Alerts",
    "ApiContext",
    "CallNotifications",
    "EventTypes",
    "Events",
    "Fetching",
    "Following",
    "Listing",
    "Notifications",
    "Resource",
    "SchemaVersions",
    "Schemas",
    "Sinks",
    "SubscribedEvents",
    "Subscriptions",
]
