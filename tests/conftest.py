"""Shared fixtures: a client for unit tests against aioresponses, and the fake over loopback."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aioresponses.core
import pytest
from aiohttp import ClientResponse

from twilio_monitor_async import RetryPolicy, TwilioMonitorClient
from twilio_monitor_async.testing import FakeTwilio


class _NoStreamWriter:
    """Stands in for the request's stream writer: aiohttp only reads its ``output_size``."""

    output_size = 0


class _ClientResponseWithWriter(ClientResponse):
    # aioresponses 0.7.9 builds ClientResponse without the ``stream_writer`` argument that
    # aiohttp 3.14 made required (pnuckowski/aioresponses#289, fix pending in PR #288).
    # Drop this shim once a release with that fix is out.
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", _NoStreamWriter())
        super().__init__(*args, **kwargs)


aioresponses.core.ClientResponse = _ClientResponseWithWriter  # type: ignore[misc]

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "unit-test-auth-token-7f3a"
API = "https://monitor.twilio.com"

#: Fast retries for tests: the same decisions as the default policy, with tiny sleeps.
FAST_RETRY = RetryPolicy(
    attempts=4, backoff_initial=0.001, backoff_max=0.01, jitter=0.1, deadline=30
)


@pytest.fixture
def mock_http() -> Iterator[aioresponses.aioresponses]:
    with aioresponses.aioresponses() as mocked:
        yield mocked


@pytest.fixture
async def client() -> AsyncIterator[TwilioMonitorClient]:
    async with TwilioMonitorClient(ACCOUNT_SID, AUTH_TOKEN, retry=FAST_RETRY) as api:
        yield api


@pytest.fixture
async def fake() -> AsyncIterator[FakeTwilio]:
    async with FakeTwilio(alerts=1200, events=300) as server:
        yield server


@pytest.fixture
async def fake_client(fake: FakeTwilio) -> AsyncIterator[TwilioMonitorClient]:
    async with fake.client(retry=FAST_RETRY) as api:
        yield api


@pytest.fixture
def fresh_decode_warnings() -> Iterator[None]:
    """Forget which DecodeWarnings were already given, so a test sees its own (once each)."""
    # The module, not the Converter object that twilio_monitor_async.models re-exports under
    # the same name.
    _converter = importlib.import_module("twilio_monitor_async.models.converter")
    _converter._warned_fields.clear()
    yield
    _converter._warned_fields.clear()
