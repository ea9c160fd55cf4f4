"""Decoding of Monitor v1 records: every field, nulls, unknown fields and values, date formats."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from twilio_monitor_async import Alert, AlertInstance, Event, LogLevel
from twilio_monitor_async.models import converter, parse_datetime

UTC = timezone.utc

# The spec's own examples (monitor v1 OpenAPI), plus a field the spec does not know.
ALERT_INSTANCE = {
    "account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "alert_text": "alert_text",
    "api_version": "2010-04-01",
    "date_created": "2015-07-30T20:00:00Z",
    "date_generated": "2015-07-30T19:59:58Z",
    "date_updated": "2015-07-30T20:00:01Z",
    "error_code": "11200",
    "log_level": "error",
    "more_info": "https://www.twilio.com/docs/errors/11200",
    "request_method": "GET",
    "request_url": "http://www.example.com",
    "request_variables": "request_variables",
    "resource_sid": "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "response_body": "response_body",
    "response_headers": "response_headers",
    "request_headers": "request_headers",
    "sid": "NOaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "url": "https://monitor.twilio.com/v1/Alerts/NOaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "service_sid": "PNe2cd757cd5257b0217a447933a0290d2",
    "brand_new_field": {"nested": [1, 2]},
}
EVENT = {
    "account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "actor_sid": "USaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "actor_type": "account",
    "description": None,
    "event_data": {"friendly_name": {"previous": "SubAccount Created", "updated": "Mr. Friendly"}},
    "event_date": "2014-10-03T16:48:25Z",
    "event_type": "account.updated",
    "links": {
        "actor": "https://api.twilio.com/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "resource": "https://api.twilio.com/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    },
    "resource_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "resource_type": "account",
    "sid": "AEaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "source": "api",
    "source_ip_address": "10.86.6.250",
    "url": "https://monitor.twilio.com/v1/Events/AEaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
}


def test_alert_instance_decodes_every_field() -> None:
    alert = converter.structure(ALERT_INSTANCE, AlertInstance)
    assert isinstance(alert, Alert)  # the instance view is an Alert with more detail
    assert alert.sid == "NOaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    assert alert.account_sid == "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    assert alert.alert_text == "alert_text"
    assert alert.api_version == "2010-04-01"
    assert alert.date_created == datetime(2015, 7, 30, 20, 0, 0, tzinfo=UTC)
    assert alert.date_generated == datetime(2015, 7, 30, 19, 59, 58, tzinfo=UTC)
    assert alert.date_updated == datetime(2015, 7, 30, 20, 0, 1, tzinfo=UTC)
    assert alert.error_code == "11200"
    assert alert.log_level is LogLevel.ERROR and alert.log_level == "error"
    assert alert.more_info == "https://www.twilio.com/docs/errors/11200"
    assert alert.request_method == "GET"
    assert alert.request_url == "http://www.example.com"
    assert alert.request_variables == "request_variables"
    assert alert.request_headers == "request_headers"
    assert alert.resource_sid == "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    assert alert.response_body == "response_body"
    assert alert.response_headers == "response_headers"
    assert alert.service_sid == "PNe2cd757cd5257b0217a447933a0290d2"
    assert alert.url == "https://monitor.twilio.com/v1/Alerts/NOaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"


def test_event_decodes_every_field() -> None:
    event = converter.structure(EVENT, Event)
    assert event.sid == "AEaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    assert event.account_sid == "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    assert event.actor_sid == "USaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    assert event.actor_type == "account"
    assert event.description is None
    assert event.event_data == {
        "friendly_name": {"previous": "SubAccount Created", "updated": "Mr. Friendly"}
    }
    assert event.event_date == datetime(2014, 10, 3, 16, 48, 25, tzinfo=UTC)
    assert event.event_type == "account.updated"
    assert event.links == EVENT["links"]
    assert event.resource_sid == "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    assert event.resource_type == "account"
    assert event.source == "api"
    assert event.source_ip_address == "10.86.6.250"
    assert event.url == EVENT["url"]


def test_all_nulls_and_missing_fields_decode_to_none() -> None:
    nulls = {name: None for name in ALERT_INSTANCE if name != "sid"}
    alert = converter.structure({"sid": "NO1", **nulls}, AlertInstance)
    fields = [a.name for a in AlertInstance.__attrs_attrs__ if a.name != "sid"]
    assert all(getattr(alert, name) is None for name in fields)
    assert converter.structure({"sid": "AE1"}, Event) == Event(sid="AE1")


def test_the_sid_is_always_there_so_a_record_without_one_does_not_decode() -> None:
    with pytest.raises(KeyError):
        converter.structure({"log_level": "error"}, Alert)
    with pytest.raises(TypeError):
        converter.structure({"sid": None}, Event)


def test_unknown_enum_value_stays_a_readable_string() -> None:
    alert = converter.structure({"sid": "NO1", "log_level": "critical"}, Alert)
    assert alert.log_level == "critical" and not isinstance(alert.log_level, LogLevel)


def test_error_codes_sent_as_numbers_become_text() -> None:
    assert converter.structure({"sid": "NO1", "error_code": 11200}, Alert).error_code == "11200"


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("2015-07-30T20:00:00Z", datetime(2015, 7, 30, 20, 0, tzinfo=UTC)),
        ("2015-07-30T20:00:00.123456Z", datetime(2015, 7, 30, 20, 0, 0, 123456, tzinfo=UTC)),
        # past six digits the fraction is rounded to the microsecond (msgspec's RFC 3339 rule,
        # which both page decoders share)
        ("2015-07-30T20:00:00.1234567Z", datetime(2015, 7, 30, 20, 0, 0, 123457, tzinfo=UTC)),
        ("2015-07-30T20:00:00.9999996Z", datetime(2015, 7, 30, 20, 0, 1, tzinfo=UTC)),
        ("2015-07-30 20:00:00z", datetime(2015, 7, 30, 20, 0, tzinfo=UTC)),
        ("2015-07-30T22:00:00+02:00", datetime(2015, 7, 30, 20, 0, tzinfo=UTC)),
        ("2015-07-30T20:00:00", datetime(2015, 7, 30, 20, 0, tzinfo=UTC)),
        ("2015-07-30", datetime(2015, 7, 30, tzinfo=UTC)),
        ("Thu, 30 Apr 2015 16:47:33 +0000", datetime(2015, 4, 30, 16, 47, 33, tzinfo=UTC)),
        ("Thu, 30 Apr 2015 18:47:33 +0200", datetime(2015, 4, 30, 16, 47, 33, tzinfo=UTC)),
        (1438286400000, datetime(2015, 7, 30, 20, 0, tzinfo=UTC)),
        (1438286400, datetime(2015, 7, 30, 20, 0, tzinfo=UTC)),
        ("1438286400000", datetime(2015, 7, 30, 20, 0, tzinfo=UTC)),
    ],
)
def test_dates_are_timezone_aware_whatever_the_wire_format(
    wire: object, expected: datetime
) -> None:
    parsed = parse_datetime(wire)
    assert parsed == expected
    assert parsed.tzinfo is not None
    assert converter.structure({"sid": "NO1", "date_created": wire}, Alert).date_created == expected


@pytest.mark.parametrize("bad", ["not a date", True, [2015], {"y": 2015}])
def test_bad_dates_are_refused(bad: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        parse_datetime(bad)


def test_records_are_frozen_and_slotted() -> None:
    alert = Alert(sid="NO1")
    with pytest.raises(AttributeError):
        alert.sid = "NO2"  # type: ignore[misc]
    assert not hasattr(alert, "__dict__")


def test_repeated_text_and_dates_are_shared_between_records() -> None:
    """list() of many alerts keeps one copy of an account SID or a date, not one per record."""
    import orjson

    from twilio_monitor_async.models.converter import structure_many

    body = orjson.dumps(
        [
            {
                "sid": f"NO{i:032x}",
                "account_sid": "AC" + "1" * 32,
                "error_code": "11200",
                "date_created": "2026-11-20T12:00:00Z",
                "date_updated": "2026-11-20T12:00:00Z",
            }
            for i in range(3)
        ]
    )
    first, second, third = structure_many(orjson.loads(body), Alert)
    assert first.account_sid is second.account_sid is third.account_sid
    assert first.error_code is third.error_code
    assert first.date_created is first.date_updated is second.date_created
    assert first.sid is not second.sid  # unique values are not interned
    assert first.date_created == datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
