"""Monitor v2 Alarms records: the configuration a caller sends and the alarm the API returns.

Alarms is the one API whose JSON is camelCase. The records keep snake_case Python names and the
converter is told once (``register_camel_case``) to rename them on the wire, both ways.

The Monitor v2 OpenAPI document carries only types; the Alarms guide adds the real rules (name
alphabet and length, trigger minimum, channel requirements, ...). They live here, beside
``AlarmConfig``: ``check_alarm_config`` enforces them, each refusal naming the field, so a
caller learns of a mistake without a round trip; ``alarm_config`` is the encoder the Alarms
endpoints declare for their JSON body.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs
from attrs import field, frozen

from .._endpoints import email, http_url, positive_integer, text
from ..errors import ValidationError
from .converter import converter, register_camel_case

__all__ = [
    "MAX_EMAILS",
    "MAX_NAME_LENGTH",
    "Alarm",
    "AlarmConfig",
    "QueryType",
    "SortOrder",
    "TimeWindow",
    "alarm_config",
    "check_alarm_config",
]


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


# -- the rules of the Alarms API --------------------------------------------------------------

MAX_NAME_LENGTH = 64
MAX_EMAILS = 25
LOG_LEVEL_QUERIES = ("WARNING", "ERROR", "INFO")
_NAME = re.compile(r"[A-Za-z0-9 ]+")


def _enum_value(field: str, value: Any, enum_cls: type[QueryType] | type[TimeWindow]) -> str:
    raw = getattr(value, "value", value)
    allowed = [member.value for member in enum_cls]
    if isinstance(raw, str) and raw.upper() in allowed:
        return raw.upper()
    raise ValidationError(field, f"{raw!r} is not one of {', '.join(allowed)}")


def _check_query(query_type: str, query: Any) -> str | None:
    if query_type == QueryType.ERROR_CODE.value:
        if isinstance(query, int) and not isinstance(query, bool):
            query = str(query)
        if not isinstance(query, str) or not query.isascii() or not query.isdigit():
            raise ValidationError(
                "query", f"must be a numeric error code for ERROR_CODE alarms, got {query!r}"
            )
        return query
    if query_type == QueryType.LOG_LEVEL.value:
        if not isinstance(query, str) or query.upper() not in LOG_LEVEL_QUERIES:
            raise ValidationError(
                "query",
                f"must be one of {', '.join(LOG_LEVEL_QUERIES)} for LOG_LEVEL alarms, got {query!r}",
            )
        return query.upper()
    if query is not None and not isinstance(query, str):
        raise ValidationError("query", f"must be a string, got {type(query).__name__}")
    return query or None


def _check_emails(emails: Any) -> tuple[str, ...]:
    if not isinstance(emails, tuple):
        raise ValidationError("email", f"must be a list of addresses, got {type(emails).__name__}")
    if len(emails) > MAX_EMAILS:
        raise ValidationError(
            "email", f"must have at most {MAX_EMAILS} addresses, got {len(emails)}"
        )
    for index, address in enumerate(emails):
        email(f"email[{index}]", address)
    return emails


def check_alarm_config(config: Any) -> AlarmConfig:
    """``config`` checked against every rule of the Alarms API, with enums normalised.

    Raises ValidationError naming the first field that breaks a rule.
    """
    if not isinstance(config, AlarmConfig):
        raise ValidationError("config", f"must be an AlarmConfig, got {type(config).__name__}")
    name = config.friendly_name
    text(max_length=MAX_NAME_LENGTH)("friendly_name", name)
    if not _NAME.fullmatch(name):
        raise ValidationError("friendly_name", "may contain only letters, digits and spaces")
    if not isinstance(config.description, str) or not config.description.strip():
        raise ValidationError("description", "is required and must not be empty")
    query_type = _enum_value("query_type", config.query_type, QueryType)
    query = _check_query(query_type, config.query)
    positive_integer("trigger_value", config.trigger_value)
    time_window = _enum_value("time_window", config.time_window, TimeWindow)
    emails = _check_emails(config.email)
    webhook = None if config.webhook is None else http_url("webhook", config.webhook)
    console = config.console_indicator
    if console is not None and not isinstance(console, bool):
        raise ValidationError("console_indicator", "must be True, False or None")
    if not isinstance(config.enabled, bool):
        raise ValidationError("enabled", "must be True or False")
    if not (emails or webhook or console):
        raise ValidationError(
            "email, webhook, console_indicator",
            "at least one notification channel is required (an email, a webhook, or "
            "console_indicator=True)",
        )
    return attrs.evolve(
        config,
        query_type=query_type,
        query=query,
        time_window=time_window,
        email=emails,
        webhook=webhook,
    )


def alarm_config(field: str, value: Any) -> Any:
    """Encoder for the Alarms JSON body: the checked AlarmConfig, unstructured in camelCase."""
    return converter.unstructure(check_alarm_config(value))
