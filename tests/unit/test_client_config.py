"""Client construction: credentials, from_env, region/edge hosts, base URLs, limits, repr."""

from __future__ import annotations

import pytest

from twilio_monitor_async import (
    ClientClosedError,
    RetryPolicy,
    TwilioMonitorClient,
    TwilioMonitorError,
    ValidationError,
)

from ..conftest import ACCOUNT_SID, AUTH_TOKEN

API_KEY = "SK" + "12" * 16
API_SECRET = "api-secret-value-93d1"


def test_region_and_edge_shape_the_hosts_like_twilios_helpers() -> None:
    urls = TwilioMonitorClient(ACCOUNT_SID, AUTH_TOKEN, region="au1", edge="sydney").base_urls
    assert urls["monitor"] == "https://monitor.sydney.au1.twilio.com"
    assert urls["events"] == "https://events.sydney.au1.twilio.com"
    assert urls["api"] == "https://api.sydney.au1.twilio.com"
    assert urls["status"] == "https://status.twilio.com"  # not a Twilio API host
    assert (
        TwilioMonitorClient(region="ie1").base_urls["monitor"] == "https://monitor.ie1.twilio.com"
    )
    assert (
        TwilioMonitorClient(edge="dublin").base_urls["monitor"]
        == "https://monitor.dublin.us1.twilio.com"
    )


def test_base_urls_override_one_domain() -> None:
    client = TwilioMonitorClient(
        ACCOUNT_SID, AUTH_TOKEN, base_urls={"monitor": "http://127.0.0.1:9/"}
    )
    assert client.base_urls["monitor"] == "http://127.0.0.1:9"
    assert client.base_urls["events"] == "https://events.twilio.com"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"account_sid": "AC123", "auth_token": AUTH_TOKEN}, "account_sid"),
        ({"auth_token": AUTH_TOKEN}, "account_sid"),
        ({"account_sid": ACCOUNT_SID, "auth_token": ""}, "auth_token"),
        ({"api_key": "XX" + "1" * 32, "api_secret": API_SECRET}, "api_key"),
        ({"api_key": API_KEY}, "api_secret"),
        ({"region": "us 1"}, "region"),
        ({"edge": "Sydney!"}, "edge"),
        ({"timeout": 0}, "timeout"),
        ({"max_connections": 0}, "max_connections"),
        ({"retry": 3}, "retry"),
        ({"base_urls": {"monitr": "https://x.example.com"}}, "base_urls"),
        ({"base_urls": {"monitor": "http://monitor.example.com"}}, "base_urls['monitor']"),
    ],
)
def test_bad_configuration_names_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        TwilioMonitorClient(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_from_env_reads_every_variable_and_overrides_win() -> None:
    env = {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_API_KEY": API_KEY,
        "TWILIO_API_SECRET": API_SECRET,
        "TWILIO_REGION": "au1",
        "TWILIO_EDGE": "sydney",
    }
    client = TwilioMonitorClient.from_env(env)
    assert client.account_sid == ACCOUNT_SID
    assert client.base_urls["monitor"] == "https://monitor.sydney.au1.twilio.com"
    assert "api key" in repr(client)
    overridden = TwilioMonitorClient.from_env(env, region=None, edge=None, retry=False)
    assert overridden.base_urls["monitor"] == "https://monitor.twilio.com"
    assert overridden.retry_policy == RetryPolicy.disabled()
    empty = TwilioMonitorClient.from_env({})
    assert empty.account_sid is None


def test_from_env_reads_base_urls_as_the_cli_does() -> None:
    everywhere = TwilioMonitorClient.from_env({"TWILIO_MONITOR_BASE_URL": "http://127.0.0.1:8765"})
    assert set(everywhere.base_urls.values()) == {"http://127.0.0.1:8765"}
    pairs = TwilioMonitorClient.from_env(
        {"TWILIO_MONITOR_BASE_URL": "monitor=http://127.0.0.1:1, status=http://127.0.0.1:2"}
    )
    assert pairs.base_urls["monitor"] == "http://127.0.0.1:1"
    assert pairs.base_urls["status"] == "http://127.0.0.1:2"
    assert pairs.base_urls["events"] == "https://events.twilio.com"
    with pytest.raises(ValidationError) as caught:
        TwilioMonitorClient.from_env({"TWILIO_MONITOR_BASE_URL": "mointor=http://127.0.0.1:1"})
    assert caught.value.field == "TWILIO_MONITOR_BASE_URL"
    with pytest.raises(ValidationError) as caught:  # the usual checks still apply
        TwilioMonitorClient.from_env({"TWILIO_MONITOR_BASE_URL": "http://10.0.0.7:8765"})
    assert caught.value.field == "base_urls['monitor']"


def test_reprs_never_show_secrets() -> None:
    for client in (
        TwilioMonitorClient(ACCOUNT_SID, AUTH_TOKEN),
        TwilioMonitorClient(ACCOUNT_SID, api_key=API_KEY, api_secret=API_SECRET),
    ):
        text = repr(client) + str(client) + repr(client.alerts) + repr(client._sender)
        assert AUTH_TOKEN not in text and API_SECRET not in text
        assert "Basic " not in text
        assert ACCOUNT_SID in repr(client)


async def test_client_closes_and_cannot_be_reused() -> None:
    client = TwilioMonitorClient(ACCOUNT_SID, AUTH_TOKEN)
    await client.aclose()
    with pytest.raises(ClientClosedError, match="closed") as caught:
        await client.alerts.fetch("NO" + "0" * 32)
    assert isinstance(caught.value, TwilioMonitorError)
