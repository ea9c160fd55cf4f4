"""Every written rule of the Alarms API: refused before any request, boundaries accepted."""

from __future__ import annotations

import pytest

from twilio_monitor_async import AlarmConfig, TwilioMonitorClient, ValidationError

from ._wire import only, sent
from .conftest import API
from .test_alarms_wire import SID, config

URL = f"{API}/v2/Alarms"
EMAILS_25 = tuple(f"user{i}@example.com" for i in range(25))
NO_CHANNEL = {"email": (), "webhook": None, "console_indicator": None}

BAD = [
    pytest.param({"friendly_name": ""}, "friendly_name", id="name-empty"),
    pytest.param({"friendly_name": "x" * 65}, "friendly_name", id="name-65-chars"),
    pytest.param({"friendly_name": "High-CPU"}, "friendly_name", id="name-punctuation"),
    pytest.param({"friendly_name": "Héllo"}, "friendly_name", id="name-non-ascii"),
    pytest.param({"friendly_name": "tab\there"}, "friendly_name", id="name-tab"),
    pytest.param({"friendly_name": 12}, "friendly_name", id="name-not-str"),
    pytest.param({"description": ""}, "description", id="description-empty"),
    pytest.param({"description": "   "}, "description", id="description-blank"),
    pytest.param({"query_type": "LATENCY"}, "query_type", id="query-type-unknown"),
    pytest.param({"query": "abc"}, "query", id="error-code-not-numeric"),
    pytest.param({"query": None}, "query", id="error-code-missing"),
    pytest.param({"query": "-404"}, "query", id="error-code-negative"),
    pytest.param({"query_type": "LOG_LEVEL", "query": "DEBUG"}, "query", id="log-level-debug"),
    pytest.param({"query_type": "LOG_LEVEL", "query": None}, "query", id="log-level-missing"),
    pytest.param({"trigger_value": 0}, "trigger_value", id="trigger-0"),
    pytest.param({"trigger_value": -5}, "trigger_value", id="trigger-negative"),
    pytest.param({"trigger_value": 1.5}, "trigger_value", id="trigger-float"),
    pytest.param({"trigger_value": True}, "trigger_value", id="trigger-bool"),
    pytest.param({"trigger_value": "3"}, "trigger_value", id="trigger-str"),
    pytest.param({"time_window": "TEN_MINS"}, "time_window", id="time-window-unknown"),
    pytest.param({"email": (*EMAILS_25, "one@more.com")}, "email", id="26-emails"),
    pytest.param({"email": ("not-an-email",)}, "email[0]", id="email-malformed"),
    pytest.param({"email": ("ok@example.com", "a b@example.com")}, "email[1]", id="email-space"),
    pytest.param({"email": ("user@localhost",)}, "email[0]", id="email-no-dot"),
    pytest.param({"email": "admin@example.com"}, "email", id="email-bare-string"),
    pytest.param({"webhook": "https://e.com/" + "a" * 1986}, "webhook", id="webhook-2000-chars"),
    pytest.param({"webhook": "not a url"}, "webhook", id="webhook-not-url"),
    pytest.param({"webhook": "ftp://example.com/x"}, "webhook", id="webhook-ftp"),
    pytest.param(
        {"webhook": "https://a.example.com https://b.example.com"}, "webhook", id="webhook-two-urls"
    ),
    pytest.param({"webhook": ["https://a.example.com"]}, "webhook", id="webhook-list"),
    pytest.param(NO_CHANNEL, "email, webhook, console_indicator", id="no-notification-channel"),
    pytest.param(
        {**NO_CHANNEL, "console_indicator": False},
        "email, webhook, console_indicator",
        id="console-false-only",
    ),
    pytest.param({"console_indicator": "yes"}, "console_indicator", id="console-not-bool"),
    pytest.param({"enabled": None}, "enabled", id="enabled-missing"),
]


@pytest.mark.parametrize(("changes", "field"), BAD)
async def test_create_refuses_without_sending(
    mock_http, client: TwilioMonitorClient, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        await client.alarms.create(config(**changes))
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)
    assert sent(mock_http) == []


@pytest.mark.parametrize(("changes", "field"), BAD)
async def test_update_refuses_without_sending(
    mock_http, client: TwilioMonitorClient, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        await client.alarms.update(SID, config(**changes))
    assert caught.value.field == field
    assert sent(mock_http) == []


GOOD = [
    pytest.param({"friendly_name": "N" * 64}, "friendlyName", "N" * 64, id="name-64-chars"),
    pytest.param({"friendly_name": "a"}, "friendlyName", "a", id="name-1-char"),
    pytest.param(
        {"friendly_name": "Alarm 42 on Prod"}, "friendlyName", "Alarm 42 on Prod", id="name-spaces"
    ),
    pytest.param({"trigger_value": 1}, "triggerValue", 1, id="trigger-1"),
    pytest.param({"email": EMAILS_25}, "email", list(EMAILS_25), id="25-emails"),
    pytest.param(
        {"webhook": "https://e.com/" + "a" * 1985},
        "webhook",
        "https://e.com/" + "a" * 1985,
        id="webhook-1999-chars",
    ),
    pytest.param({"query": 30003}, "query", "30003", id="error-code-as-int"),
    pytest.param(
        {"query_type": "LOG_LEVEL", "query": "WARNING"}, "query", "WARNING", id="log-warning"
    ),
    pytest.param({"query_type": "LOG_LEVEL", "query": "error"}, "query", "ERROR", id="log-error"),
    pytest.param({"query_type": "LOG_LEVEL", "query": "INFO"}, "query", "INFO", id="log-info"),
    pytest.param(
        {**NO_CHANNEL, "webhook": "http://h.example.com"},
        "webhook",
        "http://h.example.com",
        id="webhook-only",
    ),
    pytest.param({**NO_CHANNEL, "email": ("a@b.io",)}, "email", ["a@b.io"], id="email-only"),
    pytest.param(
        {**NO_CHANNEL, "console_indicator": True}, "consoleIndicator", True, id="console-only"
    ),
    pytest.param({"query_type": "ALL", "query": None}, "queryType", "ALL", id="all-without-query"),
]


@pytest.mark.parametrize(("changes", "wire", "value"), GOOD)
async def test_boundary_values_are_accepted_and_sent(
    mock_http, client: TwilioMonitorClient, changes: dict[str, object], wire: str, value: object
) -> None:
    mock_http.post(URL, status=201, payload={"sid": SID})
    assert await client.alarms.create(config(**changes)) == SID
    assert only(mock_http).json()[wire] == value


def test_config_is_a_frozen_record() -> None:
    made = config()
    assert isinstance(made, AlarmConfig)
    assert made.email == ("admin@example.com",)
    assert list(made.channels) == ["email", "webhook", "console_indicator"]
    with pytest.raises(AttributeError):
        made.trigger_value = 3  # type: ignore[misc]
