"""Records (attrs, frozen, slotted) and the converter that decodes them."""

from .alarms import Alarm, AlarmConfig, AlarmSid, QueryType, SortOrder, TimeWindow
from .common import PageMeta
from .converter import converter, parse_datetime
from .events_v1 import (
    EventType,
    Schema,
    SchemaVersion,
    Sink,
    SinkResult,
    SinkStatus,
    SinkType,
    SubscribedEvent,
    Subscription,
)
from .monitor import Alert, AlertInstance, Event, LogLevel

__all__ = [
    "Alarm",
    "AlarmConfig",
    "AlarmSid",
    "Alert",
    "AlertInstance",
    "Event",
    "EventType",
    "LogLevel",
    "PageMeta",
    "QueryType",
    "Schema",
    "SchemaVersion",
    "Sink",
    "SinkResult",
    "SinkStatus",
    "SinkType",
    "SortOrder",
    "SubscribedEvent",
    "Subscription",
    "TimeWindow",
    "converter",
    "parse_datetime",
]
