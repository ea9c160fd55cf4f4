"""Pure request building and response deciphering, without any network."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl

import orjson
import pytest

from twilio_monitor_async import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    DecodeError,
    NotFoundError,
    PagingError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from twilio_monitor_async._endpoints import (
    boolean,
    form,
    header,
    instant,
    integer,
    json_body,
    json_text,
    path,
    query,
    repeated,
    sid,
    text,
)
from twilio_monitor_async.sansio import (
    Endpoint,
    Request,
    Response,
    build_request,
    check_base_url,
    decipher,
    error_for,
    parse_page,
    redact_url,
    resolve_page_link,
    retry_after_seconds,
)

BASE = "https://monitor.twilio.com"
SINKISH = Endpoint(
    "POST",
    "events",
    "/v1/Things/{sid}",
    None,
    {
        "sid": path(sid("DG")),
        "description": form("Description", text()),
        "in_use": form("InUse", boolean),
        "types": form("Types", repeated(text())),
        "since": form("Since", instant),
        "config": form("Config", json_text),
        "token": header("Idempotency-Token", text()),
        "size": query("Size", integer(minimum=1, maximum=5)),
    },
)
SID = "DG" + "0123456789abcdef" * 2


def test_build_request_encodes_every_location() -> None:
    request = build_request(
        SINKISH,
        "https://events.twilio.com/",
        {
            "sid": SID,
            "description": "a b&c",
            "in_use": True,
            "types": ["x", "y"],
            "since": datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))),
            "config": {"url": "https://example.com", "n": 1},
            "token": "tok-1",
            "size": 3,
        },
    )
    assert request.method == "POST"
    assert request.url == f"https://events.twilio.com/v1/Things/{SID}"
    assert request.params == (("Size", "3"),)
    assert ("Idempotency-Token", "tok-1") in request.headers
    assert ("Content-Type", "application/x-www-form-urlencoded") in request.headers
    assert request.body is not None
    assert parse_qsl(request.body.decode()) == [
        ("Description", "a b&c"),
        ("InUse", "true"),
        ("Types", "x"),
        ("Types", "y"),
        ("Since", "2026-01-02T01:04:05Z"),
        ("Config", '{"url":"https://example.com","n":1}'),
    ]
    assert request.idempotent  # POST with an idempotency token


def test_build_request_skips_none_and_reports_unknown_or_missing() -> None:
    request = build_request(SINKISH, BASE, {"sid": SID, "description": None})
    assert request.params == ()
    with pytest.raises(ValidationError) as unknown:
        build_request(SINKISH, BASE, {"sid": SID, "descriptoin": "x"})
    assert unknown.value.field == "descriptoin"
    assert "description" in str(unknown.value)  # the known names are listed
    with pytest.raises(ValidationError) as missing:
        build_request(SINKISH, BASE, {})
    assert missing.value.field == "sid"


def test_build_request_quotes_path_values_and_json_bodies() -> None:
    endpoint = Endpoint(
        "PUT",
        "monitor",
        "/v1/Types/{type}",
        None,
        {"type": path(text()), "doc": json_body(lambda f, v: v)},
    )
    request = build_request(endpoint, BASE, {"type": "a/b c", "doc": {"enabled": False}})
    assert request.url == f"{BASE}/v1/Types/a%2Fb%20c"
    assert request.body == b'{"enabled":false}'
    assert ("Content-Type", "application/json") in request.headers


@pytest.mark.parametrize(
    ("value", "message"),
    [("DG123", "not a valid SID"), (42, "must be a SID string"), ("NO" + "0" * 32, "DG followed")],
)
def test_sid_validation_names_the_field(value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        build_request(SINKISH, BASE, {"sid": value})
    assert caught.value.field == "sid"
    assert isinstance(caught.value, ValueError)


def test_plain_post_is_not_idempotent_but_get_put_delete_are() -> None:
    assert not Request("POST", BASE).idempotent
    assert all(Request(m, BASE).idempotent for m in ("GET", "PUT", "DELETE"))


def test_display_url_includes_query_and_no_user_info() -> None:
    request = Request(
        "GET", "https://user:pw@monitor.twilio.com/v1/Alerts", params=(("PageSize", "5"),)
    )
    assert request.display_url == "https://monitor.twilio.com/v1/Alerts?PageSize=5"
    assert redact_url("https://a:b@x.example/p") == "https://x.example/p"


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, AuthenticationError),
        (404, NotFoundError),
        (409, ConflictError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
        (418, ApiError),
    ],
)
def test_error_for_maps_status_to_class(status: int, cls: type[ApiError]) -> None:
    body = orjson.dumps(
        {"code": 20404, "message": "nope", "more_info": "https://e/20404", "status": status}
    )
    error = error_for(status, body, "GET", f"{BASE}/v1/Alerts/NO1")
    assert type(error) is cls
    assert (error.status, error.code, error.message, error.more_info) == (
        status,
        20404,
        "nope",
        "https://e/20404",
    )
    assert error.method == "GET" and error.url == f"{BASE}/v1/Alerts/NO1"
    assert "20404" in str(error) and "nope" in str(error) and "GET" in str(error)


def test_error_for_understands_v2_statuspage_and_non_json_bodies() -> None:
    v2 = error_for(
        400,
        b'{"message":"bad name","code":"20001","user_error":true,"http_status_code":400}',
        "POST",
        BASE,
    )
    assert (v2.code, v2.message) == (20001, "bad name")
    statuspage = error_for(422, b'{"error":"email is invalid"}', "POST", BASE)
    assert statuspage.message == "email is invalid" and statuspage.code is None
    html = error_for(502, b"<html>Bad Gateway</html>", "GET", BASE)
    assert isinstance(html, ServerError) and html.message == "<html>Bad Gateway</html>"
    empty = error_for(500, b"", "GET", BASE)
    assert empty.message is None


def test_retry_after_parses_seconds_and_http_dates() -> None:
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("0.25") == 0.25
    assert retry_after_seconds("-4") == 0.0
    now = datetime(2026, 11, 23, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("Mon, 23 Nov 2026 12:00:30 GMT", now=now) == 30.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("nan") is None


def test_parse_page_v1_meta_style() -> None:
    data = {
        "alerts": [{"sid": "NO1"}],
        "meta": {
            "page": 2,
            "page_size": 1,
            "key": "alerts",
            "url": f"{BASE}/v1/Alerts?Page=2",
            "first_page_url": f"{BASE}/v1/Alerts?Page=0",
            "previous_page_url": f"{BASE}/v1/Alerts?Page=1",
            "next_page_url": f"{BASE}/v1/Alerts?Page=3&PageToken=PANO1",
        },
    }
    records, meta = parse_page(data, "alerts", BASE, BASE)
    assert records == [{"sid": "NO1"}]
    assert (meta.page, meta.page_size, meta.key) == (2, 1, "alerts")
    assert meta.next_page_url == f"{BASE}/v1/Alerts?Page=3&PageToken=PANO1"
    assert meta.previous_page_url == f"{BASE}/v1/Alerts?Page=1"


def test_parse_page_api2010_uri_style_resolves_relative_links() -> None:
    api = "https://api.twilio.com"
    data = {
        "notifications": [],
        "page": 1,
        "page_size": 50,
        "start": 50,
        "end": 99,
        "uri": "/2010-04-01/Accounts/AC1/Notifications.json?PageSize=50&Page=1",
        "first_page_uri": "/2010-04-01/Accounts/AC1/Notifications.json?PageSize=50&Page=0",
        "previous_page_uri": None,
        "next_page_uri": "/2010-04-01/Accounts/AC1/Notifications.json?PageSize=50&Page=2&PageToken=PANO2",
    }
    _, meta = parse_page(data, "notifications", api, api)
    assert (
        meta.next_page_url
        == f"{api}/2010-04-01/Accounts/AC1/Notifications.json?PageSize=50&Page=2&PageToken=PANO2"
    )
    assert (
        meta.first_page_url
        == f"{api}/2010-04-01/Accounts/AC1/Notifications.json?PageSize=50&Page=0"
    )
    assert (meta.start, meta.end, meta.page, meta.previous_page_url) == (50, 99, 1, None)


@pytest.mark.parametrize("data", [[], {"meta": {}}, {"alerts": {"sid": "x"}, "meta": {}}, "text"])
def test_parse_page_refuses_unexpected_shapes(data: object) -> None:
    with pytest.raises(DecodeError):
        parse_page(data, "alerts", BASE, BASE)


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example.com/v1/Alerts?Page=1",
        "http://monitor.twilio.com/v1/Alerts?Page=1",
        "https://monitor.twilio.com:8443/v1/Alerts",
        "https://user:pw@monitor.twilio.com/v1/Alerts",
        "//evil.example.com/v1/Alerts",
        "v1/Alerts?Page=1",
        "",
        42,
        None,
    ],
)
def test_resolve_page_link_refuses_other_hosts_schemes_and_garbage(link: object) -> None:
    with pytest.raises(PagingError):
        resolve_page_link(link, BASE)


TWILIO_FORMS = [
    "https://monitor.twilio.com",
    "https://monitor.us1.twilio.com",
    "https://monitor.sydney.au1.twilio.com",
]


@pytest.mark.parametrize("origin", TWILIO_FORMS)
@pytest.mark.parametrize("base", ["http://127.0.0.1:8080", *TWILIO_FORMS])
def test_links_on_the_products_twilio_host_go_to_the_base(origin: str, base: str) -> None:
    link = f"{origin}/v1/Alerts?PageSize=5&Page=1&PageToken=PA1"
    assert (
        resolve_page_link(link, base, "monitor")
        == f"{base}/v1/Alerts?PageSize=5&Page=1&PageToken=PA1"
    )


@pytest.mark.parametrize(
    "link",
    [
        "https://events.twilio.com/v1/Alerts",  # another product
        "https://monitor.twilio.com:8443/v1/Alerts",  # a port
        "http://monitor.twilio.com/v1/Alerts",  # not https
        "https://x.y.z.monitor.twilio.com/v1/Alerts",
        "https://monitor.twilio.com.evil.example.com/v1/Alerts",
        "https://monitor.a.b.c.twilio.com/v1/Alerts",  # more labels than edge and region
    ],
)
def test_links_on_other_twilio_hosts_are_refused(link: str) -> None:
    with pytest.raises(PagingError):
        resolve_page_link(link, "http://127.0.0.1:8080", "monitor")
    with pytest.raises(PagingError):  # and without a Twilio domain, no host is rewritten
        resolve_page_link("https://monitor.twilio.com/v1/Alerts", "http://127.0.0.1:8080")


def test_parse_page_keeps_a_foreign_link_for_following_to_refuse() -> None:
    doc = {"alerts": [], "meta": {"next_page_url": "https://evil.example.com/v1/Alerts"}}
    _, meta = parse_page(doc, "alerts", BASE, BASE)
    assert meta.next_page_url == "https://evil.example.com/v1/Alerts"
    _, meta = parse_page(
        {"notifications": [], "next_page_uri": "/2010-04-01/N?Page=1"}, "notifications", BASE, BASE
    )
    assert meta.next_page_url == f"{BASE}/2010-04-01/N?Page=1"


def test_retry_after_of_hostile_values() -> None:
    now = datetime(2026, 11, 23, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("inf") == float("inf")
    assert retry_after_seconds("-inf") == 0.0
    assert retry_after_seconds("Fri, 31 Dec 9999 23:59:59 GMT", now=now) > 2e11


def test_error_text_has_credentials_scrubbed_and_is_cut_short() -> None:
    import base64

    token = "hostile-test-token-1234"
    basic = base64.b64encode(f"AC{'1' * 32}:{token}".encode()).decode()
    request = Request("GET", f"{BASE}/v1/Alerts", headers=(("Authorization", f"Basic {basic}"),))
    body = orjson.dumps({"message": f"you sent Basic {basic} = AC{'1' * 32}:{token} " + "x" * 9000})
    with pytest.raises(ApiError) as caught:
        decipher(request, Response(400, {}, body, f"{BASE}/v1/Alerts"))
    text = str(caught.value)
    assert token not in text and basic not in text and "<redacted>" in text
    assert len(caught.value.message or "") < 600
    with pytest.raises(DecodeError) as undecodable:  # a body that is not JSON, echoing it
        decipher(request, Response(200, {}, f"oops {token}".encode(), f"{BASE}/v1/Alerts"))
    assert token not in str(undecodable.value)


def test_resolve_page_link_accepts_same_origin_and_relative() -> None:
    assert resolve_page_link(f"{BASE}/v1/Alerts?Page=1", BASE) == f"{BASE}/v1/Alerts?Page=1"
    assert resolve_page_link("/v1/Alerts?Page=1", BASE) == f"{BASE}/v1/Alerts?Page=1"


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://proxy.example.com/", True),
        ("http://127.0.0.1:8080", True),
        ("http://localhost:1", True),
        ("http://[::1]:9", True),
        ("http://127.0.0.2", True),
        ("http://anything.localhost", False),  # resolved through DNS: not loopback by name
        ("http://monitor.example.com", False),
        ("https://u:p@proxy.example.com", False),
        ("ftp://127.0.0.1", False),
        ("https://proxy.example.com/?a=1", False),
        ("not a url", False),
    ],
)
def test_check_base_url(url: str, ok: bool) -> None:
    if ok:
        assert check_base_url("monitor", url) == url.rstrip("/")
    else:
        with pytest.raises(ValidationError) as caught:
            check_base_url("monitor", url)
        assert caught.value.field == "base_urls['monitor']"


def test_instant_and_date_encoders() -> None:
    from datetime import date

    from twilio_monitor_async._endpoints import date_only

    assert instant("d", datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05Z"  # naive = UTC
    assert instant("d", date(2026, 1, 2)) == "2026-01-02"
    assert instant("d", "2026-01-02T03:04:05+01:00") == "2026-01-02T02:04:05Z"
    assert instant("d", "2026-01-02") == "2026-01-02"
    assert (
        date_only("d", datetime(2026, 1, 2, 23, 0, tzinfo=timezone(timedelta(hours=-3))))
        == "2026-01-03"
    )
    for bad in ("yesterday", 20260102, ["2026-01-02"]):
        with pytest.raises(ValidationError) as caught:
            instant("start_date", bad)
        assert caught.value.field == "start_date"
