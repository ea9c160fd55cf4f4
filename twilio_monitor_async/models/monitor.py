"""Monitor v1 records: debugger Alerts (list and instance views) and audit Events."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from attrs import frozen

from .converter import SharedText

__all__ = ["Alert", "AlertInstance", "Event", "LogLevel"]


class LogLevel(str, enum.Enum):
    """An alert's severity. Values the API adds later are kept as plain strings."""

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"
    DEBUG = "debug"

    def __str__(self) -> str:
        return self.value


@frozen
class Alert:
    """One debugger alert as the list returns it."""

    sid: str
    account_sid: SharedText = None
    alert_text: str | None = None
    api_version: SharedText = None
    date_created: datetime | None = None
    date_generated: datetime | None = None
    date_updated: datetime | None = None
    error_code: SharedText = None
    log_level: LogLevel | str | None = None
    more_info: SharedText = None
    request_method: SharedText = None
    request_url: str | None = None
    resource_sid: str | None = None
    service_sid: str | None = None
    url: str | None = None


@frozen
class AlertInstance(Alert):
    """One alert as ``fetch`` returns it: the list view plus the request/response detail."""

    request_variables: str | None = None
    request_headers: str | None = None
    response_body: str | None = None
    response_headers: str | None = None


@frozen
class Event:
    """One audit event: who changed what in the account, from where."""

    sid: str
    account_sid: SharedText = None
    actor_sid: str | None = None
    actor_type: SharedText = None
    description: str | None = None
    event_data: Any = None
    event_date: datetime | None = None
    event_type: SharedText = None
    resource_sid: str | None = None
    resource_type: SharedText = None
    source: SharedText = None
    source_ip_address: str | None = None
    url: str | None = None
    links: dict[str, str] | None = None
