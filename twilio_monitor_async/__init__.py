"""twilio-monitor-async: an asyncio client for watching a Twilio account.

    async with TwilioMonitorClient(account_sid, auth_token) as client:
        async for alert in client.alerts.stream(log_level="error"):
            ...

The fake Twilio server for tests and demos is in ``twilio_monitor_async.testing``.
"""

from ._version import __version__
from .client import DEFAULT_BASE_URLS, TwilioMonitorClient
from .errors import (
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
from .models import Alert, AlertInstance, Event, LogLevel, PageMeta
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
    StatusRollup,
    StatusSummary,
    Subscriber,
)
from .paging import Page
from .retry import RetryPolicy, RetryStats

__all__ = [
    "DEFAULT_BASE_URLS",
    "AffectedComponent",
    "Alert",
    "AlertInstance",
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "ComponentStatus",
    "ConflictError",
    "DecodeError",
    "Event",
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
    "OverallStatus",
    "Page",
    "PageMeta",
    "PagingError",
    "RateLimitError",
    "RetryPolicy",
    "RetryStats",
    "ScheduledMaintenance",
    "ServerError",
    "StatusComponent",
    "StatusIndicator",
    "StatusPageInfo",
    "StatusRollup",
    "StatusSummary",
    "Subscriber",
    "TransportError",
    "TwilioMonitorClient",
    "TwilioMonitorError",
    "ValidationError",
    "__version__",
]
