"""Api 2010 Notifications: exact wire requests, full decoding, paging over next_page_uri, filters
and call scoping against the fake."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from yarl import URL

from twilio_monitor_async import (
    NotFoundError,
    Notification,
    NotificationInstance,
    NotificationLog,
    TwilioMonitorClient,
    ValidationError,
)
from twilio_monitor_async.testing import FakeTwilio

from .conftest import ACCOUNT_SID, FAST_RETRY

API = "https://api.twilio.com"
ACCOUNT = f"/2010-04-01/Accounts/{ACCOUNT_SID}"
CALL_SID = "CA" + "c" * 32
NOTIFICATION_SID = "NO" + "5a7a84730f529f0a76b3e30c01315d1a"

# The instance example of the Notifications document (seed 003 / the api v2010 spec).
INSTANCE_EXAMPLE: dict[str, Any] = {
    "account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "api_version": "2008-08-01",
    "call_sid": "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "date_created": "Mon, 13 Sep 2010 20:02:01 +0000",
    "date_updated": "Mon, 13 Sep 2010 20:02:01 +0000",
    "error_code": "11200",
    "log": "0",
    "message_date": "Mon, 13 Sep 2010 20:02:00 +0000",
    "message_text": "EmailNotification=false&LogLevel=ERROR&sourceComponent=12000&Msg=&httpResponse=500&ErrorCode=11200&url=http%3A%2F%2Fvoiceforms4000.appspot.com%2Ftwiml",
    "more_info": "http://www.twilio.com/docs/errors/11200",
    "request_method": "GET",
    "request_url": "https://voiceforms4000.appspot.com/twiml/9436/question/0",
    "request_variables": "AccountSid=ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&CallStatus=in-progress&ToZip=94937",
    "response_body": "Response body from your webhook URL as a string.",
    "response_headers": "Date=Mon%2C+13+Sep+2010+20%3A02%3A00+GMT&Content-Length=466&Connection=close",
    "sid": "NO5a7a84730f529f0a76b3e30c01315d1a",
    "uri": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Notifications/NOaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json",
}
LIST_ITEM: dict[str, Any] = {
    "account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "api_version": "2008-08-01",
    "call_sid": "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "date_created": "Thu, 30 Apr 2015 16:47:33 +0000",
    "date_updated": "Thu, 30 Apr 2015 16:47:35 +0000",
    "error_code": "21609",
    "log": "1",
    "message_date": "Thu, 30 Apr 2015 16:47:32 +0000",
    "message_text": "LogLevel=WARN&invalidStatusCallbackUrl=&Msg=Invalid+Url&ErrorCode=21609",
    "more_info": "/docs/errors/21609",
    "request_method": None,
    "request_url": "",
    "sid": "NOaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "uri": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Notifications/NOaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json",
}


def list_page(
    records: list[dict[str, Any]], *, next_uri: str | None = None, page: int = 0
) -> dict[str, Any]:
    first = f"{ACCOUNT}/Notifications.json?PageSize=50&Page=0"
    return {
        "end": page * 50 + max(len(records) - 1, 0),
        "first_page_uri": first,
        "previous_page_uri": None,
        "next_page_uri": next_uri,
        "notifications": records,
        "page": page,
        "page_size": 50,
        "start": page * 50,
        "uri": first,
    }


def sent_urls(mock_http: Any) -> list[str]:
    return [str(url) for (_method, url) in mock_http.requests]


def only_call(mock_http: Any) -> Any:
    assert len(mock_http.requests) == 1
    (calls,) = mock_http.requests.values()
    assert len(calls) == 1
    return calls[0]


# -- wire -------------------------------------------------------------------------------------
async def test_account_list_sends_every_filter_under_its_wire_name(
    mock_http: Any, client: TwilioMonitorClient
) -> None:
    expected = (
        f"{API}{ACCOUNT}/Notifications.json?Log=1&MessageDate=2026-11-01"
        "&MessageDate%3C=2026-11-10&MessageDate%3E=2026-10-30&PageSize=20"
    )
    mock_http.get(expected, payload=list_page([LIST_ITEM]))
    records = await client.notifications.list(
        limit=20,
        log="warning",
        message_date=date(2026, 11, 1),
        message_date_before="2026-11-10",
        message_date_after=datetime(2026, 10, 30, 23, 59, tzinfo=timezone.utc),
    )
    assert [r.sid for r in records] == [LIST_ITEM["sid"]]
    (url,) = sent_urls(mock_http)
    # The inequality filters put the operator in the parameter *name*, percent-encoded.
    assert "MessageDate%3C=2026-11-10" in url
    assert "MessageDate%3E=2026-10-30" in url
    assert URL(url).query["MessageDate<"] == "2026-11-10"
    assert URL(url).path == f"{ACCOUNT}/Notifications.json"
    assert only_call(mock_http).kwargs["headers"]["Authorization"].startswith("Basic ")


async def test_call_sid_scopes_the_list_to_the_call_path(
    mock_http: Any, client: TwilioMonitorClient
) -> None:
    mock_http.get(
        f"{API}{ACCOUNT}/Calls/{CALL_SID}/Notifications.json?Log=0&PageSize=1000",
        payload=list_page([LIST_ITEM]),
    )
    records = await client.notifications.list(call_sid=CALL_SID, log=0)
    assert len(records) == 1
    (url,) = sent_urls(mock_http)
    assert URL(url).path == f"{ACCOUNT}/Calls/{CALL_SID}/Notifications.json"
    assert "CallSid" not in URL(url).query  # the call is in the path, not a filter


@pytest.mark.parametrize("level", [0, "0", "error", "ERROR", NotificationLog.ERROR])
async def test_log_accepts_codes_names_and_the_enum(
    mock_http: Any, client: TwilioMonitorClient, level: object
) -> None:
    mock_http.get(f"{API}{ACCOUNT}/Notifications.json?Log=0&PageSize=50", payload=list_page([]))
    page = await client.notifications.page(page_size=50, log=level)
    assert page.records == ()
    assert URL(sent_urls(mock_http)[0]).query["Log"] == "0"


@pytest.mark.parametrize(
    ("call_sid", "path"),
    [
        (None, f"{ACCOUNT}/Notifications/{NOTIFICATION_SID}.json"),
        (CALL_SID, f"{ACCOUNT}/Calls/{CALL_SID}/Notifications/{NOTIFICATION_SID}.json"),
    ],
)
async def test_fetch_decodes_every_field_of_the_instance_view(
    mock_http: Any, client: TwilioMonitorClient, call_sid: str | None, path: str
) -> None:
    mock_http.get(f"{API}{path}", payload=INSTANCE_EXAMPLE)
    got = await client.notifications.fetch(NOTIFICATION_SID, call_sid=call_sid)
    assert sent_urls(mock_http) == [f"{API}{path}"]
    assert got == NotificationInstance(
        sid="NO5a7a84730f529f0a76b3e30c01315d1a",
        account_sid="ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        call_sid="CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        api_version="2008-08-01",
        date_created=datetime(2010, 9, 13, 20, 2, 1, tzinfo=timezone.utc),
        date_updated=datetime(2010, 9, 13, 20, 2, 1, tzinfo=timezone.utc),
        error_code="11200",
        log=NotificationLog.ERROR,
        message_date=datetime(2010, 9, 13, 20, 2, 0, tzinfo=timezone.utc),
        message_text=INSTANCE_EXAMPLE["message_text"],
        more_info="http://www.twilio.com/docs/errors/11200",
        request_method="GET",
        request_url="https://voiceforms4000.appspot.com/twiml/9436/question/0",
        uri=INSTANCE_EXAMPLE["uri"],
        request_variables=INSTANCE_EXAMPLE["request_variables"],
        response_body="Response body from your webhook URL as a string.",
        response_headers=INSTANCE_EXAMPLE["response_headers"],
    )
    assert got.date_created is not None
    assert got.date_created.utcoffset() is not None
    assert got.log == 0
    assert str(got.log) == "error"


async def test_list_decodes_every_field_and_the_old_page_meta(
    mock_http: Any, client: TwilioMonitorClient
) -> None:
    body = list_page([LIST_ITEM, {**LIST_ITEM, "log": "7", "date_created": None}])
    mock_http.get(f"{API}{ACCOUNT}/Notifications.json?PageSize=50", payload=body)
    page = await client.notifications.page(page_size=50)
    first, odd = page.records
    assert first == Notification(
        sid="NOaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        account_sid="ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        call_sid="CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        api_version="2008-08-01",
        date_created=datetime(2015, 4, 30, 16, 47, 33, tzinfo=timezone.utc),
        date_updated=datetime(2015, 4, 30, 16, 47, 35, tzinfo=timezone.utc),
        error_code="21609",
        log=NotificationLog.WARNING,
        message_date=datetime(2015, 4, 30, 16, 47, 32, tzinfo=timezone.utc),
        message_text=LIST_ITEM["message_text"],
        more_info="/docs/errors/21609",
        request_method=None,
        request_url="",
        uri=LIST_ITEM["uri"],
    )
    assert not isinstance(first, NotificationInstance)  # the list view has no detail fields
    assert odd.log == "7"  # a level this version does not know stays readable
    assert odd.date_created is None
    meta = page.meta
    assert (meta.page, meta.page_size, meta.start, meta.end) == (0, 50, 0, 1)
    assert meta.key == "notifications"
    assert meta.first_page_url == f"{API}{ACCOUNT}/Notifications.json?PageSize=50&Page=0"
    assert meta.url == meta.first_page_url
    assert meta.previous_page_url is None
    assert meta.next_page_url is None
    assert page.next_page_url is None


async def test_stream_follows_relative_next_page_uri_across_pages(
    mock_http: Any, client: TwilioMonitorClient
) -> None:
    pages = 6
    sids = [[f"NO{p:02d}{i:030x}" for i in range(3)] for p in range(pages)]
    first_url = f"{API}{ACCOUNT}/Notifications.json?Log=1&PageSize=3"
    for p in range(pages):
        nxt = (
            f"{ACCOUNT}/Notifications.json?Log=1&PageSize=3&Page={p + 1}&PageToken=PA{sids[p][-1]}"
            if p + 1 < pages
            else None
        )
        url = (
            first_url
            if p == 0
            else f"{API}{ACCOUNT}/Notifications.json?Log=1&PageSize=3&Page={p}&PageToken=PA{sids[p - 1][-1]}"
        )
        records = [{**LIST_ITEM, "sid": sid} for sid in sids[p]]
        mock_http.get(url, payload=list_page(records, next_uri=nxt, page=p))
    got = [n.sid async for n in client.notifications.stream(log="warning", page_size=3)]
    assert got == [sid for page in sids for sid in page]
    assert len(mock_http.requests) == pages
    # every follow-up went to the API host, with the token the previous page gave
    assert all(url.startswith(f"{API}{ACCOUNT}/Notifications.json") for url in sent_urls(mock_http))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"log": "info"}, "log"),
        ({"log": 2}, "log"),
        ({"log": True}, "log"),
        ({"call_sid": "CA123"}, "call_sid"),
        ({"call_sid": "NO" + "a" * 32}, "call_sid"),
        ({"message_date": "yesterday"}, "message_date"),
        ({"message_date_before": "2026-13-01"}, "message_date_before"),
        ({"message_date_after": 20261101}, "message_date_after"),
        ({"page_size": 1001}, "page_size"),
        ({"account_sid": "AC123"}, "account_sid"),
        ({"status": "failed"}, "status"),
    ],
)
async def test_bad_arguments_are_refused_before_any_request(
    mock_http: Any, client: TwilioMonitorClient, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        await client.notifications.list(**kwargs)
    assert caught.value.field == field
    assert mock_http.requests == {}


async def test_fetch_refuses_a_bad_sid_or_call_sid(
    mock_http: Any, client: TwilioMonitorClient
) -> None:
    with pytest.raises(ValidationError) as caught:
        await client.notifications.fetch("AE" + "a" * 32)
    assert caught.value.field == "sid"
    with pytest.raises(ValidationError) as caught:
        await client.notifications.fetch(NOTIFICATION_SID, call_sid="CAxyz")
    assert caught.value.field == "call_sid"
    assert mock_http.requests == {}


async def test_api_key_auth_needs_the_account_sid_for_the_path(mock_http: Any) -> None:
    key = "SK" + "1" * 32
    async with TwilioMonitorClient(api_key=key, api_secret="s3cret", retry=FAST_RETRY) as keyed:
        with pytest.raises(ValidationError) as caught:
            await keyed.notifications.list()
        assert caught.value.field == "account_sid"
    assert mock_http.requests == {}
    mock_http.get(f"{API}{ACCOUNT}/Notifications.json?PageSize=1000", payload=list_page([]))
    async with TwilioMonitorClient(
        ACCOUNT_SID, api_key=key, api_secret="s3cret", retry=FAST_RETRY
    ) as keyed:
        assert await keyed.notifications.list() == []
    assert URL(sent_urls(mock_http)[0]).path == f"{ACCOUNT}/Notifications.json"


# -- against the fake -------------------------------------------------------------------------
def stored(fake: FakeTwilio) -> list[dict[str, Any]]:
    return list(fake.state.collection("notifications"))


def day(record: dict[str, Any]) -> date:
    return parsedate_to_datetime(record["message_date"]).astimezone(timezone.utc).date()


async def test_walks_every_notification_newest_first_over_many_pages(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    expected = stored(fake)
    assert len(expected) >= 300
    before = fake.stats.requests
    got = [n async for n in fake_client.notifications.stream(page_size=7)]
    assert [n.sid for n in got] == [r["sid"] for r in expected]
    assert fake.stats.requests - before == -(-len(expected) // 7)  # one request per page
    dates = [n.message_date for n in got]
    assert all(d is not None and d.tzinfo is not None for d in dates)
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]


async def test_page_resumes_from_a_kept_next_page_url(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    first = await fake_client.notifications.page(page_size=25, log="error")
    assert first.next_page_url is not None
    assert first.meta.start == 0
    assert first.meta.end == 24
    second = await fake_client.notifications.page(page_url=first.next_page_url)
    expected = [r["sid"] for r in stored(fake) if r["log"] == "0"][:50]
    assert [n.sid for n in (*first.records, *second.records)] == expected
    assert second.meta.page == 1
    assert second.meta.start == 25
    assert second.meta.previous_page_url is not None


@pytest.mark.parametrize(
    ("argument", "keep"),
    [
        ("message_date", lambda d, on: d == on),
        ("message_date_before", lambda d, on: d <= on),
        ("message_date_after", lambda d, on: d >= on),
    ],
)
async def test_day_filters_are_inclusive_calendar_days(
    fake: FakeTwilio, fake_client: TwilioMonitorClient, argument: str, keep: Any
) -> None:
    days = Counter(day(r) for r in stored(fake))
    on = sorted(days)[len(days) // 2]  # a day in the middle of the seeded month
    expected = [r["sid"] for r in stored(fake) if keep(day(r), on)]
    assert 0 < len(expected) < len(stored(fake))
    got = await fake_client.notifications.list(page_size=40, **{argument: on})
    assert [n.sid for n in got] == expected


async def test_before_and_after_together_make_a_window(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    got = await fake_client.notifications.list(
        message_date_after="2026-11-05", message_date_before="2026-11-07", log=1
    )
    expected = [
        r["sid"]
        for r in stored(fake)
        if date(2026, 11, 5) <= day(r) <= date(2026, 11, 7) and r["log"] == "1"
    ]
    assert expected
    assert [n.sid for n in got] == expected
    assert all(n.log is NotificationLog.WARNING for n in got)


async def test_call_scoped_list_and_fetch_against_the_fake(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    calls = Counter(r["call_sid"] for r in stored(fake) if r["call_sid"])
    call_sid, count = calls.most_common(1)[0]
    assert count > 1
    got = await fake_client.notifications.list(call_sid=call_sid, page_size=2)
    assert [n.sid for n in got] == [r["sid"] for r in stored(fake) if r["call_sid"] == call_sid]
    detail = await fake_client.notifications.fetch(got[0].sid or "", call_sid=call_sid)
    raw = fake.state.collection("notifications").get(got[0].sid or "")
    assert raw is not None
    assert detail.request_variables == raw["request_variables"]
    assert detail.response_body == raw["response_body"]
    assert detail.response_headers == raw["response_headers"]
    assert detail.message_date == parsedate_to_datetime(raw["message_date"])
    other_call = next(c for c in calls if c != call_sid)
    with pytest.raises(NotFoundError):
        await fake_client.notifications.fetch(got[0].sid or "", call_sid=other_call)


async def test_a_notification_added_by_the_test_is_served_first(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    newest = dict(stored(fake)[0])
    newest.update(sid="NO" + "f" * 32, message_date="Fri, 20 Nov 2026 11:59:59 +0000", log="0")
    fake.state.collection("notifications").add(newest)
    (first,) = await fake_client.notifications.list(limit=1)
    assert first.sid == "NO" + "f" * 32
    assert first.message_date == datetime(2026, 11, 20, 11, 59, 59, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text",
    [
        "Thu, 30 Apr 2015 16:47:33 +0000",
        "Mon, 13 Sep 2010 20:02:01 -0730",
        "Fri, 20 Nov 2026 23:59:59 +0530",
        "Sat, 1 Jan 2000 00:00:00 GMT",
        "Tue, 18 Aug 2015 08:46 +0000",
        "30 Apr 2015 16:47:33 +0000",
        "thu, 30 apr 2015 16:47:33 +0000",
    ],
)
def test_rfc2822_dates_decode_to_the_same_instant_as_the_email_parser(text: str) -> None:
    from twilio_monitor_async.models import parse_datetime

    got = parse_datetime(text)
    assert got == parsedate_to_datetime(text)
    assert got.utcoffset() == parsedate_to_datetime(text).utcoffset()


def test_an_impossible_rfc2822_date_is_refused() -> None:
    from twilio_monitor_async.models import parse_datetime

    with pytest.raises(ValueError, match="day is out of range"):
        parse_datetime("Thu, 31 Feb 2015 16:47:33 +0000")


async def test_for_call_binds_the_call_like_call_sid_does(mock_http, client) -> None:  # type: ignore[no-untyped-def]
    call = "CA" + "7" * 32
    url = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Calls/{call}/Notifications.json?PageSize=1000"
    mock_http.get(url, payload={"notifications": [], "next_page_uri": None}, repeat=True)
    assert await client.notifications.for_call(call).list() == []
    assert await client.notifications.list(call_sid=call) == []
    assert sum(len(calls) for calls in mock_http.requests.values()) == 2


def test_for_call_is_a_sub_listing_with_its_own_declarations(client) -> None:  # type: ignore[no-untyped-def]
    from twilio_monitor_async.resources import CallNotifications

    call = "CA" + "7" * 32
    listing = client.notifications.for_call(call)
    assert isinstance(listing, CallNotifications)
    assert "/Calls/{call_sid}/" in listing.list_endpoint.path
    assert "/Calls/{call_sid}/" in listing.fetch_endpoint.path
    assert "Calls" not in client.notifications.list_endpoint.path
    assert repr(listing) == f"<CallNotifications call_sid={call!r}>"
    # A bad call SID is refused by the call-scoped declaration, by name, before any request.
    with pytest.raises(ValidationError) as caught:
        client.notifications.for_call("CA123").stream()
    assert caught.value.field == "call_sid"
