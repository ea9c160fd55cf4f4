"""Monitor v2 Alarms records: the configuration a caller sends and the alarm the API returns.

Alarms is the one API whose JSON is camelCase. The records keep snake_case Python names and the
converter is told once (``register_camel_case``) to rename them on the wire, both ways.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from attrs import field, frozen

from .converter import register_camel_case

__all__ = ["Alarm", "AlarmConfig", "QueryType", "SortOrder", "TimeWindow"]


class QueryType(str, enum.Enum):
    """What an alarm counts: one error code, one log level, or every alert."""

    ERROR_CODE = "ERROR_CODE"
    LOG_LEVEL = "LOG_LEVEL"
    ALL = "ALL"

    def __str__(self) -> str:
        return self.value


class TimeWindow(str, enum.Enum):
    """The window an alarm's count is taken over."""

    FIVE_MINS = "FIVE_MINS"
    FIFTEEN_MINS = "FIFTEEN_MINS"
    ONE_HOUR = "ONE_HOUR"
    TWELVE_HOURS = "TWELVE_HOURS"
    ONE_DAY = "ONE_DAY"

    def __str__(self) -> str:
        return self.value


class SortOrder(str, enum.Enum):
    """Order of ``client.alarms`` lists."""

    ASC = "asc"
    DESC = "desc"

    def __str__(self) -> str:
        return self.value


def _email_list(value: Any) -> Any:
    # Lists and tuples become a tuple so the frozen record stays hashable; anything else is
    # kept as given, for the validation to refuse with the field's name (a bare string would
    # otherwise be split into characters).
    if isinstance(value, list | tuple):
        return tuple(value)
    return value


@frozen(kw_only=True)
class AlarmConfig:
    """Everything ``create`` and ``update`` send: the full configuration of one alarm.

    The rules of the Alarms API are checked before a request is sent (see ``client.alarms``):
    a 1..64 character name of letters, digits and spaces; a description; ``query`` a numeric
    error code for ``ERROR_CODE`` or WARNING / ERROR / INFO for ``LOG_LEVEL``; ``trigger_value``
    at least 1; up to 25 emails; one webhook URL under 2000 characters; and at least one of
    ``email``, ``webhook`` or ``console_indicator``.
    """

    friendly_name: str
    description: str
    query_type: QueryType | str
    trigger_value: int
    time_window: TimeWindow | str
    query: str | None = None
    email: tuple[str, ...] = field(default=(), converter=_email_list)
    webhook: str | None = None
    console_indicator: bool | None = None
    enabled: bool = True

    @property
    def channels(self) -> Iterable[str]:
        """The notification channels this configuration turns on."""
        if self.email:
            yield "email"
        if self.webhook:
            yield "webhook"
        if self.console_indicator:
            yield "console_indicator"


@frozen
class Alarm:
    """One alarm as ``fetch`` and ``list`` return it."""

    sid: str | None = None
    alert_config_sid: str | None = None
    friendly_name: str | None = None
    description: str | None = None
    query_type: QueryType | str | None = None
    query: str | None = None
    trigger_value: int | None = None
    time_window: TimeWindow | str | None = None
    email: tuple[str, ...] | None = None
    webhook: str | None = None
    console_indicator: bool | None = None
    enabled: bool | None = None
    product: str | None = None
    dataset_name: str | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None
    #: The basic view's ``dateUpdatedEpochMilli``, as a datetime like every date.
    date_updated_epoch_milli: datetime | None = None

    @property
    def id(self) -> str | None:
        """The alarm's SID, whichever of ``sid`` / ``alertConfigSid`` the API sent."""
        return self.sid or self.alert_config_sid


@frozen
class AlarmSid:
    """The body of create and update answers: the alarm's SID."""

    sid: str


register_camel_case(AlarmConfig)
register_camel_case(Alarm, encode=False)  # a response: exports and --json stay snake_case
