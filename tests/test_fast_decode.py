"""The fast page decoder gives exactly the records the converter gives, for every record type.

Hypothesis builds pages of wire records for each record class under ``models``: values of the
right kind in every wire form the APIs use (ISO 8601 / RFC 2822 / epoch dates, enum values known
and unknown, numbers as text), mixed with odd ones (wrong types, empty strings, nulls). For each
page either the fast path refuses it (then the ordinary path decides, as before), or the ordinary
path decodes it too and both give equal records, field by field, down to the value types and UTC
offsets. Pages of plausible records must be taken by the fast path, or it would be dead code.
"""

from __future__ import annotations

import enum
import pickle
import types
import typing
from datetime import date, datetime, timedelta, timezone
from typing import Any

import attrs
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twilio_monitor_async.models import alarms, events_v1, monitor, notifications
from twilio_monitor_async.models import status_page as status_models
from twilio_monitor_async.models.converter import (
    _camel,
    _recent_dates,
    camel_case_records,
    structure_many,
)
from twilio_monitor_async.models.fast_decode import DecodedPage, page_decoder

# Odd values make the converter warn (once per field): expected here, not the subject.
pytestmark = pytest.mark.filterwarnings("ignore::twilio_monitor_async.DecodeWarning")

MODULES = (monitor, events_v1, notifications, alarms, status_models)
RECORDS = sorted(
    {
        obj
        for module in MODULES
        for obj in vars(module).values()
        if isinstance(obj, type) and attrs.has(obj) and obj.__module__ == module.__name__
    },
    key=lambda cls: cls.__qualname__,
)
SERVED = [
    cls for cls in RECORDS if all(f.default in (None, attrs.NOTHING) for f in attrs.fields(cls))
]

_moments = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2060, 1, 1), timezones=st.just(timezone.utc)
).map(lambda d: d.replace(microsecond=0))
_fractions = st.text("0123456789", min_size=1, max_size=9)
dates = st.one_of(
    _moments.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")),
    _moments.map(lambda d: d.astimezone(timezone(timedelta(hours=5, minutes=30))).isoformat()),
    # fractions of any length (past six digits they are rounded), other offsets and spellings
    st.builds(
        lambda d, fraction, zone: d.strftime("%Y-%m-%dT%H:%M:%S.") + fraction + zone,
        _moments,
        _fractions,
        st.sampled_from(["Z", "z", "+00:00", "-00:00", "+01:00", "-09:30", "+0530", ""]),
    ),
    _moments.map(lambda d: d.strftime("%Y-%m-%d %H:%M:%Sz")),
    _moments.map(lambda d: d.strftime("%a, %d %b %Y %H:%M:%S +0000")),
    _moments.map(lambda d: int(d.timestamp() * 1000)),
    st.sampled_from(["", "yesterday", "2015-07-30", "2015-07-30T20:00:00"]),
)
texts = st.one_of(st.text(max_size=12), st.sampled_from(["", "error", "0", "11200"]))
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    texts,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _parts(tp: Any) -> list[Any]:
    if typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(tp) if a is not type(None)]
    return [tp]


