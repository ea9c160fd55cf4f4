"""The fast path of page decoding: a page's bytes to records in one pass, no dicts in between.

Parsing a page with orjson builds a dict per record, then the cattrs converter reads each dict
back into a record: two passes, and the dicts are thrown away. Here msgspec parses the page
straight into one slot-only struct per record (a generated mirror of the record class under its
wire keys, which the garbage collector does not track), and a generated straight-line generator
makes a record of each struct when it is asked for. It changes *how* the bytes are read, never
*what* a field becomes:

* text fields (``str | None``) are declared as such to msgspec and pass through as they are
  (``SharedText`` ones are interned, as the converter does);
* dates are read by msgspec's RFC 3339 parser, the one the converter's date rule tries first
  (``_dates.parse_rfc3339``), and a date equal to the one before it (a record's
  ``date_updated`` is often its ``date_created``; neighbours share seconds) becomes that one,
  so equal dates share one object as on the converter's path. A page whose dates are of
  another shape (Api 2010's RFC 2822, a blank) is parsed again with its dates as text: a
  look-up in the converter's memory of recent dates, else its parse-and-remember;
* every other field arrives as plain JSON (what orjson would have given) and goes through the
  converter's own hook for its type: lenient enums, numbers, nested records, all decided in
  one place, the converter. A lenient enum's members are looked up first, as they decide most
  values at a dict's cost.

A record is made as a new instance whose slots are filled one by one, by plain assignments to
an instance of a private subclass that allows them (a frozen class refuses them), which a
``__class__`` assignment then turns into the record class: only for records whose ``__init__``
is attrs' own and does nothing more (no validator, converter, hook, hidden slot; others are
left to the converter). Records are made one at a time, as the caller asks: a stream hands each
record on while it is fresh in the cache and, when the caller keeps none, never holds a page of
them for the garbage collector to scan. A record whose values a hook refuses is decoded by the
converter instead, from what msgspec read (the values the converter would have read),
leniently as always. Measured per 15-field alert on pages of 1,000 (``decode_only`` in
benchmarks/): orjson alone 0.9 µs, this path 1.4 µs (1.7 µs on Python 3.10), orjson and the
converter 4.3 µs.

Whenever msgspec refuses a page in both date styles (a number where text is expected, a record
that is not an object, a body that is not JSON, anything), the caller decodes it the ordinary way
(orjson + the converter), which either decodes it leniently or raises the library's error as
before. So both paths give the same records, which property tests check for every record type.
"""

from __future__ import annotations

import functools
import sys
import types
import typing
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

import attrs
import msgspec

from .._dates import RFC3339_DATETIME
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

__all__ = ["DecodedPage", "MakeRecords", "PageDecoder", "page_decoder"]

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

#: ``make_records(items, fail)``: the records of a page's wire structs, one at a time;
#: ``fail(error)`` is raised for a record even the converter cannot decode.
MakeRecords = Callable[[list[Any], Callable[[Exception], Exception]], Iterator[Any]]

_TEXT_HOOK = converter.get_structure_hook(typing.Optional[str])  # noqa: UP045
_SHARED_HOOK = converter.get_structure_hook(SharedText)
_REQUIRED_TEXT_HOOK = converter.get_structure_hook(str)


class DecodedPage:
    """A page parsed on the fast path: the top level as ``parse_page`` reads it, with wire
    structs under the page's key, and ``make_records`` to make records of them."""

    __slots__ = ("document", "make_records")

    def __init__(self, document: dict[str, Any], make_records: MakeRecords) -> None:
        self.document = document
        self.make_records = make_records


