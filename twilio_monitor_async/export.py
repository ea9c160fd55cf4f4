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

The output is protected (see ``_files``): never written through a symlink, an existing file is
refused unless the export resumes or overwrites it, a second writer is locked out, an export that
fails before its first record leaves nothing behind, and a finished export removes its
checkpoint. CSV and TSV are safe to open in a spreadsheet: a cell that would start a formula
(``=``, ``+``, ``-``, ``@``, tab, CR) gets the prefix ``'`` unless ``safe_cells=False``, and every
CSV field holding a quote, comma, CR or LF is quoted, so any CSV parser reads one row a record.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import aclosing
from pathlib import Path
from typing import IO, Any, Literal

import attrs
import orjson

from ._files import (
    CheckpointError,
    OpenMode,
    OutputFileError,
    atomic_write,
    open_output,
    refuse_existing,
)
from .bulk import DEFAULT_SHARD_BUFFER, WINDOWS_PER_SHARD, merge_ordered, window_filters
from .errors import ValidationError
from .models.converter import converter
from .paging import Page
from .resources import Fetching, Listing

__all__ = [
    "FORMATS",
    "FORMULA_PREFIX",
    "CheckpointError",
    "ExportCheckpoint",
    "ExportResult",
    "ExportWriter",
    "OutputFileError",
    "run_export",
]

Format = Literal["jsonl", "csv", "tsv", "parquet"]
LineFormat = Literal["jsonl", "csv", "tsv"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "tsv", "parquet")
#: What a CSV/TSV cell that a spreadsheet would run as a formula is prefixed with.
FORMULA_PREFIX = "'"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
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
        """The checkpoint at ``path``, None if there is none; CheckpointError if it is damaged."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise CheckpointError(path, f"cannot be read ({exc.strerror})") from None
        try:
            doc = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise CheckpointError(path, "is damaged (not JSON)") from None
        if not isinstance(doc, dict) or set(doc) != set(_CHECKPOINT_FIELDS):
            raise CheckpointError(path, "is damaged (not an export checkpoint)")
        for name, kinds in _CHECKPOINT_FIELDS.items():
            value = doc[name]
            if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
                raise CheckpointError(path, f"is damaged ({name} is {value!r})")
            if isinstance(value, int) and not isinstance(value, bool) and value < 0:
                raise CheckpointError(path, f"is damaged ({name} is negative)")
        if doc["format"] not in FORMATS:
            raise CheckpointError(path, f"is damaged (unknown format {doc['format']!r})")
        return cls(**doc)


_CHECKPOINT_FIELDS: dict[str, tuple[type, ...]] = {
    "query": (dict,),
    "format": (str,),
    "data_bytes": (int,),
    "records": (int,),
    "shard": (int,),
    "page_url": (str, type(None)),
    "done": (bool,),
}


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


def cell_text(value: Any) -> str:
    """One field as text: empty for None, JSON for nested values, true/false for booleans."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def neutralise_formula(cell: str) -> str:
    """``cell`` with the prefix ``'`` when a spreadsheet would run it as a formula (numbers
    such as ``-5`` stay as they are)."""
    if cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell):
        return FORMULA_PREFIX + cell
    return cell


