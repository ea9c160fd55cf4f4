"""The fast path of page decoding: a page's bytes to records in one pass, no dicts in between.

Parsing a page with orjson builds a dict per record, then the cattrs converter reads each dict
back into a record: two passes, and the dicts are thrown away. Here msgspec parses the page
straight into one slot-only struct per record (a generated mirror of the record class, without
garbage-collector tracking), and one generated straight-line function per class turns the structs
into the records. It changes *how* the bytes are read, never *what* a field becomes:

* text fields (``str | None``) are declared as such to msgspec, so they arrive as text or None
  and pass through as they are (``SharedText`` ones are interned, as the converter does);
* every other field arrives as plain JSON (msgspec's ``Any``: what orjson would have given) and
  goes through the converter's own hook for its type: dates, lenient enums, numbers, nested
  records, all decided in one place, the converter, with its lenient rules.

Whenever msgspec refuses a page (a number where text is expected, a record that is not an object,
a body that is not JSON, anything) or a hook raises, the fast path gives up on that page and the
caller decodes it the ordinary way (orjson + the converter), which either decodes it leniently or
raises the library's error as before. So both paths give the same records, which a property test
checks for every record type.
"""

from __future__ import annotations

import enum
import functools
import sys
import typing
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import attrs
import msgspec

from .converter import SharedText, _camel, camel_case_records, converter

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


#: Texts remembered per field; the memory is emptied when it reaches this size.
_REMEMBERED_MAX = 4096


@functools.cache
def _remembered(
    hook: Callable[[Any, Any], Any], type_: Any
) -> tuple[dict[str, Any], Callable[[str], Any]]:
    """A memory of ``hook``'s answers for texts, and the function that asks and remembers; one
    per hook and type, so a record's three equal dates are parsed once."""
    memory: dict[str, Any] = {}

    def ask(text: str) -> Any:
        answer = hook(text, type_)
        if type(answer) in _IMMUTABLE or isinstance(answer, _IMMUTABLE_KINDS):
            if len(memory) >= _REMEMBERED_MAX:
                memory.clear()
            memory[text] = answer
        return answer

    return memory, ask


_IMMUTABLE = frozenset({str, int, float, bool, type(None)})
_IMMUTABLE_KINDS = (datetime, date, enum.Enum)


def _mirror(record: type[Any]) -> tuple[type[Any], Callable[[list[Any]], list[Any]]] | None:
    """A msgspec struct mirroring ``record``'s wire keys, and the function making records of a
    list of them; None for records with a field whose default is not None (absent would mean
    something other than null there). Required fields are required of msgspec too."""
    attrs.resolve_types(record)
    wire_name = _camel if record in camel_case_records else (lambda name: name)
    namespace: dict[str, Any] = {"__cl": record, "__intern": sys.intern}
    struct_fields: list[tuple[str, Any] | tuple[str, Any, None]] = []
    rename: dict[str, str] = {}
    positional: list[str] = []
    keywords: list[str] = []
    for index, field in enumerate(attrs.fields(record)):
        if not field.init:
            continue
        required = field.default is attrs.NOTHING
        if field.default is not None and not required:
            return None  # "absent" would mean something other than None: not served here
        slot = f"f{index}"
        rename[slot] = wire_name(field.name)
        hook = converter.get_structure_hook(field.type)
        if required:
            # msgspec refuses the page if the key is missing: the converter's error then.
            text = hook is _REQUIRED_TEXT_HOOK
            struct_fields.append((slot, str if text else Any))
            if text:
                value = f"s.{slot}"
            else:
                namespace[f"__h{index}"] = hook
                namespace[f"__t{index}"] = field.type
                value = f"__h{index}(s.{slot}, __t{index})"
        elif hook is _TEXT_HOOK:
            struct_fields.append((slot, typing.Optional[str], None))  # noqa: UP045
            value = f"s.{slot}"
        elif hook is _SHARED_HOOK:
            struct_fields.append((slot, typing.Optional[str], None))  # noqa: UP045
            value = f"(__intern(_v) if (_v := s.{slot}) else _v)"
        else:
            # Plain JSON through the converter's hook. Text values repeat (dates, enum values):
            # a hook's answer for a text is remembered, as an immutable value may be shared.
            struct_fields.append((slot, Any, None))
            namespace[f"__h{index}"] = hook
            namespace[f"__t{index}"] = field.type
            namespace[f"__c{index}"], namespace[f"__m{index}"] = _remembered(hook, field.type)
            value = (
                f"((__c{index}.get(_v) or __m{index}(_v)) if (_v := s.{slot}).__class__ is str"
                f" else __h{index}(_v, __t{index}))"
            )
        if field.kw_only:
            keywords.append(f"{field.alias or field.name}={value}")
        else:
            positional.append(value)
    mirror = msgspec.defstruct(
        f"{record.__name__}Wire", struct_fields, rename=rename, gc=False, kw_only=True
    )
    arguments = ", ".join([*positional, *keywords])
    source = f"def build_{record.__name__}(items):\n    return [__cl({arguments}) for s in items]\n"
    code = compile(source, f"<fast decode {record.__module__}.{record.__qualname__}>", "exec")
    exec(code, namespace)
    return mirror, namespace[f"build_{record.__name__}"]
