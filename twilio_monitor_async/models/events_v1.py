"""Events v1 records: event types, schemas and their versions, sinks, subscriptions.

Every field of the ``twilio_events_v1`` OpenAPI document is here, nullable like the spec says;
``links`` and ``sink_configuration`` are plain dicts, as the spec leaves their shape open.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from attrs import field, frozen

__all__ = [
    "EventType",
    "Schema",
    "SchemaVersion",
    "Sink",
    "SinkResult",
    "SinkStatus",
    "SinkType",
    "SubscribedEvent",
    "Subscription",
]


class SinkType(str, enum.Enum):
    """Where a sink delivers events."""

    KINESIS = "kinesis"
    WEBHOOK = "webhook"
    SEGMENT = "segment"
    EMAIL = "email"

    def __str__(self) -> str:
        return self.value


class SinkStatus(str, enum.Enum):
    """A sink's life: made, being validated by a test event, in service, or failed."""

    INITIALIZED = "initialized"
    VALIDATING = "validating"
    ACTIVE = "active"
    FAILED = "failed"

    def __str__(self) -> str:
        return self.value


@frozen
class EventType:
    """An event type a subscription can select, e.g. ``com.twilio.messaging.message.delivered``."""

    type: str
    schema_id: str | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None
    description: str | None = None
    status: str | None = None
    documentation_url: str | None = None
    #: Whether the type is publicly available (published bodies carry it; today's spec does not).
    public: bool | None = None
    url: str | None = None
    links: dict[str, Any] | None = None


@frozen
class Schema:
    """The schema an event type's payload follows; it has numbered versions."""

    id: str
    url: str | None = None
    links: dict[str, Any] | None = None
    latest_version_date_created: datetime | None = None
    latest_version: int | None = None


@frozen
class SchemaVersion:
    """One version of a schema; ``raw`` is the URL of the JSON Schema document."""

    id: str
    schema_version: int | None = None
    date_created: datetime | None = None
    url: str | None = None
    raw: str | None = None
    #: Whether the version is publicly available (published bodies carry it; today's spec does not).
    public: bool | None = None


@frozen
class Sink:
    """A destination (Kinesis stream, webhook, Segment, ...) that subscriptions send events to."""

    date_created: datetime | None = None
    date_updated: datetime | None = None
    description: str | None = None
    sid: str = field(kw_only=True)
    sink_configuration: dict[str, Any] | None = None
    sink_type: SinkType | str | None = None
    status: SinkStatus | str | None = None
    url: str | None = None
    links: dict[str, Any] | None = None


@frozen
class SinkResult:
    """The answer of ``sinks.test`` and ``sinks.validate`` (e.g. ``submitted``, ``valid``)."""

    result: str | None = None


@frozen
class Subscription:
    """Which event types go to which sink."""

    account_sid: str | None = None
    sid: str = field(kw_only=True)
    date_created: datetime | None = None
    date_updated: datetime | None = None
    description: str | None = None
    sink_sid: str | None = None
    url: str | None = None
    links: dict[str, Any] | None = None


@frozen
class SubscribedEvent:
    """One event type of a subscription, at the schema version it is delivered in."""

    account_sid: str | None = None
    type: str = field(kw_only=True)
    schema_version: int | None = None
    subscription_sid: str | None = None
    url: str | None = None