class ExportWriter:
    """Serialises records of one type to bytes in a line format: JSON Lines, CSV or TSV.

    ``columns`` picks and orders the fields (default: all, in declaration order). CSV quotes
    every field holding a quote, a comma, CR or LF (RFC 4180, ``\\n`` between records); TSV
    writes backslash, tab, CR and LF as ``\\\\``, ``\\t``, ``\\r``, ``\\n``. With ``safe_cells`` (the
    default) CSV and TSV cells that would start a formula get ``FORMULA_PREFIX``.
    """

    def __init__(
        self,
        record_type: type[Any],
        line_format: LineFormat,
        *,
        columns: Sequence[str] | None = None,
        safe_cells: bool = True,
    ) -> None:
        self.record_type = record_type
        self.line_format = line_format
        known = columns_of(record_type)
        self.columns = list(columns) if columns is not None else known
        unknown = [name for name in self.columns if name not in known]
        if unknown:
            raise ValidationError(
                "columns", f"unknown {', '.join(unknown)}; known: {', '.join(known)}"
            )
        self.all_columns = self.columns == known
        self.safe_cells = safe_cells

    def header(self) -> bytes:
        if self.line_format == "jsonl":
            return b""
        return self._line(self.columns)

    def row(self, record: Any) -> dict[str, Any]:
        """The record as a mapping of the chosen columns (converter encoding)."""
        row = record_row(record)
        return row if self.all_columns else {name: row.get(name) for name in self.columns}

    def cells(self, record: Any) -> list[str]:
        row = record_row(record)
        return [cell_text(row.get(name)) for name in self.columns]

    def encode(self, records: Iterable[Any]) -> bytes:
        if self.line_format == "jsonl":
            return b"".join(orjson.dumps(self.row(r)) + b"\n" for r in records)
        return b"".join(self._line(self.cells(r)) for r in records)

    def _line(self, cells: Sequence[str]) -> bytes:
        if self.safe_cells:
            cells = [neutralise_formula(cell) for cell in cells]
        if self.line_format == "tsv":
            return ("\t".join(cell.translate(_TSV_ESCAPES) for cell in cells) + "\n").encode()
        return (",".join(_csv_field(cell) for cell in cells) + "\n").encode()


