"""twilio-monitor-async: an asyncio client for watching a Twilio account.

    async with TwilioMonitorClient(account_sid, auth_token) as client:
        async for alert in client.alerts.stream(log_level="error"):
            ...

The fake Twilio server for tests and demos is in ``twilio_monitor_async.testing``.
"""

from ._version import __version__
from .client import DEFAULT_BASE_URLS, TwilioMonitorClient
from .errors import (
    AlarmLimitError,
    ApiError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    DecodeError,
    NotFoundError,
    PagingError,
    RateLimitError,
    ServerError,
    TransportError,
    TwilioMonitorError,
    ValidationError,
)
from .follow import FollowCheckpoint
from .models import (
    Alarm,
    AlarmConfig,
    Alert,
    AlertInstance,
    Event,
    EventType,
    LogLevel,
    PageMeta,
    QueryType,
    Schema,
    SchemaVersion,
    Sink,
    SinkResult,
    SinkStatus,
    SinkType,
    SortOrder,
    SubscribedEvent,
    Subscription,
    TimeWindow,
)
from .paging import Page
from .retry import RetryPolicy, RetryStats

__all__ = [
    "DEFAULT_BASE_URLS",
    "Alarm",
    "AlarmConfig",
    "AlarmLimitError",
    "Alert",
    "AlertInstance",
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "DecodeError",
    "Event",
    "EventType",
    "FollowCheckpoint",
    "LogLevel",
    "NotFoundError",
    "Page",
    "PageMeta",
    "PagingError",
    "QueryType",
    "RateLimitError",
    "RetryPolicy",
    "RetryStats",
    "Schema",
    "SchemaVersion",
    "ServerError",
    "Sink",
    "SinkResult",
    "SinkStatus",
    "SinkType",
    "SortOrder",
    "SubscribedEvent",
    "Subscription",
    "TimeWindow",
    "TransportError",
    "TwilioMonitorClient",
    "TwilioMonitorError",
    "ValidationError",
    "__version__",
]
