"""Prefetch in the paging engine: same records as without it, one page ahead, clean cancellation."""

from __future__ import annotations

import gc
from contextlib import aclosing

from twilio_monitor_async import AuthenticationError, TwilioMonitorClient
from twilio_monitor_async.testing import FakeTwilio

from .waiting import other_tasks, until


async def test_prefetch_yields_the_same_records_as_without(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    with_prefetch = [a async for a in fake_client.alerts.stream(page_size=70)]
    without = [a async for a in fake_client.alerts.stream(page_size=70, prefetch=False)]
    assert len(with_prefetch) == len(fake.state.collections["alerts"]) == 1200
    assert with_prefetch == without
    filtered = [a.sid async for a in fake_client.alerts.stream(page_size=50, log_level="error")]
    plain = [
        a.sid
        async for a in fake_client.alerts.stream(page_size=50, log_level="error", prefetch=False)
    ]
    assert filtered == plain
    assert len(filtered) > 50


async def test_pages_with_and_without_prefetch_match(fake_client: TwilioMonitorClient) -> None:
    a = [p.meta.page async for p in fake_client.events.pages(page_size=40)]
    b = [p.meta.page async for p in fake_client.events.pages(page_size=40, prefetch=False)]
    assert a == b == list(range(8))


async def test_next_page_is_requested_while_the_caller_holds_the_current_one(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    stream = fake_client.alerts.stream(page_size=100)
    first = await anext(stream)
    assert first.sid is not None
    await until(lambda: fake.stats.requests == 2)
    # Once the read-ahead has its page and no client task runs, nothing can ask for more.
    await until(lambda: sum(fake.stats.responses.values()) == 2 and not other_tasks())
    assert fake.stats.requests == 2  # one page ahead, never more
    await stream.aclose()  # type: ignore[attr-defined]


async def test_without_prefetch_nothing_is_requested_ahead(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    stream = fake_client.alerts.stream(page_size=100, prefetch=False)
    await anext(stream)
    await until(lambda: not other_tasks())  # a read-ahead, if one ran, would have to end first
    assert fake.stats.requests == 1
    await stream.aclose()  # type: ignore[attr-defined]


async def test_limit_stops_prefetch_at_the_last_needed_page(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    alerts = [a async for a in fake_client.alerts.stream(limit=250, page_size=50)]
    assert len(alerts) == 250
    assert fake.stats.requests == 5
    assert not other_tasks()
    assert len(await fake_client.alerts.list(page_limit=2, page_size=10)) == 20
    assert fake.stats.requests == 7


async def test_breaking_out_cancels_the_read_ahead(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    fake.faults.latency = 0.05  # the read-ahead is still on the wire when the caller stops
    async with aclosing(fake_client.alerts.stream(page_size=100)) as stream:  # type: ignore[type-var]
        async for _alert in stream:
            await until(lambda: fake.stats.in_flight == 1)
            assert other_tasks()  # the read-ahead is running
            break
    assert not other_tasks()  # aclose() ran: no task left behind, nothing unretrieved
    assert fake.stats.requests == 2


async def test_a_bare_break_cleans_up_once_the_generator_is_finalized(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    fake.faults.latency = 0.05
    async for _alert in fake_client.alerts.stream(page_size=100):
        await until(lambda: fake.stats.in_flight == 1)
        break
    # Without aclosing(), asyncio's async-generator finalizer closes the stream soon after.
    await until(lambda: not other_tasks())
    assert fake.stats.requests == 2


async def test_abandoned_stream_is_cleaned_up_by_the_collector(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    fake.faults.latency = 0.05
    stream = fake_client.alerts.stream(page_size=100)
    await anext(stream)
    await until(lambda: fake.stats.in_flight == 1)
    assert other_tasks()  # the read-ahead is running
    del stream
    gc.collect()  # asyncio's finalizer schedules the generator's aclose()
    await until(lambda: not other_tasks())
    assert fake.stats.requests == 2


async def test_a_failed_read_ahead_nobody_reads_is_not_reported(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    stream = fake_client.alerts.stream(page_size=100)
    await anext(stream)
    fake.state.credentials.clear()  # the read-ahead fails with 401
    await until(lambda: fake.stats.auth_failures == 1)
    await stream.aclose()  # type: ignore[attr-defined]
    assert not other_tasks()


async def test_a_failed_page_surfaces_when_the_caller_reaches_it(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    seen = 0
    stream = fake_client.alerts.stream(page_size=100)
    try:
        async for _alert in stream:
            seen += 1
            if seen == 1:
                fake.state.credentials[fake.account_sid] = "changed"
    except AuthenticationError:
        pass
    else:
        raise AssertionError("the read-ahead's 401 was lost")
    assert seen == 100  # every record of the first page, then the error
