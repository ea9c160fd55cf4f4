"""The generated record decoder: same leniency as cattrs' own, for every kind of field default."""

from __future__ import annotations

from datetime import datetime, timezone

import attrs
import pytest

from twilio_monitor_async.models import Alert, LogLevel
from twilio_monitor_async.models.converter import converter, structure_many


@attrs.frozen
class Inner:
    a: int = 1


@attrs.frozen
class Outer:
    name: str
    tags: list[str] = attrs.Factory(list)
    inner: Inner | None = None
    count: int = 5
    note: str | None = attrs.field(default=None, kw_only=True)


def test_alert_fields_decode_leniently() -> None:
    raw = {
        "sid": "NO" + "a" * 32,
        "date_created": "2015-07-30T20:00:00Z",
        "date_generated": 1438286400000,
        "date_updated": "Thu, 30 Apr 2015 16:47:33 +0000",
        "error_code": 11200,
        "log_level": "catastrophic",
        "more_info": None,
        "brand_new_field": {"x": 1},
    }
    (alert,) = structure_many([raw], Alert)
    utc = timezone.utc
    assert alert == Alert(
        sid="NO" + "a" * 32,
        date_created=datetime(2015, 7, 30, 20, 0, tzinfo=utc),
        date_generated=datetime(2015, 7, 30, 20, 0, tzinfo=utc),
        date_updated=datetime(2015, 4, 30, 16, 47, 33, tzinfo=utc),
        error_code="11200",
        log_level="catastrophic",
    )
    assert (
        converter.structure({"sid": "NO1", "log_level": "error"}, Alert).log_level is LogLevel.ERROR
    )
    offset = converter.structure({"sid": "NO1", "date_created": "2015-07-30T20:00:00+02:00"}, Alert)
    assert offset.date_created == datetime(2015, 7, 30, 18, 0, tzinfo=utc)
    naive = converter.structure({"sid": "NO1", "date_created": "2015-07-30T20:00:00"}, Alert)
    assert naive.date_created == datetime(2015, 7, 30, 20, 0, tzinfo=utc)


def test_defaults_required_fields_nested_records_and_keyword_only_fields() -> None:
    decoded = converter.structure({"name": "x", "inner": {"a": "3"}, "note": 4, "junk": 1}, Outer)
    assert decoded == Outer("x", [], Inner(3), 5, note="4")
    assert converter.structure(
        {"name": "y", "tags": ["t"], "count": "7", "inner": None}, Outer
    ) == (Outer("y", ["t"], None, 7))
    first, second = (
        converter.structure({"name": "a"}, Outer),
        converter.structure({"name": "b"}, Outer),
    )
    assert first.tags is not second.tags  # a Factory default is called per record
    with pytest.raises(KeyError):
        converter.structure({}, Outer)
    with pytest.raises(TypeError):  # a required field has no default to fall back on
        converter.structure({"name": {"not": "text"}}, Outer)