class PageDecoder(Generic[R]):
    """Parses list pages of one record type under one key; ``None`` from ``decode``: refused."""

    def __init__(
        self, record: type[R], key: str, decodings: tuple[tuple[Any, MakeRecords], ...]
    ) -> None:
        self.record = record
        self.key = key
        #: msgspec decoders of the page and their record makers, tried in turn: dates read by
        #: msgspec first, then (for a record with dates) dates as text.
        self._decodings = decodings

    def __repr__(self) -> str:
        return f"<PageDecoder {self.record.__name__} under {self.key!r}>"

    def decode(self, body: bytes) -> DecodedPage | None:
        """The page parsed in one pass, or None when the fast path refuses it (decode it the
        ordinary way then: that path decides what is lenient and what is an error)."""
        for decoder, make_records in self._decodings:
            try:
                envelope = decoder.decode(body)
            except Exception:  # refused: any reason at all sends the page on
                continue
            document = {name: getattr(envelope, name) for name in ENVELOPE_FIELDS}
            document[self.key] = envelope.records
            return DecodedPage(document, make_records)
        return None


def page_decoder(record: type[R], key: str) -> PageDecoder[R] | None:
    """The fast decoder of ``record`` pages under ``key``, made once; None when the record has a
    shape the fast path does not serve (then pages are decoded the ordinary way)."""
    decoder: PageDecoder[R] | None = _page_decoder(record, key)  # type: ignore[arg-type]
    return decoder


@functools.cache
def _page_decoder(record: type[Any], key: str) -> PageDecoder[Any] | None:
    if key in ENVELOPE_FIELDS or not attrs.has(record) or not _made_by_slots(record):
        return None
    plan = _plan(record)
    if plan is None:
        return None
    date_styles = (True, False) if any(f.kind == "date" for f in plan) else (False,)
    builder = _builder_class(record)
    decodings = []
    for native_dates in date_styles:
        mirror, make_records = _mirror(record, builder, plan, native_dates)
        envelope = msgspec.defstruct(
            f"{record.__name__}PageWire",
            [("records", list[mirror]), *((name, Any, None) for name in ENVELOPE_FIELDS)],  # type: ignore[valid-type]
            rename={"records": key},
            gc=False,
        )
        decodings.append((msgspec.json.Decoder(envelope), make_records))
    return PageDecoder(record, key, tuple(decodings))


@attrs.frozen
class _Field:
    """How one field is read: its msgspec wire type, and the Python that finishes its value."""

    index: int
    name: str
    wire_key: str
    required: bool
    #: "text" (as msgspec gives it), "shared" (interned), "date", "enum" (lenient, by its
    #: members), "hook" (plain JSON through the converter's hook)
    kind: str
    #: The converter's hook for the field's type, the type, and a lenient enum's members
    hook: Any
    type: Any
    members: dict[Any, Any] | None = None
    nullable: bool = True

    @property
    def slot(self) -> str:
        return f"f{self.index}"

    def wire_type(self, native_dates: bool) -> Any:
        if self.kind == "date" and native_dates:
            inner: Any = RFC3339_DATETIME
        elif self.kind in ("text", "shared", "date"):
            inner = str
        else:
            return Any  # plain JSON, for the hook to judge
        return inner if self.required else typing.Optional[inner]  # noqa: UP045

    def value(self, native_dates: bool) -> str:
        """An expression for the field's value, from wire struct ``s``."""
        i, read = self.index, f"s.{self.slot}"
        if self.kind == "text":
            return read
        if self.kind == "shared":
            return f"(__intern(_v) if (_v := {read}) else _v)"
        if self.kind == "date" and native_dates:
            # Equal to the date before it, at the same offset: that one, shared.
            return (
                f"(_v if (_v := {read}) is None else _last if _v == _last and _v.tzinfo is"
                " _last.tzinfo else (_last := _v))"
            )
        if self.kind == "date":
            return f"(_v if (_v := {read}) is None else __recent.get(_v) or __remember(_v))"
        if self.kind == "enum":
            lookup = f"__e{i}.get(_v) or __h{i}(_v, __t{i})"
            if self.nullable:
                return f"(_v if (_v := {read}) is None else {lookup})"
            return f"(__e{i}.get(_v := {read}) or __h{i}(_v, __t{i}))"
        return f"__h{i}({read}, __t{i})"


