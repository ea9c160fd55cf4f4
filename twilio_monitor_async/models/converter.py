"""The one cattrs converter: every rule for turning wire JSON into records, and back, lives here.

Decoding is lenient on purpose (Twilio adds fields, widens enums and sends nulls where the docs
say otherwise): unknown keys are ignored, missing keys take the field default, unknown enum values
stay plain strings, and dates arrive as ISO 8601, RFC 2822 or epoch milliseconds but always leave
as timezone-aware datetimes. ``""`` (or blanks) in an optional date is None, and a value that
cannot be decoded in a field with a default becomes that default (None, or an empty tuple) with
one ``DecodeWarning`` per record type and field: one odd record never loses its page. Hooks are registered for the exact field types so that cattrs
generates one straight-line structure function per record class, with no per-record reflection;
the paging engine decodes a list with a single call per record.
"""

from __future__ import annotations

import enum
import sys
import types
import typing
import warnings
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

import attrs
import cattrs

from .._dates import parse_datetime
from ..errors import DecodeWarning

__all__ = [
    "SharedText",
    "camel_case_records",
    "converter",
    "parse_datetime",
    "register_camel_case",
    "structure_many",
]

T = TypeVar("T")

converter = cattrs.Converter(detailed_validation=False)


def _structure_datetime(value: Any, _: Any) -> datetime:
    return parse_datetime(value)


#: Dates decoded lately, by their text: a record's ``date_updated`` is often its ``date_created``
#: and neighbours share seconds, so equal texts share one (immutable) datetime. Bounded.
_recent_dates: dict[str, datetime] = {}
_RECENT_DATES_MAX = 1024


def _structure_optional_datetime(value: Any, _: Any) -> datetime | None:
    if type(value) is not str:
        return None if value is None else parse_datetime(value)
    cached = _recent_dates.get(value)
    if cached is not None:
        return cached
    return _remember_date(value)


def _remember_date(value: str) -> datetime | None:
    """A date text not in ``_recent_dates``: parsed, remembered, returned (None for a blank).
    The fast page decoder calls it directly once its own look-up missed."""
    if not value or value.isspace():  # real payloads send "" for "no date"
        return None
    parsed = parse_datetime(value)
    if len(_recent_dates) >= _RECENT_DATES_MAX:
        _recent_dates.clear()
    _recent_dates[value] = parsed
    return parsed


def _structure_date(value: Any, _: Any) -> date:
    return parse_datetime(value).date() if not isinstance(value, date) else value


def _structure_optional_date(value: Any, _: Any) -> date | None:
    if value is None or (isinstance(value, str) and (not value or value.isspace())):
        return None
    return _structure_date(value, _)


def _as_text(value: Any) -> str:
    # Numbers become text (error codes arrive as "11200" or 11200 depending on the API);
    # anything structured is not a string and is refused.
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"expected a string, got {type(value).__name__}")


def _structure_str(value: Any, _: Any) -> str:
    return _as_text(value)


def _structure_optional_str(value: Any, _: Any) -> str | None:
    if type(value) is str or value is None:  # nearly always: skip the checks of _as_text
        return value
    return _as_text(value)


