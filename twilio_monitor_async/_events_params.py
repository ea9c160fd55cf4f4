"""Encoders particular to Events v1 form bodies.

Twilio's Events API takes ``Types`` as the form key repeated, each value one JSON object
(``{"type": ..., "schema_version": ...}``). The objects are checked here, so a typo in a key or
a version that is not a positive integer is refused before the request, with its index named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from .errors import ValidationError

__all__ = ["event_type_refs"]

_KEYS = frozenset({"type", "schema_version"})


def _event_type_ref(field: str, item: Any) -> str:
    if not isinstance(item, Mapping):
        raise ValidationError(
            field, f'must be a mapping like {{"type": ..., "schema_version": ...}}, got {item!r}'
        )
    unknown = set(item) - _KEYS
    if unknown:
        raise ValidationError(
            field, f"has unknown keys {sorted(unknown)} (known: type, schema_version)"
        )
    event_type = item.get("type")
    if not isinstance(event_type, str) or not event_type:
        raise ValidationError(field, "needs a non-empty 'type'")
    doc: dict[str, Any] = {"type": event_type}
    version = item.get("schema_version")
    if version is not None:
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise ValidationError(
                field, f"'schema_version' must be a positive integer, got {version!r}"
            )
        doc["schema_version"] = version
    return orjson.dumps(doc).decode()


def event_type_refs(field: str, value: Any) -> list[str]:
    """At least one event type reference, each sent as its own ``Types`` JSON object."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise ValidationError(field, "must be a list of {'type': ..., 'schema_version': ...}")
    items = list(value)
    if not items:
        raise ValidationError(field, "must name at least one event type")
    return [_event_type_ref(f"{field}[{index}]", item) for index, item in enumerate(items)]
