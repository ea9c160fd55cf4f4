"""Credentials go nowhere they should not: reprs, logs at DEBUG, exceptions, CLI --debug output,
other hosts (redirects, plain http), the status page.

Each test captures everything a user could see and searches it for the auth token, the API
secret and the Basic header (its base64 form, which is what would leak from a header dump).
"""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from twilio_monitor_async import (
    ApiError,
    RetryPolicy,
    TwilioMonitorClient,
    TwilioMonitorError,
    ValidationError,
)
from twilio_monitor_async.testing import FakeTwilio, FaultPlan

from ..integration.cli_support import base_url_args, fake_in_thread
from . import _figures

FAST = RetryPolicy(attempts=4, backoff_initial=0.001, backoff_max=0.01, deadline=30)
API_KEY = "SK" + "5" * 32
API_SECRET = "api-secret-do-not-leak-91c2"
WORKTREE = Path(__file__).resolve().parents[2]


def secrets_of(user: str, password: str) -> list[str]:
    basic = base64.b64encode(f"{user}:{password}".encode()).decode()
    return [password, basic, f"Basic {basic}"]


def assert_clean(text: str, secrets: list[str], where: str) -> None:
    for secret in secrets:
        assert secret not in text, f"a credential leaked into {where}"


async def everything_visible(fake: FakeTwilio, client: TwilioMonitorClient) -> str:
    """Run the client through success, faults, errors and paging; return every repr, str and
    exception text a user could print."""
    seen: list[Any] = [client, client.stats, client.limits, client.connector, client.alerts]
    seen += [client.alarms, client.status_page, client.retry_policy, client._sender]
    page = await client.alerts.page(page_size=3)
    seen += [page, page.meta, *page.records]
    seen.append(await client.alerts.fetch(page.records[0].sid))
    seen += await client.events.list(limit=3)
    seen += await client.notifications.list(limit=3)
    seen.append(await client.status_page.summary())
    errors: list[BaseException] = []
    for attempt in (
        lambda: client.alerts.fetch("NO" + "f" * 32),  # 404
        lambda: client.alerts.fetch("bad sid"),  # refused
        lambda: client.alerts.page(page_url="https://evil.example.com/v1/Alerts"),
        lambda: client.alerts.list(limit=3, page_size=5000),
    ):
        try:
            await attempt()
        except TwilioMonitorError as error:
            errors.append(error)
    fake.faults = FaultPlan(rate=1.0, kinds=("503",))
    try:
        await client.alerts.list(limit=3)
    except ApiError as error:
        errors.append(error)
    fake.faults = FaultPlan()
    assert len(errors) == 5
    texts = [repr(x) for x in seen] + [str(x) for x in seen]
    for error in errors:
        texts += [str(error), repr(error), repr(error.args), repr(vars(error))]
    return "\n".join(texts)


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)  # every logger: ours, aiohttp's, asyncio's
    return caplog


@pytest.mark.parametrize("auth", ["token", "api key"])
async def test_no_credential_in_reprs_exceptions_or_debug_logs(
    logged: pytest.LogCaptureFixture, auth: str
) -> None:
    async with FakeTwilio(alerts=20, events=5, notifications=5) as fake:
        if auth == "token":
            secrets = secrets_of(fake.account_sid, fake.auth_token)
            client = fake.client(retry=FAST)
        else:
            fake.state.credentials[API_KEY] = API_SECRET
            secrets = secrets_of(API_KEY, API_SECRET)
            client = TwilioMonitorClient(
                fake.account_sid,
                api_key=API_KEY,
                api_secret=API_SECRET,
                base_urls=fake.base_urls,
                retry=FAST,
            )
        async with client:
            visible = await everything_visible(fake, client)
        # the credentials really were sent (to the API, not the status page)
        sent = [r.headers.get("Authorization", "") for r in fake.stats.recent]
        assert secrets[2] in sent
    assert_clean(visible, secrets, "a repr, str or exception")
    logs = "\n".join(
        f"{r.name} {r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in logged.records
    )
    assert "retrying" in logs and " -> 200 " in logs  # DEBUG and retry logging did happen
    assert_clean(logs, secrets, "the DEBUG log")
    _figures.add("secrets", {"texts searched": visible.count("\n") + 1 + len(logged.records)})