def _as_int(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError("expected an integer, got a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise TypeError(f"expected an integer, got {value!r}")


def _structure_optional_int(value: Any, _: Any) -> int | None:
    return None if value is None else _as_int(value)


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "True", "1", 1):
        return True
    if value in ("false", "False", "0", 0):
        return False
    raise TypeError(f"expected a boolean, got {value!r}")


def _structure_optional_bool(value: Any, _: Any) -> bool | None:
    return None if value is None else _as_bool(value)


def _structure_optional_mapping(value: Any, _: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return value


def _structure_any(value: Any, _: Any) -> Any:
    return value


converter.register_structure_hook(datetime, _structure_datetime)
converter.register_structure_hook(typing.Optional[datetime], _structure_optional_datetime)  # noqa: UP045
converter.register_structure_hook(date, _structure_date)
converter.register_structure_hook(typing.Optional[date], _structure_optional_date)  # noqa: UP045
converter.register_structure_hook(str, _structure_str)
converter.register_structure_hook(typing.Optional[str], _structure_optional_str)  # noqa: UP045
converter.register_structure_hook(int, lambda v, _: _as_int(v))
converter.register_structure_hook(typing.Optional[int], _structure_optional_int)  # noqa: UP045
converter.register_structure_hook(bool, lambda v, _: _as_bool(v))
converter.register_structure_hook(typing.Optional[bool], _structure_optional_bool)  # noqa: UP045
converter.register_structure_hook(typing.Optional[dict[str, Any]], _structure_optional_mapping)  # noqa: UP045
converter.register_structure_hook(typing.Optional[dict[str, str]], _structure_optional_mapping)  # noqa: UP045
# A predicate, not the type itself: on Python 3.10 typing.Any is not a class and
# functools.singledispatch (behind register_structure_hook) refuses it.
converter.register_structure_hook_func(lambda t: t is typing.Any, _structure_any)

# Hooks for ``X | None`` written with the PEP 604 operator: typing treats it as a distinct object
# from typing.Optional[X] on 3.10+, and record fields are written that way.
for _inner, _hook in (
    (datetime, _structure_optional_datetime),
    (date, _structure_optional_date),
    (str, _structure_optional_str),
    (int, _structure_optional_int),
    (bool, _structure_optional_bool),
    (dict[str, Any], _structure_optional_mapping),
    (dict[str, str], _structure_optional_mapping),
):
    converter.register_structure_hook(_inner | None, _hook)


def _lenient_enums_of(union: Any) -> list[type[enum.Enum]]:
    """The Enum classes of a ``SomeEnum | str`` (or ``E1 | E2 | str``, optionally ``| None``)
    union, else an empty list. With several enums, the first that knows a value wins."""
    if typing.get_origin(union) not in (typing.Union, types.UnionType):
        return []
    args = typing.get_args(union)
    enums = [a for a in args if isinstance(a, type) and issubclass(a, enum.Enum)]
    return enums if enums and str in args else []


def lenient_enum_members(union: Any) -> tuple[dict[Any, enum.Enum], bool]:
    """The members of a lenient enum union by value (the first enum that knows a value wins),
    and whether the union takes None."""
    members: dict[Any, enum.Enum] = {}
    for cls in reversed(_lenient_enums_of(union)):
        members.update({m.value: m for m in cls})
    return members, type(None) in typing.get_args(union)


def _make_lenient_enum_hook(union: Any) -> Callable[[Any, Any], Any]:
    enums = _lenient_enums_of(union)
    assert enums
    enum_cls = enums[0]
    members, nullable = lenient_enum_members(union)

    def structure(value: Any, _: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise TypeError(f"{enum_cls.__name__} may not be null")
        member = members.get(value)
        if member is not None:
            return member
        if isinstance(value, int) and not isinstance(value, bool) and str(value) in members:
            return members[str(value)]
        if isinstance(value, str) and value.isdigit() and int(value) in members:
            return members[int(value)]
        return _as_text(value)  # a value this version does not know yet stays readable

    return structure


# ``LogLevel | str | None``: known values become the Enum member, unknown ones stay strings.
converter.register_structure_hook_factory(
    lambda t: bool(_lenient_enums_of(t)), _make_lenient_enum_hook
)


def _is_item_tuple(tp: Any) -> bool:
    args = typing.get_args(tp)
    return typing.get_origin(tp) is tuple and len(args) == 2 and args[1] is Ellipsis


def _make_item_tuple_hook(tp: Any) -> Callable[[Any, Any], tuple[Any, ...]]:
    # ``tuple[X, ...]`` fields (a status page's components, an incident's updates): null means
    # none, as a Statuspage group without children sends it.
    item = typing.get_args(tp)[0]
    item_hook = converter.get_structure_hook(item)

    def structure(value: Any, _: Any) -> tuple[Any, ...]:
        if value is None:
            return ()
        if not isinstance(value, list | tuple):
            raise TypeError(f"expected a list, got {type(value).__name__}")
        return tuple(item_hook(v, item) for v in value)

    return structure


converter.register_structure_hook_factory(_is_item_tuple, _make_item_tuple_hook)


def _unstructure_datetime(value: datetime) -> str:
    """ISO 8601 with ``Z`` for UTC: the form the APIs themselves send."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _unstructure_lenient_enum(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


converter.register_unstructure_hook(datetime, _unstructure_datetime)
converter.register_unstructure_hook_factory(
    lambda t: bool(_lenient_enums_of(t)), lambda _: _unstructure_lenient_enum
)


def _make_record_hook(
    cls: type[Any], wire_key: Callable[[str], str] | None = None
) -> Callable[[Any, Any], Any]:
    """One straight-line structure function for an attrs record, generated once per class.

    cattrs' own attrs functions build a dict of the keys present and call ``cls(**kwargs)``;
    this one passes each field positionally as ``hook(raw.get(key), type)`` when the field's
    default is None (every record field here), which is what a missing key means anyway. That
    halves the cost per record (measured in benchmarks/). Fields with another default
    keep "absent means default"; unknown keys are ignored, as before. ``wire_key`` renames a
    field for the wire (``register_camel_case``). When any field fails, the record is decoded
    again field by field (``_LenientRecord``), so the fast path carries no per-field checks.
    """
    attrs.resolve_types(cls)
    namespace: dict[str, Any] = {"__cl": cls}
    positional: list[str] = []
    keywords: list[str] = []
    lenient_fields: list[_LenientField] = []
    for index, field in enumerate(attrs.fields(cls)):
        if not field.init:
            continue
        name = field.alias or field.name
        wire = wire_key(field.name) if wire_key else field.name
        key = repr(wire)
        hook_name, type_name = f"__h{index}", f"__t{index}"
        namespace[type_name] = field.type
        if attrs.has(field.type):  # a nested record, possibly this one: resolve it when used
            namespace[hook_name] = _deferred_hook
        else:
            namespace[hook_name] = converter.get_structure_hook(field.type)
        lenient_fields.append(
            _LenientField(field.name, name, wire, namespace[hook_name], field.type, field.default)
        )
        if field.default is None and namespace[hook_name] is _structure_optional_str:
            # The commonest field by far: a string passes through without a call.
            value = (
                f"(_v if (_v := __get({key})).__class__ is str else {hook_name}(_v, {type_name}))"
            )
        elif field.default is None and namespace[hook_name] is _structure_shared_text:
            namespace["__intern"] = sys.intern
            value = (
                f"(__intern(_v) if (_v := __get({key})).__class__ is str"
                f" else {hook_name}(_v, {type_name}))"
            )
        elif field.default is None and namespace[hook_name] is _structure_optional_datetime:
            # A date seen lately is one dict lookup away (see _recent_dates).
            namespace["__recent"] = _recent_dates
            value = (
                f"(__recent.get(_v) or {hook_name}(_v, {type_name})"
                f" if (_v := __get({key})).__class__ is str else {hook_name}(_v, {type_name}))"
            )
        elif field.default is None:
            value = f"{hook_name}(__get({key}), {type_name})"
        else:
            default_name = f"__d{index}"
            fallback: str | None
            if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
                if field.default.takes_self:  # rare: let cattrs' own generator handle it
                    return converter.gen_structure_attrs_fromdict(cls)
                namespace[default_name] = field.default.factory
                fallback = f"{default_name}()"
            elif field.default is attrs.NOTHING:
                fallback = None
            else:
                namespace[default_name] = field.default
                fallback = default_name
            if fallback is None:
                value = f"{hook_name}(o[{key}], {type_name})"
            else:
                value = f"({hook_name}(o[{key}], {type_name}) if {key} in o else {fallback})"
        if field.kw_only:
            keywords.append(f"{name}={value}")
        else:
            positional.append(value)
    arguments = ", ".join([*positional, *keywords])
    namespace["__lenient"] = _LenientRecord(cls, tuple(lenient_fields))
    source = (
        f"def structure_{cls.__name__}(o, _=None):\n"
        "    __get = o.get\n"
        "    try:\n"
        f"        return __cl({arguments})\n"
        "    except Exception:\n"
        "        return __lenient(o)\n"
    )
    code = compile(source, f"<record structure {cls.__module__}.{cls.__qualname__}>", "exec")
    exec(code, namespace)
    return namespace[f"structure_{cls.__name__}"]  # type: ignore[no-any-return]


@attrs.frozen
class _LenientField:
    name: str
    argument: str
    key: str
    hook: Callable[[Any, Any], Any]
    type: Any
    default: Any


#: (record type, field name) pairs already reported by a DecodeWarning: one warning each.
_warned_fields: set[tuple[type[Any], str]] = set()


@attrs.frozen
class _LenientRecord:
    """The slow path of a record's structure function, taken only when the fast one failed.

    Each field is decoded on its own; one that fails and has a default (None, or an empty
    tuple) takes the default, with one ``DecodeWarning`` per record type and field. A field
    without a default has nothing to fall back on: its error propagates (the caller's
    ``DecodeError``). So does the record's own constructor failing.
    """

    cls: type[Any]
    fields: tuple[_LenientField, ...]

    def __call__(self, raw: dict[str, Any]) -> Any:
        arguments: dict[str, Any] = {}
        for field in self.fields:
            if field.key not in raw and field.default is not attrs.NOTHING:
                continue  # absent: the record's own default, as on the fast path
            value = raw.get(field.key) if field.default is not attrs.NOTHING else raw[field.key]
            try:
                arguments[field.argument] = field.hook(value, field.type)
            except Exception as exc:
                if field.default is attrs.NOTHING:
                    raise
                self._warn(field, value, exc)
        return self.cls(**arguments)

    def _warn(self, field: _LenientField, value: Any, exc: Exception) -> None:
        if (self.cls, field.name) in _warned_fields:
            return
        _warned_fields.add((self.cls, field.name))
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        warnings.warn(
            f"{self.cls.__name__}.{field.name}: could not decode {shown} ({exc}); it is left "
            "at its default. Further undecodable values of this field are not reported.",
            DecodeWarning,
            stacklevel=2,
        )


def _deferred_hook(value: Any, type_: Any) -> Any:
    if value is None:  # lenient: a nested record the API sent as null stays None
        return None
    return converter.get_structure_hook(type_)(value, type_)


converter.register_structure_hook_factory(attrs.has, _make_record_hook)


class _Shared:
    """Marks text that repeats across records (an account SID, an error code, an API version)."""


#: A ``str | None`` field whose values repeat across many records: decoded values are interned,
#: so 100,000 alerts of one account hold one copy of its SID instead of 100,000 (``list()``
#: memory). Only for low-cardinality fields: interning unique values would cost, not save.
SharedText = typing.Annotated[typing.Optional[str], _Shared]  # noqa: UP045


def _is_shared_text(type_: Any) -> bool:
    return typing.get_origin(type_) is typing.Annotated and _Shared in typing.get_args(type_)[1:]


def _structure_shared_text(value: Any, _: Any) -> str | None:
    return None if value is None else sys.intern(_as_text(value))


converter.register_structure_hook_func(_is_shared_text, _structure_shared_text)


def structure_many(raw: list[Any], record_type: type[T]) -> list[T]:
    """Decode a list of raw JSON objects with the record's generated structure function."""
    hook = converter.get_structure_hook(record_type)
    return [hook(item, record_type) for item in raw]


def _structure_optional_str_tuple(value: Any, _: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list | tuple):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return tuple(_as_text(item) for item in value)


converter.register_structure_hook(tuple[str, ...] | None, _structure_optional_str_tuple)


def _structure_optional_int_tuple(value: Any, _: Any) -> tuple[int, ...] | None:
    # Statuspage sends some integer lists as JSON text ("[3, 6, 12, 24]"), some as lists.
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if not (text.startswith("[") and text.endswith("]")):
            raise TypeError(f"expected a list of integers, got {value!r}")
        value = [item for item in text[1:-1].split(",") if item.strip()]
    if not isinstance(value, list | tuple):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return tuple(_as_int(item) for item in value)


converter.register_structure_hook(tuple[int, ...] | None, _structure_optional_int_tuple)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


#: The records registered with ``register_camel_case`` (the fast page decoder renames them too).
camel_case_records: set[type[Any]] = set()


def register_camel_case(cls: type[Any], *, encode: bool = True) -> None:
    """Decode (and, with ``encode``, encode) ``cls`` with camelCase wire keys (Monitor v2
    Alarms speak camelCase).

    Decoding uses the record generator (with its lenient fallback) under the camelCase keys;
    encoding, cattrs' straight-line function with the renames. When encoding, fields left at a
    None or empty default are omitted, so optional wire fields are simply absent. Records only
    ever read from the wire keep snake_case when unstructured (exports, --json).
    """
    from attrs import NOTHING, fields
    from cattrs.gen import make_dict_unstructure_fn, override

    camel_case_records.add(cls)
    unstructure_overrides: dict[str, Any] = {
        a.name: override(
            rename=_camel(a.name),
            omit_if_default=a.default is not NOTHING and a.default in (None, ()),
        )
        for a in fields(cls)
    }
    converter.register_structure_hook(cls, _make_record_hook(cls, wire_key=_camel))
    if encode:
        converter.register_unstructure_hook(
            cls, make_dict_unstructure_fn(cls, converter, **unstructure_overrides)
        )
