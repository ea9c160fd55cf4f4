"""twilio-monitor-async: an asyncio client for watching a Twilio account.

    async with TwilioMonitorClient(account_sid, auth_token) as client:
        async for alert in client.alerts.stream(log_level="error"):
            ...

The fake Twilio server for tests and demos is in ``twilio_monitor_async.testing``.
"""

import logging

from ._version import __version__
from .bulk import Failure, Outcome, Success
from .client import DEFAULT_BASE_URLS, ClientConfig, TwilioMonitorClient
from .errors import (
    AlarmLimitError,
    ApiError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConflictError,
    ConnectError,
    ConnectionDroppedError,
    DecodeError,
    DecodeWarning,
    NotFoundError,
    PagingError,
    RateLimitError,
    ResponseTimeoutError,
    ResponseTooLargeError,
    ServerError,
    TransportError,
    TruncatedBodyError,
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
from .models.notifications import Notification, NotificationInstance, NotificationLog
from .models.status_page import (
    AffectedComponent,
    ComponentStatus,
    Incident,
    IncidentImpact,
    IncidentStatus,
    IncidentUpdate,
    MaintenanceStatus,
    OverallStatus,
    ScheduledMaintenance,
    StatusComponent,
    StatusIndicator,
    StatusPageInfo,
    StatusPageList,
    StatusRollup,
    StatusSummary,
    Subscriber,
)
from .paging import Page
from .retry import RetryPolicy, RetryStats
from .sansio import Request, Response
from .transport import AiohttpTransport, Transport
from .watch import HealthSnapshot, StatusChange

# A library leaves logging to the application: without a handler of its own, Python's
# last-resort handler would print the retry warnings on stderr of every application that never
# configured logging.
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "DEFAULT_BASE_URLS",
    "AffectedComponent",
    "AiohttpTransport",
    "Alarm",
    "AlarmConfig",
    "AlarmLimitError",
    "Alert",
    "AlertInstance",
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ClientConfig",
    "ComponentStatus",
    "ConflictError",
    "ConnectError",
    "ConnectionDroppedError",
    "DecodeError",
    "DecodeWarning",
    "Event",
    "EventType",
    "Failure",
    "FollowCheckpoint",
    "HealthSnapshot",
    "Incident",
    "IncidentImpact",
    "IncidentStatus",
    "IncidentUpdate",
    "LogLevel",
    "MaintenanceStatus",
    "NotFoundError",
    "Notification",
    "NotificationInstance",
    "NotificationLog",
    "Outcome",
    "OverallStatus",
    "Page",
    "PageMeta",
    "PagingError",
    "QueryType",
    "RateLimitError",
    "Request",
    "Response",
    "ResponseTimeoutError",
    "ResponseTooLargeError",
    "RetryPolicy",
    "RetryStats",
    "ScheduledMaintenance",
    "Schema",
    "SchemaVersion",
    "ServerError",
    "Sink",
    "SinkResult",
    "SinkStatus",
    "SinkType",
    "SortOrder",
    "StatusChange",
    "StatusComponent",
    "StatusIndicator",
    "StatusPageInfo",
    "StatusPageList",
    "StatusRollup",
    "StatusSummary",
    "SubscribedEvent",
    "Subscriber",
    "Subscription",
    "Success",
    "TimeWindow",
    "Transport",
    "TransportError",
    "TruncatedBodyError",
    "TwilioMonitorClient",
    "TwilioMonitorError",
    "ValidationError",
    "__version__",
]