def test_cli_debug_output_holds_no_credential(tmp_path: Path) -> None:
    with fake_in_thread(alerts=30, events=5, notifications=5) as fake:
        env = {
            **os.environ,
            "TWILIO_ACCOUNT_SID": fake.account_sid,
            "TWILIO_AUTH_TOKEN": fake.auth_token,
            "PYTHONPATH": os.pathsep.join([str(WORKTREE), os.environ.get("PYTHONPATH", "")]),
        }
        secrets = secrets_of(fake.account_sid, fake.auth_token)
        fake.faults = FaultPlan(rate=0.3, kinds=("503", "429"), retry_after=0.001, seed=2)
        runs = [
            ["export", "alerts", "--out", str(tmp_path / "a.jsonl"), "--no-progress"],
            ["alarms", "list"],
            ["status"],
            ["alarms", "get", "AK" + "f" * 32],  # 404: an error with a traceback
        ]
        outputs = []
        for args in runs:
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "twilio_monitor_async.cli",
                    *args,
                    "--debug",
                    *base_url_args(fake),
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            outputs.append((done.returncode, done.stdout + done.stderr))
        # a wrong token on the command line: the 401's traceback must not echo it either
        wrong = "wrong-token-on-the-command-line-77"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "twilio_monitor_async.cli",
                "alarms",
                "list",
                "--debug",
                "--auth-token",
                wrong,
                *base_url_args(fake),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        outputs.append((done.returncode, done.stdout + done.stderr))
    codes = [code for code, _ in outputs]
    assert codes[:3] == [0, 0, 0] and codes[3] != 0 and codes[4] == 3, outputs
    everything = "\n".join(text for _, text in outputs)
    assert "DEBUG" in everything and "Traceback" in everything
    assert_clean(everything, [*secrets, wrong, *secrets_of(fake.account_sid, wrong)], "CLI output")
    _figures.add("secrets", {"CLI --debug runs searched": len(outputs)})


class Recorder:
    """A loopback server that records the Authorization header of every request it gets."""

    def __init__(self, answer: web.Response | None = None) -> None:
        self.auth: list[str | None] = []
        self.answer = answer

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.auth.append(request.headers.get("Authorization"))
        if self.answer is not None:
            return self.answer
        return web.json_response({"alerts": [], "meta": {"key": "alerts"}})


async def serve(recorder: Recorder) -> TestServer:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", recorder.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return server


async def test_redirects_are_not_followed_with_credentials() -> None:
    elsewhere = Recorder()
    other = await serve(elsewhere)
    try:
        target = str(other.make_url("/v1/Alerts"))
        for status in (301, 302, 303, 307, 308):
            api = Recorder(web.Response(status=status, headers={"Location": target}))
            server = await serve(api)
            try:
                url = str(server.make_url("")).rstrip("/")
                async with TwilioMonitorClient(
                    "AC" + "1" * 32, "redirect-secret", base_urls={"monitor": url}, retry=FAST
                ) as client:
                    with pytest.raises(ApiError, match="redirect") as caught:
                        await client.alerts.list()
                assert caught.value.status == status
                assert api.auth and api.auth[0] is not None  # the API itself got them
                assert "redirect-secret" not in str(caught.value)
            finally:
                await server.close()
        assert elsewhere.auth == []  # the redirect target never saw a request
    finally:
        await other.close()


@pytest.mark.parametrize(
    "url",
    [
        "http://monitor.example.com",
        "http://10.0.0.1:8080",
        "http://192.168.1.10",
        "http://[2001:db8::1]",
        "http://localhost.example.com",
        "http://127.0.0.1.nip.io",
        "http://anything.localhost",
    ],
)
def test_plain_http_is_refused_for_hosts_that_are_not_loopback(url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        TwilioMonitorClient("AC" + "1" * 32, "t", base_urls={"monitor": url})
    assert caught.value.field == "base_urls['monitor']"


@pytest.mark.parametrize("url", ["http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1"])
def test_plain_http_is_accepted_for_loopback(url: str) -> None:
    client = TwilioMonitorClient("AC" + "1" * 32, "t", base_urls={"monitor": url})
    assert client.base_urls["monitor"] == url


async def test_the_status_page_never_gets_credentials() -> None:
    async with FakeTwilio(alerts=5) as fake, fake.client(retry=FAST) as client:
        page = fake.state.status_page
        incident = page.open_incident("Delayed SMS", components=["Outbound SMS"])
        await client.status_page.summary()
        await client.status_page.status()
        await client.status_page.components()
        await client.status_page.incidents(unresolved=True)
        await client.status_page.scheduled_maintenances("all")
        sub = await client.status_page.subscribe(email="oncall@example.com")
        await client.status_page.subscribe_to_incident(incident["id"], email="oncall@example.com")
        await client.status_page.resend_confirmation(sub.id)
        await client.status_page.unsubscribe(sub.id)
        await client.alerts.list(limit=1)  # the API does get them, on the same server
        assert page.authorization_headers_seen == 0
        status_requests = [r for r in fake.stats.recent if r.path_qs.startswith("/api/v2")]
        assert len(status_requests) >= 8
        assert all("Authorization" not in r.headers for r in status_requests)
        assert any("Authorization" in r.headers for r in fake.stats.recent)