def _csv_field(cell: str) -> str:
    # Written by hand: the csv module of Python < 3.13 leaves a bare CR unquoted when the line
    # ends in LF, and a reader then splits the record in two.
    if any(char in cell for char in ',"\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


PageWalks = Callable[[int, str | None], AsyncIterator[tuple[int, Page[Any]]]]


async def run_export(
    walks: PageWalks,
    *,
    record_type: type[Any],
    query: Mapping[str, Any],
    out: str | os.PathLike[str] | None,
    format: Format = "jsonl",
    resume: bool = False,
    overwrite: bool = False,
    private: bool = False,
    columns: Sequence[str] | None = None,
    safe_cells: bool = True,
    transform: Callable[[Sequence[Any]], Any] | None = None,
    on_records: Callable[[int], None] | None = None,
    stdout: IO[bytes] | None = None,
) -> ExportResult:
    """Write every record ``walks`` yields to ``out`` (or standard output), crash-safe.

    ``walks(shard, page_url)`` yields ``(shard, page)`` pairs in output order, starting at that
    shard and page (None: the shard's first page). ``transform`` may replace a page's records
    (an awaitable returning the new list, e.g. their instance views). ``query`` identifies the
    export: resuming a checkpoint made for another query or format is refused.

    An existing ``out`` is refused (``OutputFileError``) unless ``resume`` (go on from its
    checkpoint) or ``overwrite``; ``private`` creates it 0600 (use it for request details).
    ``columns`` and ``safe_cells`` are the ``ExportWriter``'s.
    """
    if format not in FORMATS:
        raise ValidationError("format", f"must be one of {', '.join(FORMATS)}")
    if resume and overwrite:
        raise ValidationError("overwrite", "cannot be combined with resume")
    line_format: LineFormat = "jsonl" if format == "parquet" else format
    writer = ExportWriter(record_type, line_format, columns=columns, safe_cells=safe_cells)
    if out is None:
        if format == "parquet":
            raise ValidationError("out", "Parquet needs an output file")
        if resume:
            raise ValidationError("resume", "needs an output file (the checkpoint lives beside it)")
        return await _export_to_stream(
            walks, writer, transform, on_records, stdout or sys.stdout.buffer
        )
    if format == "parquet":
        _require_pyarrow()
    target = Path(out)
    data_path = target.with_name(target.name + STAGING_SUFFIX) if format == "parquet" else target
    checkpoint_path = target.with_name(target.name + CHECKPOINT_SUFFIX)
    state = ExportCheckpoint.load(checkpoint_path) if resume else None
    if state is not None:
        if state.query != dict(query) or state.format != format:
            raise CheckpointError(
                checkpoint_path, f"belongs to another export ({state.query}, {state.format})"
            )
        if state.done:  # finished, but stopped before it could clean up
            _finish(state, checkpoint_path, data_path if format == "parquet" else None)
            return ExportResult(
                state.records, str(target), resumed_from=state.records, already_done=True
            )
        data = open_output(data_path, "resume", private=private)
        size = os.fstat(data.fileno()).st_size
        if state.data_bytes > size:
            data.close()
            raise CheckpointError(
                checkpoint_path,
                f"describes {state.data_bytes:,} bytes of data but {data_path} holds {size:,}",
            )
        data.truncate(state.data_bytes)  # drop whatever was written after the checkpoint
        data.seek(state.data_bytes)
        resumed_from, fresh = state.records, False
    else:
        mode: OpenMode = "overwrite" if overwrite else "new"
        if format == "parquet" and not overwrite:
            refuse_existing(target)
        data = open_output(data_path, mode, private=private)
        state = ExportCheckpoint(query=dict(query), format=format)
        resumed_from, fresh = 0, True
    try:
        if fresh:
            header = writer.header()
            data.write(header)
            _durable(data)
            state.data_bytes = len(header)
            state.save(checkpoint_path)
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
    except BaseException:
        # Failed before its first page: leave nothing behind. Judged by the state, not by a
        # count taken after the save: on Python 3.10 Ctrl-C raises KeyboardInterrupt between
        # any two statements, also just after the checkpoint naming the page was renamed in.
        if fresh and state.records == 0:
            data_path.unlink(missing_ok=True)
            checkpoint_path.unlink(missing_ok=True)
        raise
    finally:
        data.close()
    if format == "parquet":
        _jsonl_to_parquet(data_path, target, record_type, writer.columns, private=private)
    _finish(state, checkpoint_path, data_path if format == "parquet" else None)
    return ExportResult(records=state.records, path=str(target), resumed_from=resumed_from)


def _finish(state: ExportCheckpoint, checkpoint_path: Path, staging: Path | None) -> None:
    """Mark the export done, then remove its staging file and its checkpoint: a crash in
    between leaves a checkpoint that says so, and the next ``resume`` only cleans up."""
    if staging is not None:
        state.done = True
        state.save(checkpoint_path)
        staging.unlink(missing_ok=True)
    checkpoint_path.unlink(missing_ok=True)


async def _export_to_stream(
    walks: PageWalks,
    writer: ExportWriter,
    transform: Callable[[Sequence[Any]], Any] | None,
    on_records: Callable[[int], None] | None,
    stream: IO[bytes],
) -> ExportResult:
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


def _arrow_schema(record_type: type[Any], columns: Sequence[str]) -> Any:
    import pyarrow as pa

    fields = []
    for field in attrs.fields(record_type):
        if field.name not in columns:
            continue
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
    source: Path,
    target: Path,
    record_type: type[Any],
    columns: Sequence[str],
    *,
    private: bool,
    batch: int = 50_000,
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .models.converter import parse_datetime

    schema = _arrow_schema(record_type, columns)
    kinds = {f.name: f.type for f in schema}
    temporary = target.with_name(target.name + ".tmp")
    temporary.unlink(missing_ok=True)  # a crashed conversion's; a link is removed, not followed

    def cell(name: str, value: Any) -> Any:
        if value is None:
            return None
        kind = kinds[name]
        if pa.types.is_timestamp(kind):
            return parse_datetime(value)
        if pa.types.is_string(kind) and not isinstance(value, str):
            return orjson.dumps(value).decode()
        return value

    with (
        open_output(temporary, "new", private=private) as handle,
        pq.ParquetWriter(handle, schema) as parquet,
        source.open("rb") as lines,
    ):
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


def detail_fetcher(
    listing: Fetching[Any], concurrency: int | None = None
) -> Callable[[Sequence[Any]], Any]:
    """A ``transform`` for run_export: each record's instance view, fetched at most
    ``concurrency`` at a time (None: as the client's adaptive limit allows) and kept in the
    page's order. A failed fetch fails the export (it can be resumed)."""

    async def fetch_all(records: Sequence[Any]) -> list[Any]:
        outcomes = listing.fetch_many(
            [r.sid for r in records], concurrency=concurrency, ordered=True
        )
        return [outcome.unwrap() async for outcome in outcomes]

    return fetch_all
