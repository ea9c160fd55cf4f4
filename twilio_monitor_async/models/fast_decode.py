"""The fast path of page decoding: a page's bytes to records in one pass, no dicts in between.

Parsing a page with orjson builds a dict per record, then the cattrs converter reads each dict
back into a record: two passes, and the dicts are thrown away. Here msgspec parses the page
straight into one slot-only struct per record (a generated mirror of the record class, without
garbage-collector tracking), and one generated straight-line function per class turns the structs
into the records. It changes *how* the bytes are read, never *what* a field becomes:

* text fields (``str | None``) are declared as such to msgspec, so they arrive as text or None
  and pass through as they are (``SharedText`` ones are interned, as the converter does);
* date fields are declared as text too (a date sent as a number refuses the page): a look-up in
  the converter's memory of recent dates, and on a miss its own parse-and-remember;
* every other field arrives as plain JSON (msgspec's ``Any``: what orjson would have given) and
  goes through the converter's own hook for its type: lenient enums, numbers, nested records,
  all decided in one place, the converter, with its lenient rules. A lenient enum's members are
  looked up first, as they decide most values at a dict's cost.

Records are made as msgspec makes attrs classes: a new instance whose slots are set one by one,
which costs a third less than a frozen class's ``__init__``; only for records whose ``__init__``
is attrs' own and does nothing else (no validator, converter, hook, hidden slot), else
``__init__`` is called. Measured per 15-field alert on a page of 1000 (benchmarks/): msgspec's
parse about 0.6 µs, making the records about 1.7 µs; orjson alone 0.95 µs, orjson + the
converter 3.4 µs.

Whenever msgspec refuses a page (a number where text is expected, a record that is not an object,
a body that is not JSON, anything) or a hook raises, the fast path gives up on that page and the
caller decodes it the ordinary way (orjson + the converter), which either decodes it leniently or
raises the library's error as before. So both paths give the same records, which a property test
checks for every record type.
"""

from __future__ import annotations

import functools
import sys
import types
import typing
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import attrs
import msgspec

from .converter import (
    SharedText,
    _camel,
    _lenient_enums_of,
    _recent_dates,
    _remember_date,
    _structure_optional_datetime,
    camel_case_records,
    converter,
    lenient_enum_members,
)

__all__ = ["DecodedPage", "PageDecoder", "page_decoder"]

R = TypeVar("R")

#: The top-level fields of a list page besides its records: ``meta`` (Monitor, Events, Alarms)
#: and Api 2010's paging fields. Kept as plain JSON, for ``sansio.parse_page`` to read.
ENVELOPE_FIELDS = (
    "meta",
    "next_page_uri",
    "page",
    "page_size",
    "uri",
    "first_page_uri",
    "previous_page_uri",
    "start",
    "end",
)

_TEXT_HOOK = converter.get_structure_hook(typing.Optional[str])  # noqa: UP045
_SHARED_HOOK = converter.get_structure_hook(SharedText)
_REQUIRED_TEXT_HOOK = converter.get_structure_hook(str)
_OPTIONAL_DATETIME_HOOK = _structure_optional_datetime


class DecodedPage:
    """A page decoded on the fast path: the top level as ``parse_page`` reads it, with the list
    under the page's key already holding records."""

    __slots__ = ("document",)

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document


class PageDecoder(Generic[R]):
    """Decodes list pages of one record type under one key; ``None`` from ``decode``: refused."""

    def __init__(self, record: type[R], key: str, envelope: type[Any], build: Any) -> None:
        self.record = record
        self.key = key
        self._decoder = msgspec.json.Decoder(envelope)
        self._build: Callable[[list[Any]], list[R]] = build

    def __repr__(self) -> str:
        return f"<PageDecoder {self.record.__name__} under {self.key!r}>"

    def decode(self, body: bytes) -> DecodedPage | None:
        """The page in one pass, or None when the fast path refuses it (decode it the ordinary
        way then: that path decides what is lenient and what is an error)."""
        try:
            envelope = self._decoder.decode(body)
            records = self._build(envelope.records)
        except Exception:  # refused: any reason at all sends the page to the converter
            return None
        document = {name: getattr(envelope, name) for name in ENVELOPE_FIELDS}
        document[self.key] = records
        return DecodedPage(document)


def page_decoder(record: type[R], key: str) -> PageDecoder[R] | None:
    """The fast decoder of ``record`` pages under ``key``, made once; None when the record has a
    shape the fast path does not serve (then pages are decoded the ordinary way)."""
    decoder: PageDecoder[R] | None = _page_decoder(record, key)  # type: ignore[arg-type]
    return decoder


@functools.cache
def _page_decoder(record: type[Any], key: str) -> PageDecoder[Any] | None:
    if key in ENVELOPE_FIELDS or not attrs.has(record):
        return None
    made = _mirror(record)
    if made is None:
        return None
    mirror, build = made
    envelope = msgspec.defstruct(
        f"{record.__name__}PageWire",
        [("records", list[mirror]), *((name, Any, None) for name in ENVELOPE_FIELDS)],  # type: ignore[valid-type]
        rename={"records": key},
        gc=False,
    )
    return PageDecoder(record, key, envelope, build)


