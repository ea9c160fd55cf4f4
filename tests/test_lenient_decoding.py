"""Odd values real servers send: blank dates, undecodable optional values, published fields.

One odd record never loses its page: ``""`` in a date is None, and a value that cannot be
decoded in an optional field is None with one ``DecodeWarning`` per record type and field.
"""

from __future__ import annotations

import warnings
from datetime import date, datetime, timezone

import pytest

from twilio_monitor_async import (
    Alarm,
    Alert,
    DecodeError,
    DecodeWarning,
    Notification,
    StatusPageList,
    TwilioMonitorClient,
)
from twilio_monitor_async.models.converter import converter
from twilio_monitor_async.models.status_page import StatusComponent
from twilio_monitor_async.testing import FakeTwilio

pytestmark = pytest.mark.usefixtures("fresh_decode_warnings")


def decode_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return sorted(str(w.message).split(":")[0] for w in caught if w.category is DecodeWarning)


async def odd_alerts_listed(
    fake: FakeTwilio, client: TwilioMonitorClient, oddity: str, *, page_sizes: tuple[int, ...]
) -> tuple[list[tuple[dict[str, object], Alert]], list[str]]:
    """Five alerts with ``oddity`` added, the whole list read once per page size (every record
    kept each time), and the DecodeWarnings given meanwhile."""
    odd = [fake.state.add_odd_alert(oddity) for _ in range(5)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for page_size in page_sizes:
            alerts = await client.alerts.list(page_size=page_size)
            assert len(alerts) == len(fake.state.collections["alerts"])
    by_sid = {a.sid: a for a in alerts}
    return [(record, by_sid[str(record["sid"])]) for record in odd], decode_warnings(caught)


async def test_blank_dates_are_none_and_the_page_is_kept(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    odd, warned = await odd_alerts_listed(fake, fake_client, "blank_dates", page_sizes=(1000,))
    for record, alert in odd:
        assert (alert.date_generated, alert.date_created, alert.date_updated) == (None,) * 3
        assert alert.error_code == record["error_code"]  # the rest of the record is intact
    assert warned == []  # a blank date is "no date", not an error


async def test_an_undecodable_optional_value_is_none_with_one_warning_per_field(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    odd, warned = await odd_alerts_listed(fake, fake_client, "undecodable", page_sizes=(1000, 2))
    for record, alert in odd:
        assert (alert.error_code, alert.more_info, alert.date_updated) == (None, None, None)
        assert alert.log_level == record["log_level"]
        assert alert.date_generated is not None
    # Five odd records, read in one page and in many: one warning per field, not one per record
    # or per page.
    assert warned == ["Alert.date_updated", "Alert.error_code", "Alert.more_info"]

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        instance = await fake_client.alerts.fetch(str(odd[0][0]["sid"]))
    assert instance.error_code is None and instance.sid == odd[0][0]["sid"]
    assert decode_warnings(caught) == [  # another record type: its own warnings, once
        "AlertInstance.date_updated",
        "AlertInstance.error_code",
        "AlertInstance.more_info",
    ]


async def test_a_warnings_filter_can_make_odd_values_fail_instead(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    fake.state.add_odd_alert("undecodable")
    with warnings.catch_warnings():
        warnings.simplefilter("error", DecodeWarning)
        with pytest.raises(DecodeError, match="Alert"):
            await fake_client.alerts.list()


async def test_one_odd_component_does_not_blind_the_status_page(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    page = fake.state.status_page
    odd = page.components[3]
    odd.update(updated_at="", created_at="  ", start_date="", position="third")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        summary = await fake_client.status_page.summary()
        components = await fake_client.status_page.components()
    assert len(summary.components) == len(components) == len(page.components)
    decoded = summary.component(odd["id"])
    assert (decoded.updated_at, decoded.created_at, decoded.start_date) == (None, None, None)
    assert decoded.position is None and decoded.name == odd["name"]
    assert decode_warnings(caught) == ["StatusComponent.position"]


def test_every_date_form_takes_blanks_and_the_camel_case_records_are_lenient_too() -> None:
    notification = converter.structure(
        {
            "sid": "NO" + "0" * 32,
            "date_created": "",
            "message_date": "Thu, 30 Apr 2015 16:47:33 +0000",
        },
        Notification,
    )
    assert notification.date_created is None
    assert notification.message_date == datetime(2015, 4, 30, 16, 47, 33, tzinfo=timezone.utc)
    assert converter.structure({"start_date": " "}, StatusComponent).start_date is None
    assert converter.structure({"start_date": "2020-01-02"}, StatusComponent).start_date == date(
        2020, 1, 2
    )
    with pytest.warns(DecodeWarning, match="Alarm.trigger_value"):
        alarm = converter.structure(
            {"sid": "AK1", "dateCreated": "", "triggerValue": "many", "friendlyName": "x"}, Alarm
        )
    assert (alarm.sid, alarm.date_created, alarm.trigger_value) == ("AK1", None, None)
    assert alarm.friendly_name == "x"
    # A required (non-optional) date has no None to give: "" there stays an error. No record
    # type has one; a caller's own attrs class decoded by this converter would.
    with pytest.raises(ValueError, match="unrecognised date"):
        converter.structure("", datetime)


async def test_published_fields_are_kept(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    types = await fake_client.event_types.list(limit=3)
    assert [t.public for t in types] == [True, True, True]
    schema_id = types[0].schema_id
    assert schema_id is not None
    versions = await fake_client.schemas.versions(schema_id).list()
    assert versions and all(v.public is True for v in versions)

    page = fake.state.status_page
    incident = page.open_incident("Delayed SMS", components=[page.leaves()[0]["id"]])
    update = incident["incident_updates"][0]
    update.update(custom_tweet="We are looking into SMS delays", tweet_id=1234567890123456789)
    (served,) = [i for i in await fake_client.status_page.incidents() if i.id == incident["id"]]
    assert served.reminder_intervals == (3, 6, 12, 24)
    assert served.incident_updates[0].custom_tweet == "We are looking into SMS delays"
    assert served.incident_updates[0].tweet_id == "1234567890123456789"  # exact, as text
    incident["reminder_intervals"] = [1, 2]
    (served,) = await fake_client.status_page.incidents(unresolved=True)
    assert served.reminder_intervals == (1, 2)


async def test_status_page_lists_carry_the_page_block(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    served = fake.state.status_page.page
    status = fake_client.status_page
    for listing in (
        await status.components(),
        await status.incidents(),
        await status.incidents(unresolved=True),
        await status.scheduled_maintenances(),
        await status.scheduled_maintenances("upcoming"),
    ):
        assert isinstance(listing, StatusPageList) and isinstance(listing, list)
        assert listing == list(listing)  # still compares, slices and iterates as a list
        assert listing.page is not None
        assert (listing.page.id, listing.page.name, listing.page.url) == (
            served["id"],
            served["name"],
            served["url"],
        )
    components = await status.components()
    assert components[:2] == list(components)[:2]
    assert components.page is not None and components.page.updated_at is not None
