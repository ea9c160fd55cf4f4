"""The written rules of the Alarms API, checked before a request is sent.

The Monitor v2 OpenAPI document carries only types; the Alarms guide adds the real rules (name
alphabet and length, trigger minimum, channel requirements, ...). They are enforced here, each
refusal naming the ``AlarmConfig`` field, so a caller learns of a mistake without a round trip,
and the JSON body is then produced from the record by the one converter (camelCase on the wire).
"""

from __future__ import annotations

import re
from typing import Any

import attrs
from yarl import URL

from .errors import ValidationError
from .models.alarms import AlarmConfig, QueryType, TimeWindow
from .models.converter import converter

__all__ = [
    "MAX_EMAILS",
    "MAX_NAME_LENGTH",
    "MAX_WEBHOOK_LENGTH",
    "alarm_config",
    "check_alarm_config",
    "enabled_flag",
]

MAX_NAME_LENGTH = 64
MAX_EMAILS = 25
#: The webhook must be *less than* 2000 characters.
MAX_WEBHOOK_LENGTH = 1999
LOG_LEVEL_QUERIES = ("WARNING", "ERROR", "INFO")

_NAME = re.compile(r"[A-Za-z0-9 ]+")
# Deliberately plain: one @, no spaces, a dot in the domain, no empty labels.
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")


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
        if not isinstance(address, str) or not _EMAIL.fullmatch(address):
            raise ValidationError(f"email[{index}]", f"{address!r} is not an email address")
    return emails


def _check_webhook(webhook: Any) -> str | None:
    if webhook is None:
        return None
    if not isinstance(webhook, str):
        raise ValidationError("webhook", f"must be one URL string, got {type(webhook).__name__}")
    if len(webhook) > MAX_WEBHOOK_LENGTH:
        raise ValidationError(
            "webhook", f"must be less than {MAX_WEBHOOK_LENGTH + 1} characters, got {len(webhook)}"
        )
    try:
        url = URL(webhook)
    except (ValueError, TypeError):
        url = None
    if (
        url is None
        or url.scheme not in ("http", "https")
        or not url.host
        or any(ch.isspace() for ch in webhook)
    ):
        raise ValidationError("webhook", f"{webhook!r} is not one valid http(s) URL")
    return webhook


def check_alarm_config(config: Any) -> AlarmConfig:
    """``config`` checked against every rule of the Alarms API, with enums normalised.

    Raises ValidationError naming the first field that breaks a rule.
    """
    if not isinstance(config, AlarmConfig):
        raise ValidationError("config", f"must be an AlarmConfig, got {type(config).__name__}")
    name = config.friendly_name
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME_LENGTH:
        raise ValidationError("friendly_name", f"must be 1 to {MAX_NAME_LENGTH} characters")
    if not _NAME.fullmatch(name):
        raise ValidationError("friendly_name", "may contain only letters, digits and spaces")
    if not isinstance(config.description, str) or not config.description.strip():
        raise ValidationError("description", "is required and must not be empty")
    query_type = _enum_value("query_type", config.query_type, QueryType)
    query = _check_query(query_type, config.query)
    trigger = config.trigger_value
    if isinstance(trigger, bool) or not isinstance(trigger, int):
        raise ValidationError("trigger_value", f"must be an integer, got {type(trigger).__name__}")
    if trigger < 1:
        raise ValidationError("trigger_value", f"must be at least 1, got {trigger}")
    time_window = _enum_value("time_window", config.time_window, TimeWindow)
    emails = _check_emails(config.email)
    webhook = _check_webhook(config.webhook)
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


def enabled_flag(field: str, value: Any) -> bool:
    """Encoder for ``{"enabled": ...}``: a real JSON boolean, not Twilio's form ``true``."""
    if not isinstance(value, bool):
        raise ValidationError(field, f"must be True or False, got {type(value).__name__}")
    return value