def _plan(record: type[Any]) -> list[_Field] | None:
    """How each field of ``record`` is read, chosen by the converter's hook for its type; None
    for a record with a field whose default is not None (absent would mean something other
    than null there)."""
    attrs.resolve_types(record)
    wire_key = _camel if record in camel_case_records else (lambda name: name)
    plan = []
    for index, field in enumerate(attrs.fields(record)):
        required = field.default is attrs.NOTHING
        if not field.init or (field.default is not None and not required):
            return None
        hook = converter.get_structure_hook(field.type)
        members, nullable = None, True
        if hook is _REQUIRED_TEXT_HOOK or hook is _TEXT_HOOK:
            kind = "text"
        elif hook is _SHARED_HOOK:
            kind = "shared"
        elif hook is _structure_optional_datetime:
            kind = "date"
        elif _lenient_enums_of(field.type):
            kind = "enum"
            members, nullable = lenient_enum_members(field.type)
        else:
            kind = "hook"
        plan.append(
            _Field(
                index,
                field.name,
                wire_key(field.name),
                required,
                kind,
                hook,
                field.type,
                members,
                nullable,
            )
        )
    return plan


def _mirror(
    record: type[Any], builder: type[Any], plan: list[_Field], native_dates: bool
) -> tuple[type[Any], MakeRecords]:
    """A msgspec struct mirroring ``record`` under its wire keys, and the generator making
    records of a list of them: straight-line code, one statement a field."""
    mirror = msgspec.defstruct(
        f"{record.__name__}Wire",
        [
            (f.slot, f.wire_type(native_dates))
            if f.required
            else (f.slot, f.wire_type(native_dates), None)
            for f in plan
        ],
        rename={f.slot: f.wire_key for f in plan},
        gc=False,
        kw_only=True,
    )
    namespace: dict[str, Any] = {
        "__cl": record,
        "__builder": builder,
        "__new": object.__new__,
        "__intern": sys.intern,
        "__recent": _recent_dates,
        "__remember": _remember_date,
        "__by_converter": functools.partial(_by_converter, record, plan),
    }
    for f in plan:
        namespace[f"__h{f.index}"] = f.hook
        namespace[f"__t{f.index}"] = f.type
        if f.members is not None:
            namespace[f"__e{f.index}"] = f.members
    filled = "".join(f"            r.{f.name} = {f.value(native_dates)}\n" for f in plan)
    source = (
        f"def make_{record.__name__}_records(items, fail):\n"
        "    _last = None\n"
        "    for s in items:\n"
        "        try:\n"
        "            r = __new(__builder)\n"
        f"{filled}"
        "            r.__class__ = __cl\n"
        "        except Exception:\n"
        "            r = __by_converter(s, fail)\n"
        "        yield r\n"
    )
    code = compile(source, f"<fast decode {record.__module__}.{record.__qualname__}>", "exec")
    exec(code, namespace)
    make_records: MakeRecords = namespace[f"make_{record.__name__}_records"]
    return mirror, make_records


def _builder_class(record: type[Any]) -> type[Any]:
    """A subclass of ``record`` that adds nothing but plain attribute stores: a record is made
    as one of these, its slots filled by ordinary assignments (the interpreter's quickest store,
    where a frozen class's own ``__setattr__`` refuses and a slot's ``__set__`` costs a call),
    then turned into a ``record`` by ``__class__`` assignment (same slots, same layout)."""
    return type(
        f"{record.__name__}Builder",
        (record,),
        {
            "__slots__": (),
            "__module__": record.__module__,
            # Both, so that the type gets the generic attribute store (they share one slot).
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
        },
    )


def _by_converter(
    record: type[Any], plan: list[_Field], item: Any, fail: Callable[[Exception], Exception]
) -> Any:
    """A record a hook refused, decoded by the converter (leniently: an odd optional value
    becomes None, with a DecodeWarning) from the values msgspec read, which are what orjson
    would have given (a date msgspec read is the datetime the converter's rule gives its text).
    """
    raw = {f.wire_key: getattr(item, f.slot) for f in plan}
    try:
        return converter.structure(raw, record)
    except Exception as exc:
        raise fail(exc) from None


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