def wire_value(tp: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Plausible values for a field of type ``tp``, plus nulls and odd ones now and then."""
    parts = _parts(tp)
    enums = [p for p in parts if isinstance(p, type) and issubclass(p, enum.Enum)]
    first = parts[0] if parts else Any
    if enums:
        known = [m.value for e in enums for m in e]
        plausible: st.SearchStrategy[Any] = st.one_of(
            st.sampled_from(known), st.sampled_from(known).map(str), texts
        )
    elif first in (datetime, date):
        plausible = dates
    elif first is str:
        plausible = st.one_of(texts, st.integers(-99, 99))
    elif first is int:
        plausible = st.one_of(st.integers(-(2**40), 2**40), st.sampled_from(["7", "-3", 2.0]))
    elif first is bool:
        plausible = st.one_of(st.booleans(), st.sampled_from(["true", "false", 0, 1]))
    elif attrs.has(first):
        plausible = wire_record(first, depth + 1) if depth < 2 else st.none()
    elif typing.get_origin(first) is tuple:
        item = typing.get_args(first)[0]
        plausible = st.lists(wire_value(item, depth + 1), max_size=3)
    elif typing.get_origin(first) is dict:
        plausible = st.dictionaries(st.text(max_size=5), texts, max_size=3)
    else:
        plausible = json_values
    return st.one_of(plausible, plausible, plausible, st.none(), json_values)


def wire_record(cls: type[Any], depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    attrs.resolve_types(cls)
    camel = cls in camel_case_records
    fields = {
        (_camel(f.name) if camel else f.name): wire_value(f.type, depth) for f in attrs.fields(cls)
    }
    return st.fixed_dictionaries({}, optional=fields)


class _Refused(Exception):
    """What ``make_records`` raises (through ``fail``) for a record the converter refuses."""


def _made(page: DecodedPage | None, key: str) -> list[Any]:
    """The records of a page the fast path took, made one by one as a stream makes them."""
    assert page is not None, "the fast path refused the page"
    return list(page.make_records(page.document[key], _Refused))


def _same(fast: Any, slow: Any) -> bool:
    if type(fast) is not type(slow):
        return False
    if isinstance(fast, datetime):
        return fast == slow and fast.utcoffset() == slow.utcoffset()
    if attrs.has(type(fast)):
        return all(
            _same(getattr(fast, f.name), getattr(slow, f.name)) for f in attrs.fields(type(fast))
        )
    if isinstance(fast, tuple | list):
        return len(fast) == len(slow) and all(map(_same, fast, slow))
    return bool(fast == slow)


#: The records of every paged list (the status page is not paged).
PAGED = [
    monitor.Alert,
    monitor.Event,
    alarms.Alarm,
    events_v1.EventType,
    events_v1.SchemaVersion,
    events_v1.Sink,
    events_v1.Subscription,
    events_v1.SubscribedEvent,
    notifications.Notification,
]


def test_records_with_non_null_defaults_are_left_to_the_converter() -> None:
    # every record of every paged list is served
    assert set(PAGED) <= set(SERVED)
    for cls in RECORDS:
        assert (page_decoder(cls, "items") is not None) == (cls in SERVED), cls


@pytest.mark.parametrize("cls", SERVED, ids=lambda cls: cls.__qualname__)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_both_paths_give_identical_records(cls: type[Any], data: st.DataObject) -> None:
    records = data.draw(st.lists(wire_record(cls), min_size=1, max_size=4))
    meta = {"next_page_url": None, "key": "items", "page": 0, "page_size": 50}
    body = orjson.dumps({"items": records, "meta": meta, "page": 3})
    fast = page_decoder(cls, "items").decode(body)  # type: ignore[union-attr]
    try:
        slow: list[Any] | Exception = structure_many(orjson.loads(body)["items"], cls)
    except Exception as error:
        slow = error
    if fast is None:
        return  # refused: the ordinary path decides, as it always did
    assert fast.document["meta"] == meta
    try:
        made: list[Any] | Exception = _made(fast, "items")
    except _Refused as refused:
        made = refused
    if isinstance(slow, Exception):  # a record nobody can decode: refused on both paths
        assert isinstance(made, _Refused), f"fast path decoded what the converter refuses: {slow!r}"
        assert type(made.args[0]) is type(slow)
        return
    assert not isinstance(made, Exception), made
    assert _same(made, slow)
    assert fast.document["page"] == 3


@pytest.mark.parametrize("cls", PAGED, ids=lambda cls: cls.__qualname__)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_plausible_pages_take_the_fast_path(cls: type[Any], data: st.DataObject) -> None:
    # Records as the APIs send them: text is text, dates ISO (or RFC 2822), enums known.
    attrs.resolve_types(cls)
    record: dict[str, Any] = {}
    for field in attrs.fields(cls):
        parts = _parts(field.type)
        first = parts[0] if parts else Any
        name = _camel(field.name) if cls in camel_case_records else field.name
        if first is str:
            record[name] = data.draw(st.text(max_size=8))
        elif first is datetime:
            record[name] = data.draw(_moments).strftime("%Y-%m-%dT%H:%M:%SZ")
        elif any(isinstance(p, type) and issubclass(p, enum.Enum) for p in parts):
            record[name] = data.draw(st.sampled_from([m.value for m in parts[0]]))
        else:
            record[name] = None
    body = orjson.dumps({"items": [record, record]})
    fast = page_decoder(cls, "items").decode(body)  # type: ignore[union-attr]
    assert _same(_made(fast, "items"), structure_many([record, record], cls))


def _date_fields(cls: type[Any]) -> list[str]:
    attrs.resolve_types(cls)
    return [f.name for f in attrs.fields(cls) if datetime in _parts(f.type)]


def _spellings(moment: datetime) -> list[str]:
    """One moment as the APIs (and odd servers) may write it."""
    plus_0530 = moment.astimezone(timezone(timedelta(hours=5, minutes=30)))
    return [
        moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "1Z",  # seven digits: rounded
        moment.strftime("%Y-%m-%d %H:%M:%S.%f") + "9+00:00",
        moment.strftime("%Y-%m-%dt%H:%M:%Sz"),
        plus_0530.isoformat(),  # the same instant at another offset
        plus_0530.strftime("%Y-%m-%dT%H:%M:%S%z"),
        moment.strftime("%Y-%m-%dT%H:%M:%S"),  # naive: UTC
        moment.strftime("%a, %d %b %Y %H:%M:%S +0000"),
        "",
    ]


@pytest.mark.parametrize(
    "cls", [cls for cls in PAGED if _date_fields(cls)], ids=lambda cls: cls.__qualname__
)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_dates_read_alike_on_both_paths(cls: type[Any], data: st.DataObject) -> None:
    # Only dates vary, so the fast path must take every page: moments repeat across fields and
    # records (equal dates are shared) in every spelling, the same instant at other offsets.
    moments = data.draw(st.lists(_moments, min_size=1, max_size=2))
    spelled = st.sampled_from(moments).flatmap(lambda m: st.sampled_from(_spellings(m)))
    wire = _camel if cls in camel_case_records else (lambda name: name)
    required = {
        wire(f.name): st.just("X1") for f in attrs.fields(cls) if f.default is attrs.NOTHING
    }
    records = data.draw(
        st.lists(
            st.fixed_dictionaries(
                {**required, **{wire(name): spelled for name in _date_fields(cls)}}
            ),
            min_size=1,
            max_size=4,
        )
    )
    fast = page_decoder(cls, "items").decode(orjson.dumps({"items": records}))  # type: ignore[union-attr]
    assert _same(_made(fast, "items"), structure_many(records, cls))


def test_iso_dates_are_read_by_msgspec_and_equal_dates_share_one_object() -> None:
    decoder = page_decoder(monitor.Alert, "alerts")
    assert decoder is not None
    _recent_dates.clear()
    when = "2031-05-06T07:08:09Z"
    records = [{"sid": f"NO{i}", "date_created": when, "date_updated": when} for i in range(3)]
    page = decoder.decode(orjson.dumps({"alerts": records}))
    assert page is not None
    # parsed as the page was read (msgspec), not one by one through the converter's memory
    assert when not in _recent_dates
    alerts = _made(page, "alerts")
    assert alerts == structure_many(records, monitor.Alert)
    assert type(alerts[0]) is monitor.Alert  # made on a private subclass, then turned into one
    assert pickle.loads(pickle.dumps(alerts[0])) == alerts[0]
    assert hash(alerts[0]) == hash(structure_many(records, monitor.Alert)[0])
    assert len({id(getattr(a, f)) for a in alerts for f in ("date_created", "date_updated")}) == 1


def test_rfc2822_dates_still_take_the_fast_path() -> None:
    decoder = page_decoder(notifications.Notification, "notifications")
    assert decoder is not None
    record = {"sid": "NO1", "date_created": "Thu, 30 Apr 2015 16:47:33 +0000", "log": "0"}
    page = decoder.decode(orjson.dumps({"notifications": [record], "start": 0}))
    assert page is not None  # msgspec refuses the dates as RFC 3339, then reads them as text
    made = _made(page, "notifications")
    assert made == structure_many([record], notifications.Notification)
    assert made[0].date_created == datetime(2015, 4, 30, 16, 47, 33, tzinfo=timezone.utc)


def test_a_record_a_hook_refuses_is_decoded_by_the_converter_alone() -> None:
    decoder = page_decoder(monitor.Event, "events")
    assert decoder is not None
    records = [
        {"sid": "AE1", "links": {"self": "https://x"}},
        {"sid": "AE2", "links": "not an object", "event_type": "a.b"},
        {"sid": "AE3", "event_date": "2031-05-06T07:08:09Z"},
    ]
    page = decoder.decode(orjson.dumps({"events": records}))
    assert page is not None  # msgspec reads ``links`` as plain JSON: the page is taken
    made = _made(page, "events")
    assert made == structure_many(records, monitor.Event)
    assert made[1].links is None  # lenient, as on the converter's path
    assert made[1].event_type == "a.b"


@attrs.frozen
class _Counted:
    sid: str
    count: int


def test_a_record_nobody_can_decode_fails_when_it_is_reached() -> None:
    decoder = page_decoder(_Counted, "items")
    assert decoder is not None
    page = decoder.decode(
        orjson.dumps({"items": [{"sid": "A", "count": 1}, {"sid": "B", "count": "x"}]})
    )
    assert page is not None
    made = page.make_records(page.document["items"], _Refused)
    assert next(made) == _Counted("A", 1)  # made before the bad one is reached
    with pytest.raises(_Refused) as refused:
        next(made)
    assert isinstance(refused.value.args[0], TypeError)


def test_a_page_that_is_not_a_page_is_refused() -> None:
    decoder = page_decoder(monitor.Alert, "alerts")
    assert decoder is not None
    for body in (b"", b"[]", b'{"alerts": null}', b'{"alerts": [1]}', b'{"alerts": [', b"nope"):
        assert decoder.decode(body) is None
    page = decoder.decode(b'{"alerts": [{"sid": "NO1", "log_level": "fatal"}], "meta": {}}')
    assert page is not None
    assert _made(page, "alerts") == [monitor.Alert(sid="NO1", log_level="fatal")]
    assert "Alert" in repr(decoder)
