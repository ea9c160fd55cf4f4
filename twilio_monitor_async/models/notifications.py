"""Api 2010 Notifications records: the legacy debugger log, list and instance views.

Notifications predate the Monitor API: their dates are RFC 2822 strings and their level is a
numeric string (``"0"`` error, ``"1"`` warning). The converter turns both into the same Python
types every other record uses (aware datetimes, an int-valued enum), so code that handles alerts
handles notifications the same way.
"""

from __future__ import annotations

import enum
from datetime import datetime

from attrs import frozen

__all__ = ["Notification", "NotificationInstance", "NotificationLog"]


class NotificationLog(enum.IntEnum):
    """A notification's level as Api 2010 numbers it. Unknown numbers stay plain strings."""

    ERROR = 0
    WARNING = 1

    def __str__(self) -> str:
        return self.name.lower()


@frozen
class Notification:
    """One notification as the list returns it (no request/response detail)."""

    sid: str
    account_sid: str | None = None
    call_sid: str | None = None
    api_version: str | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None
    error_code: str | None = None
    log: NotificationLog | str | None = None
    message_date: datetime | None = None
    message_text: str | None = None
    more_info: str | None = None
    request_method: str | None = None
    request_url: str | None = None
    uri: str | None = None


@frozen
class NotificationInstance(Notification):
    """One notification as ``fetch`` returns it: the list view plus the HTTP exchange."""

    request_variables: str | None = None
    response_body: str | None = None
    response_headers: str | None = None
