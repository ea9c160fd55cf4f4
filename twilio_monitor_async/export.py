"""Exports of a list to JSON Lines, CSV or Parquet that survive a crash: every record exactly once.

The export walks pages and, after each page, makes the data durable (write, flush, fsync) and
only then moves an atomically replaced checkpoint next to the output forward: how many bytes of
data are good, how many records they hold, and where the walk goes on. A crash at any point
leaves a checkpoint that is never ahead of the data; ``resume=True`` cuts the data back to the
checkpoint's length (dropping a half-written page) and carries on from the checkpoint's page.
Parquet cannot be appended to safely, so a Parquet export stages JSON Lines the same way and
converts them in one step at the end.

Records become rows through the one converter (``converter.unstructure``): dates as ISO 8601
with ``Z``, enums as their values, nested objects as JSON in CSV cells.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import aclosing
from pathlib import Path
from typing import IO, Any, Literal

import attrs
import orjson

from ._files import atomic_write
from .bulk import DEFAULT_SHARD_BUFFER, WINDOWS_PER_SHARD, merge_ordered, window_filters
from .errors import ValidationError
from .models.converter import converter
from .paging import Page
from .resources import Fetching, Listing

__all__ = ["FORMATS", "ExportCheckpoint", "ExportResult", "ExportWriter", "run_export"]

Format = Literal["jsonl", "csv", "parquet"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "parquet")
CHECKPOINT_SUFFIX = ".checkpoint"
STAGING_SUFFIX = ".partial.jsonl"


@attrs.define
class ExportCheckpoint:
    """How far an export got: ``data_bytes`` of good data holding ``records`` records, and where
    the walk goes on (``shard``, and ``page_url`` inside it; None means its first page)."""

    query: dict[str, Any]
    format: str
    data_bytes: int = 0
    records: int = 0
    shard: int = 0
    page_url: str | None = None
    done: bool = False

    def save(self, path: Path) -> None:
        atomic_write(path, orjson.dumps(attrs.asdict(self)))

    @classmethod
    def load(cls, path: Path) -> ExportCheckpoint | None:
        try:
            doc = orjson.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        return cls(**doc)


@attrs.frozen
class ExportResult:
    """What an export wrote: ``records`` in all, of which ``resumed_from`` by an earlier run;
    ``already_done`` when the checkpoint said the export had finished."""

    records: int
    path: str | None
    resumed_from: int = 0
    already_done: bool = False


def record_row(record: Any) -> dict[str, Any]:
    """A record as a flat mapping of its fields (the converter's encoding rules)."""
    row = converter.unstructure(record)
    assert isinstance(row, dict)
    return row


def columns_of(record_type: type[Any]) -> list[str]:
    return [field.name for field in attrs.fields(record_type)]


class ExportWriter:
    """Serialises records of one type to bytes in the chosen line format (JSONL or CSV)."""

    def __init__(self, record_type: type[Any], line_format: Literal["jsonl", "csv"]) -> None:
        self.record_type = record_type
        self.line_format = line_format
        self.columns = columns_of(record_type)

    def header(self) -> bytes:
        if self.line_format != "csv":
            return b""
        return self._csv_line(self.columns)

    def encode(self, records: Iterable[Any]) -> bytes:
        if self.line_format == "jsonl":
            return b"".join(orjson.dumps(record_row(r)) + b"\n" for r in records)
        return b"".join(self._csv_line(self._cells(record_row(r))) for r in records)

    def _cells(self, row: Mapping[str, Any]) -> list[str]:
        cells = []
        for name in self.columns:
            value = row.get(name)
            if value is None:
                cells.append("")
            elif isinstance(value, dict | list):
                cells.append(orjson.dumps(value).decode())
            elif isinstance(value, bool):
                cells.append("true" if value else "false")
            else:
                cells.append(str(value))
        return cells

    @staticmethod
    def _csv_line(cells: Sequence[str]) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(cells)
        return buffer.getvalue().encode()


PageWalks = Callable[[int, str | None], AsyncIterator[tuple[int, Page[Any]]]]


async def run_export(
    walks: PageWalks,
    *,
    record_type: type[Any],
    query: Mapping[str, Any],
    out: str | os.PathLike[str] | None,
    format: Format = "jsonl",
    resume: bool = False,
    transform: Callable[[Sequence[Any]], Any] | None = None,
    on_records: Callable[[int], None] | None = None,
    stdout: IO[bytes] | None = None,
) -> ExportResult:
    """Write every record ``walks`` yields to ``out`` (or standard output), crash-safe.

    ``walks(shard, page_url)`` yields ``(shard, page)`` pairs in output order, starting at that
    shard and page (None: the shard's first page). ``transform`` may replace a page's records
    (an awaitable returning the new list, e.g. their instance views). ``query`` identifies the
    export: resuming a checkpoint made for another query or format is refused.
    """
    if format not in FORMATS:
        raise ValidationError("format", f"must be one of {', '.join(FORMATS)}")
    if out is None:
        if format == "parquet":
            raise ValidationError("out", "Parquet needs an output file")
        if resume:
            raise ValidationError("resume", "needs an output file (the checkpoint lives beside it)")
        return await _export_to_stream(
            walks, record_type, format, transform, on_records, stdout or sys.stdout.buffer
        )
    if format == "parquet":
        _require_pyarrow()
    target = Path(out)
    data_path = target.with_name(target.name + STAGING_SUFFIX) if format == "parquet" else target
    checkpoint_path = target.with_name(target.name + CHECKPOINT_SUFFIX)
    writer = ExportWriter(record_type, "jsonl" if format == "parquet" else format)
    state = ExportCheckpoint.load(checkpoint_path) if resume else None
    resumed_from = 0
    if state is not None:
        if state.query != dict(query) or state.format != format:
            raise ValidationError(
                "resume",
                f"the checkpoint {checkpoint_path} belongs to another export ({state.query})",
            )
        if state.done:
            return ExportResult(
                records=state.records,
                path=str(target),
                resumed_from=state.records,
                already_done=True,
            )
        resumed_from = state.records
        data: IO[bytes] = open(data_path, "r+b")  # closed below, kept open across pages
        data.truncate(state.data_bytes)  # drop whatever was written after the checkpoint
        data.seek(state.data_bytes)
    else:
        state = ExportCheckpoint(query=dict(query), format=format)
        data = open(data_path, "wb")
        header = writer.header()
        data.write(header)
        _durable(data)
        state.data_bytes = len(header)
        state.save(checkpoint_path)
    try:
        async for shard, page in walks(state.shard, state.page_url):
            records = list(page.records)
            if transform is not None:
                records = list(await transform(records))
            data.write(writer.encode(records))
            _durable(data)
            state.data_bytes = data.tell()
            state.records += len(records)
            if page.next_page_url is None:
                state.shard, state.page_url = shard + 1, None
            else:
                state.shard, state.page_url = shard, page.next_page_url
            state.save(checkpoint_path)  # only after the data it describes is on disk
            if on_records is not None:
                on_records(len(records))
    finally:
        data.close()
    if format == "parquet":
        _jsonl_to_parquet(data_path, target, record_type)
        data_path.unlink()
    state.done = True
    state.save(checkpoint_path)
    return ExportResult(records=state.records, path=str(target), resumed_from=resumed_from)


async def _export_to_stream(
    walks: PageWalks,
    record_type: type[Any],
    format: str,
    transform: Callable[[Sequence[Any]], Any] | None,
    on_records: Callable[[int], None] | None,
    stream: IO[bytes],
) -> ExportResult:
    writer = ExportWriter(record_type, format)  # type: ignore[arg-type]
    stream.write(writer.header())
    count = 0
    async for _, page in walks(0, None):
        records = list(page.records)
        if transform is not None:
            records = list(await transform(records))
        stream.write(writer.encode(records))
        stream.flush()
        count += len(records)
        if on_records is not None:
            on_records(len(records))
    return ExportResult(records=count, path=None)


def _durable(handle: IO[bytes]) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def _require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ValidationError(
            "format",
            "Parquet needs pyarrow: pip install 'twilio-monitor-async[parquet]'",
        ) from None


def _arrow_schema(record_type: type[Any]) -> Any:
    import pyarrow as pa

    fields = []
    for field in attrs.fields(record_type):
        text = str(field.type)
        if "datetime" in text:
            kind = pa.timestamp("us", tz="UTC")
        elif "bool" in text:
            kind = pa.bool_()
        elif text.startswith("int"):
            kind = pa.int64()
        else:
            kind = pa.string()
        fields.append(pa.field(field.name, kind))
    return pa.schema(fields)


def _jsonl_to_parquet(
    source: Path, target: Path, record_type: type[Any], batch: int = 50_000
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .models.converter import parse_datetime

    schema = _arrow_schema(record_type)
    kinds = {f.name: f.type for f in schema}
    temporary = target.with_name(target.name + ".tmp")

    def cell(name: str, value: Any) -> Any:
        if value is None:
            return None
        kind = kinds[name]
        if pa.types.is_timestamp(kind):
            return parse_datetime(value)
        if pa.types.is_string(kind) and not isinstance(value, str):
            return orjson.dumps(value).decode()
        return value

    with pq.ParquetWriter(temporary, schema) as parquet, source.open("rb") as lines:
        rows: list[dict[str, Any]] = []
        for line in lines:
            doc = orjson.loads(line)
            rows.append({name: cell(name, doc.get(name)) for name in kinds})
            if len(rows) >= batch:
                parquet.write_table(pa.Table.from_pylist(rows, schema=schema))
                rows = []
        if rows:
            parquet.write_table(pa.Table.from_pylist(rows, schema=schema))
    os.replace(temporary, target)


def listing_walks(
    listing: Listing[Any], filters: Mapping[str, Any], *, page_size: int = 1000, shards: int = 1
) -> PageWalks:
    """The page walks of an export of ``listing``: one walk, or (``shards`` > 1) consecutive
    time windows between the ``start_date`` and ``end_date`` filters, ``shards`` read at once.

    Each page comes tagged with its window's number, so the checkpoint can say where to go on.
    """
    if shards > 1:
        start, end = filters.get("start_date"), filters.get("end_date")
        if not start or not end:
            raise ValidationError("shards", "sharding needs both --start and --end")
        windows = window_filters(listing, start, end, shards * WINDOWS_PER_SHARD, filters)
    else:
        windows = [dict(filters)]
    # Check every window's arguments now, before anything is sent.
    for window in windows:
        listing.pages(page_size=page_size, **window)

    def walks(first: int, page_url: str | None) -> AsyncIterator[tuple[int, Page[Any]]]:
        return _merged(listing, windows, first, page_url, page_size, shards)

    return walks


async def _merged(
    listing: Listing[Any],
    windows: Sequence[dict[str, Any]],
    first: int,
    page_url: str | None,
    page_size: int,
    shards: int,
) -> AsyncIterator[tuple[int, Page[Any]]]:
    async def walk(index: int) -> AsyncIterator[tuple[int, Page[Any]]]:
        if index == first and page_url is not None:
            pages = listing.pages(page_url=page_url, prefetch=shards <= 1)
        else:
            pages = listing.pages(page_size=page_size, prefetch=shards <= 1, **windows[index])
        async with aclosing(pages) as walker:  # type: ignore[type-var]
            async for page in walker:
                yield index, page

    walks = [walk(index) for index in range(first, len(windows))]
    # The next ``shards - 1`` windows are read while the current one is written, each holding
    # at most a few pages, and pages come out in window order.
    merged: AsyncIterator[Any] = merge_ordered(walks, shards, DEFAULT_SHARD_BUFFER)  # type: ignore[arg-type]
    async with aclosing(merged) as pages:  # type: ignore[type-var]
        async for item in pages:
            yield item


def detail_fetcher(listing: Fetching[Any], concurrency: int) -> Callable[[Sequence[Any]], Any]:
    """A ``transform`` for run_export: each record's instance view, fetched ``concurrency`` at
    a time and kept in the page's order. A failed fetch fails the export (it can be resumed)."""

    async def fetch_all(records: Sequence[Any]) -> list[Any]:
        outcomes = listing.fetch_many(
            [r.sid for r in records], concurrency=concurrency, ordered=True
        )
        return [outcome.unwrap() async for outcome in outcomes]

    return fetch_all