def _mirror(record: type[Any]) -> tuple[type[Any], Callable[[list[Any]], list[Any]]] | None:
    """A msgspec struct mirroring ``record``'s wire keys, and the function making records of a
    list of them; None for records with a field whose default is not None (absent would mean
    something other than null there). Required fields are required of msgspec too.

    The function is straight-line code, one expression a field, chosen by the converter's hook
    for the field's type: text passes through (interned if ``SharedText``), a date is one look-up
    in the converter's memory of recent dates before its hook, a lenient enum one look-up in its
    members before its hook, anything else is the hook. So the converter decides every value.
    """
    attrs.resolve_types(record)
    wire_name = _camel if record in camel_case_records else (lambda name: name)
    namespace: dict[str, Any] = {
        "__cl": record,
        "__intern": sys.intern,
        "__recent": _recent_dates,
        "__remember": _remember_date,
    }
    struct_fields: list[tuple[str, Any] | tuple[str, Any, None]] = []
    rename: dict[str, str] = {}
    positional: list[str] = []
    keywords: list[str] = []
    filled: list[str] = []  # one statement a field, for records made without __init__
    for index, field in enumerate(attrs.fields(record)):
        if not field.init:
            continue
        required = field.default is attrs.NOTHING
        if field.default is not None and not required:
            return None  # "absent" would mean something other than None: not served here
        slot = f"f{index}"
        rename[slot] = wire_name(field.name)
        hook = converter.get_structure_hook(field.type)
        hook_call = f"__h{index}(_v, __t{index})"
        namespace[f"__h{index}"] = hook
        namespace[f"__t{index}"] = field.type
        wire_type: Any = Any  # plain JSON, for the hook to judge
        if hook is _REQUIRED_TEXT_HOOK or hook is _TEXT_HOOK:
            wire_type = str if required else typing.Optional[str]  # noqa: UP045
            value = f"s.{slot}"
        elif hook is _SHARED_HOOK:
            wire_type = typing.Optional[str]  # noqa: UP045
            value = f"(__intern(_v) if (_v := s.{slot}) else _v)"
        elif hook is _OPTIONAL_DATETIME_HOOK:
            # Text to msgspec (a date in another JSON type refuses the page: the converter
            # decides it). Equal dates share one datetime (the converter's memory): most are a
            # look-up, and a miss goes straight to the converter's parse-and-remember.
            wire_type = str if required else typing.Optional[str]  # noqa: UP045
            value = f"(_v if (_v := s.{slot}) is None else __recent.get(_v) or __remember(_v))"
        elif _lenient_enums_of(field.type):
            members, nullable = lenient_enum_members(field.type)
            namespace[f"__e{index}"] = members
            lookup = f"__e{index}.get(_v) or {hook_call}"
            if nullable:
                value = f"(_v if (_v := s.{slot}) is None else {lookup})"
            else:
                value = f"(__e{index}.get(_v := s.{slot}) or {hook_call})"
        else:
            value = f"__h{index}(s.{slot}, __t{index})"
        struct_fields.append((slot, wire_type) if required else (slot, wire_type, None))
        namespace[f"__set{index}"] = getattr(getattr(record, field.name, None), "__set__", None)
        filled.append(f"        __set{index}(r, {value})\n")
        if field.kw_only:
            keywords.append(f"{field.alias or field.name}={value}")
        else:
            positional.append(value)
    mirror = msgspec.defstruct(
        f"{record.__name__}Wire", struct_fields, rename=rename, gc=False, kw_only=True
    )
    if _made_by_slots(record):
        # Set the slots one by one, as msgspec does for attrs classes: a third cheaper than
        # the frozen class's __init__, which does nothing more for such a record.
        namespace["__new"] = object.__new__
        source = (
            f"def build_{record.__name__}(items):\n"
            "    records = []\n"
            "    add = records.append\n"
            "    for s in items:\n"
            "        r = __new(__cl)\n"
            f"{''.join(filled)}"
            "        add(r)\n"
            "    return records\n"
        )
    else:
        arguments = ", ".join([*positional, *keywords])
        source = (
            f"def build_{record.__name__}(items):\n    return [__cl({arguments}) for s in items]\n"
        )
    code = compile(source, f"<fast decode {record.__module__}.{record.__qualname__}>", "exec")
    exec(code, namespace)
    return mirror, namespace[f"build_{record.__name__}"]


def _made_by_slots(record: type[Any]) -> bool:
    """Whether setting each field's slot makes the same record as ``__init__``: a slotted
    class whose ``__init__`` is attrs' own and only stores its arguments (no validator,
    converter, pre/post-init hook, hidden slot such as a cached hash)."""
    fields = attrs.fields(record)
    init = getattr(record.__init__, "__code__", None)
    if init is None or not init.co_filename.startswith("<attrs generated"):
        return False
    if any(f.validator is not None or f.converter is not None for f in fields):
        return False
    if hasattr(record, "__attrs_pre_init__") or hasattr(record, "__attrs_post_init__"):
        return False
    slots: set[str] = set()
    for cls in record.__mro__:
        declared = cls.__dict__.get("__slots__", ())
        slots.update((declared,) if isinstance(declared, str) else declared)
    if "__dict__" in slots or slots - {"__weakref__"} != {f.name for f in fields}:
        return False
    return all(
        isinstance(getattr(record, f.name, None), types.MemberDescriptorType) for f in fields
    )
