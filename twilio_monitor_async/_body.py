"""Reading a response body within a size cap, inflating gzip/deflate ourselves.

A hostile or broken server can send an endless body, claim a ten-gigabyte ``Content-Length``,
or send two megabytes of gzip that inflate to gigabytes. Every transport (the aiohttp one and
the fake's in-process one) reads through ``BoundedBody``: the declared length is refused before
anything is read, the raw bytes are counted chunk by chunk, and the inflated bytes are produced
by a ``zlib`` decompressor told never to give more than what is left under the cap, so memory
holds at most ``limit`` bytes of body whatever the server sends.
"""

from __future__ import annotations

import zlib

from .errors import DecodeError, ResponseTooLargeError, TruncatedBodyError

__all__ = ["ACCEPT_ENCODING", "BoundedBody"]

#: What the transports ask for: only encodings ``BoundedBody`` can inflate within its cap.
ACCEPT_ENCODING = "gzip, deflate"
_GZIP = frozenset({"gzip", "x-gzip"})


class BoundedBody:
    """Collects one response body, refusing more than ``limit`` bytes (None: no cap), as sent
    or once inflated. ``check_length`` with the declared length first, then ``feed`` each chunk
    as it arrives, then ``finish`` for the whole (inflated) body."""

    def __init__(
        self, *, limit: int | None, content_encoding: str | None, method: str, url: str
    ) -> None:
        self._limit = limit
        self._method = method
        self._url = url
        self._raw = 0
        self._parts: list[bytes] = []
        self._size = 0
        encoding = (content_encoding or "").strip().lower()
        self._encoding = encoding
        self._inflater: zlib._Decompress | None = None
        if encoding in _GZIP:
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding not in ("", "identity", "deflate"):
            raise DecodeError(url=url, reason=f"unsupported Content-Encoding {encoding!r}")

    def _too_large(self, reason: str) -> ResponseTooLargeError:
        assert self._limit is not None
        return ResponseTooLargeError(
            method=self._method, url=self._url, limit=self._limit, reason=reason
        )

    def check_length(self, declared: int | None) -> None:
        """Refuse a body whose ``Content-Length`` is over the cap, before reading any of it."""
        if self._limit is not None and declared is not None and declared > self._limit:
            raise self._too_large(f"the response declares {declared} bytes")

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        self._raw += len(chunk)
        if self._limit is not None and self._raw > self._limit:
            raise self._too_large(f"the response went past {self._limit} bytes")
        if self._encoding == "deflate" and self._inflater is None:
            # "deflate" is zlib-wrapped by the standard, raw deflate in some servers: the
            # zlib header (CMF/FLG) tells them apart, as browsers and aiohttp do.
            wrapped = (
                len(chunk) > 1 and chunk[0] & 0x0F == 8 and (chunk[0] << 8 | chunk[1]) % 31 == 0
            )
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        if self._inflater is None:
            self._keep(chunk)
            return
        data = chunk
        while data and not self._inflater.eof:
            # Never ask for more than one byte past the cap: a bomb stops here, not in memory.
            room = None if self._limit is None else self._limit - self._size + 1
            try:
                piece = (
                    self._inflater.decompress(data)
                    if room is None
                    else self._inflater.decompress(data, room)
                )
            except zlib.error as exc:
                raise DecodeError(
                    url=self._url, reason=f"the {self._encoding} body is corrupt ({exc})"
                ) from None
            self._keep(piece)
            data = self._inflater.unconsumed_tail

    def _keep(self, piece: bytes) -> None:
        if not piece:
            return
        self._size += len(piece)
        if self._limit is not None and self._size > self._limit:
            raise self._too_large(f"the {self._encoding} body inflates past {self._limit} bytes")
        self._parts.append(piece)

    def finish(self) -> bytes:
        """The whole body (inflated); a compressed stream that never ended is a cut-short body."""
        if self._inflater is not None and self._raw and not self._inflater.eof:
            raise TruncatedBodyError(
                method=self._method,
                url=self._url,
                reason=f"the {self._encoding} stream ends after {self._raw} bytes",
            )
        parts, self._parts = self._parts, []
        return parts[0] if len(parts) == 1 else b"".join(parts)
