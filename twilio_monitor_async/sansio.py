"""Pure functions that build requests and decipher responses. No I/O happens in this module.

Everything the library knows about the wire lives here: how a declared endpoint and the caller's
arguments become a method, URL, query and body; how a status and body become an error; how long
``Retry-After`` asks us to wait; where the next page is and whether it is safe to follow. Because
these are plain functions of their inputs they are tested without a network, and the transport
is left with only the sending.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from types import MappingProxyType
from typing import Any

import orjson
from attrs import field, frozen
from yarl import URL

from ._endpoints import Arg, Endpoint
from .errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    DecodeError,
    NotFoundError,
    PagingError,
    RateLimitError,
    ServerError,
    TruncatedBodyError,
    ValidationError,
)
from .models.common import PageMeta

__all__ = [
    "Arg",
    "Endpoint",
    "Request",
    "Response",
    "build_request",
    "check_base_url",
    "decipher",
    "decode_json",
    "error_for",
    "host_of",
    "is_loopback_host",
    "parse_page",
    "redact_url",
    "resolve_page_link",
    "retry_after_seconds",
    "scrub",
    "secrets_of",
]


IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
IDEMPOTENCY_HEADER = "Idempotency-Token"


_NO_ERRORS: Mapping[int, type[ApiError]] = MappingProxyType({})
_SECRET_HEADERS = frozenset({"authorization"})


def _show_headers(headers: tuple[tuple[str, str], ...]) -> str:
    shown = [(k, "<redacted>" if k.lower() in _SECRET_HEADERS else v) for k, v in headers]
    return repr(tuple(shown))


@frozen
class Request:
    """Everything needed to send one HTTP request: what a ``Transport`` is handed.

    As built from a declaration it holds nothing secret; the client adds its Authorization
    header (and ``timeout``, the seconds a transport may take for the whole response) just
    before handing it to the transport, with ``max_response_bytes``, the body size a transport
    must refuse past. The repr never shows the Authorization header.
    """

    method: str
    url: str
    params: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=_show_headers)
    body: bytes | None = field(default=None, repr=False)
    authenticated: bool = True
    timeout: float | None = None
    #: The most body a transport may read (as sent, or inflated) before ResponseTooLargeError.
    max_response_bytes: int | None = None
    #: Error classes particular to the endpoint, by status (see ``Endpoint.errors``).
    errors: Mapping[int, type[ApiError]] = field(default=_NO_ERRORS, repr=False, eq=False)

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)

    @property
    def idempotent(self) -> bool:
        """Safe to send twice: the method is idempotent, or the POST carries an idempotency token."""
        if self.method in IDEMPOTENT_METHODS:
            return True
        return any(name.lower() == IDEMPOTENCY_HEADER.lower() for name, _ in self.headers)

    @property
    def display_url(self) -> str:
        """The URL with its query, for errors and logs (never holds credentials)."""
        if not self.params:
            return redact_url(self.url)
        return redact_url(str(URL(self.url).extend_query(list(self.params))))


def build_request(endpoint: Endpoint[Any], base_url: str, arguments: Mapping[str, Any]) -> Request:
    """Check every argument against the declaration and assemble the request.

    Unknown argument names, missing required ones and bad values raise ValidationError naming
    the argument; ``None`` means "not given".
    """
    declared = endpoint.all_args
    for name in arguments:
        if name not in declared:
            known = ", ".join(sorted(n for n, a in endpoint.args.items() if a.location != "path"))
            raise ValidationError(
                name, f"is not a parameter of {endpoint.method} {endpoint.path} (known: {known})"
            )
    path_values: dict[str, str] = {}
    params: list[tuple[str, str]] = []
    form_pairs: list[tuple[str, str]] = []
    headers: list[tuple[str, str]] = []
    json_doc: Any = None
    for name, arg in declared.items():
        value = arguments.get(name)
        if value is None:
            if arg.required:
                raise ValidationError(name, "is required")
            continue
        encoded = arg.encode(name, value)
        if arg.location == "path":
            path_values[name] = urllib.parse.quote(str(encoded), safe="")
        elif arg.location == "json":
            if arg.wire is None:
                json_doc = encoded
            else:
                json_doc = {} if json_doc is None else json_doc
                json_doc[arg.wire] = encoded
        else:
            assert arg.wire is not None
            pairs = [(arg.wire, v) for v in (encoded if isinstance(encoded, list) else [encoded])]
            {"query": params, "form": form_pairs, "header": headers}[arg.location].extend(pairs)
    body: bytes | None = None
    if json_doc is not None:
        body = orjson.dumps(json_doc)
        headers.append(("Content-Type", "application/json"))
    elif form_pairs or (
        endpoint.method == "POST" and any(a.location == "form" for a in endpoint.args.values())
    ):
        body = encode_form(form_pairs)
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
    url = base_url.rstrip("/") + endpoint.path.format(**path_values)
    return Request(
        method=endpoint.method,
        url=url,
        params=tuple(params),
        headers=tuple(headers),
        body=body,
        authenticated=endpoint.authenticated,
        errors=endpoint.errors or _NO_ERRORS,
    )


@frozen
class Response:
    """What a ``Transport`` returns: one HTTP response as read off the wire, not yet judged.

    ``headers`` is looked up case-insensitively (a ``multidict.CIMultiDict`` or any mapping);
    ``url`` is where the response came from.
    """

    status: int
    headers: Mapping[str, str] = field(repr=False)
    body: bytes = field(repr=False)
    url: str

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (case-insensitive), or None."""
        value = self.headers.get(name)
        if value is not None:
            return value
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


def decipher(request: Request, response: Response) -> Any:
    """The parsed JSON of a successful response (None for an empty body), or the error to raise.

    A redirect is refused (credentials are never carried elsewhere); an error status becomes
    its ApiError subclass (the endpoint's own class first), with the ``Retry-After`` the server
    asked for; a body that is not JSON is a DecodeError, one cut short a TruncatedBodyError.
    Whatever server text goes into an error is cut to ``MAX_SERVER_TEXT`` characters and has
    the request's credentials scrubbed out (a server may echo the Authorization header).
    """
    status = response.status
    if 300 <= status < 400:
        location = scrub(redact_url(response.header("Location") or ""), request)
        raise ApiError(
            status=status,
            method=request.method,
            url=request.display_url,
            message=f"redirect to {location!r} not followed (credentials stay here)",
        )
    if status >= 400:
        error = error_for(
            status,
            response.body,
            request.method,
            request.display_url,
            request.errors,
            secrets=secrets_of(request),
        )
        error.retry_after = retry_after_seconds(response.header("Retry-After"))
        raise error
    body = response.body
    if not body:
        return None
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        # Only now are the request's credentials worth working out: to scrub the error's text.
        return decode_json(body, response.url, method=request.method, secrets=secrets_of(request))


#: The most characters of server text (an error message, a body snippet) kept in an exception.
MAX_SERVER_TEXT = 500
_REDACTED = "<redacted>"


def secrets_of(request: Request) -> tuple[str, ...]:
    """What of ``request`` must never show in an error: the Authorization value, its base64
    payload, the decoded ``user:secret`` and the secret (auth token or API secret) alone."""
    value = request.header("Authorization")
    if not value:
        return ()
    found = [value]
    scheme, _, payload = value.partition(" ")
    if scheme.lower() == "basic" and payload:
        found.append(payload)
        try:
            decoded = base64.b64decode(payload, validate=True).decode("latin1")
        except (binascii.Error, ValueError):
            decoded = ""
        if decoded:
            found.append(decoded)
            found.append(decoded.partition(":")[2])
    # Longest first, so a secret inside a longer one does not leave the rest behind.
    return tuple(sorted((s for s in found if len(s) >= 4), key=len, reverse=True))


def scrub(text: str, request: Request | tuple[str, ...], limit: int = MAX_SERVER_TEXT) -> str:
    """``text`` with the request's credentials replaced, then cut to ``limit`` characters."""
    secrets = secrets_of(request) if isinstance(request, Request) else request
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, _REDACTED)
    if len(text) > limit:
        text = text[:limit] + f"... ({len(text) - limit} more characters)"
    return text


def encode_form(pairs: Iterable[tuple[str, str]]) -> bytes:
    """``application/x-www-form-urlencoded`` with repeated keys kept in order."""
    return urllib.parse.urlencode(list(pairs)).encode()


def decode_json(
    body: bytes, url: str, *, method: str = "GET", secrets: tuple[str, ...] = ()
) -> Any:
    """Parse a JSON body. A body that is not JSON is a DecodeError; JSON that stops at the end
    of the body (a document begun and cut short) is a TruncatedBodyError."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        if exc.pos >= len(body) and body.lstrip()[:1] in (b"{", b"["):
            raise TruncatedBodyError(
                method=method, url=redact_url(url), reason=f"{len(body)} bytes, then nothing"
            ) from None
        snippet = scrub(body[: 8 * MAX_SERVER_TEXT].decode("utf-8", "replace"), secrets, 80)
        raise DecodeError(
            url=redact_url(url), reason=f"not JSON ({exc}); body starts {snippet!r}"
        ) from None


_ERROR_CLASSES: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: AuthenticationError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def error_for(
    status: int,
    body: bytes,
    method: str,
    url: str,
    classes: Mapping[int, type[ApiError]] = _NO_ERRORS,
    *,
    secrets: tuple[str, ...] = (),
) -> ApiError:
    """The exception for an error response, with Twilio's code/message/more_info when present.

    Understands Twilio's v1 body (``code``, ``message``, ``more_info``, ``status``), the v2 body
    (``http_status_code``, ``user_error``), Statuspage's ``error``, and plain text or HTML.
    The server's text is scrubbed of ``secrets`` and cut short (see ``scrub``).
    """
    cls = (
        classes.get(status)
        or _ERROR_CLASSES.get(status)
        or (ServerError if status >= 500 else ApiError)
    )
    code: int | None = None
    message: str | None = None
    more_info: str | None = None
    try:
        doc = orjson.loads(body) if body else None
    except orjson.JSONDecodeError:
        doc = None
    if isinstance(doc, dict):
        raw_code = doc.get("code")
        if isinstance(raw_code, int) and not isinstance(raw_code, bool):
            code = raw_code
        elif isinstance(raw_code, str) and raw_code.isdigit():
            code = int(raw_code)
        for key in ("message", "error", "detail"):
            value = doc.get(key)
            if isinstance(value, str) and value:
                message = value
                break
        if isinstance(doc.get("more_info"), str):
            more_info = doc["more_info"]
    elif body:
        # Scrubbed before it is cut short (in error's init below), never the other way round:
        # a cut could leave half a secret that no longer matches.
        message = body[: 8 * MAX_SERVER_TEXT].decode("utf-8", "replace").strip() or None
    return cls(
        status=status,
        method=method,
        url=redact_url(url),
        code=code,
        message=None if message is None else scrub(message, secrets),
        more_info=None if more_info is None else scrub(more_info, secrets),
    )


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date), else None."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - (now or datetime.now(timezone.utc))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def parse_page(data: Any, key: str | None, base_url: str, url: str) -> tuple[list[Any], PageMeta]:
    """Split a list response into its raw records and its meta, for both paging styles.

    A relative next link is made absolute; no link is checked here: a page is returned
    whatever its next link, which ``resolve_page_link`` checks when it is followed.
    """
    if not isinstance(data, dict):
        raise DecodeError(
            url=redact_url(url), reason=f"expected a JSON object, got {type(data).__name__}"
        )
    meta_doc = data.get("meta")
    if isinstance(meta_doc, dict):  # Monitor / Events / Alarms: meta.next_page_url
        key = key or meta_doc.get("key")
        raw_next = meta_doc.get("next_page_url")
        meta = PageMeta(
            page=_int_or_none(meta_doc.get("page")),
            page_size=_int_or_none(meta_doc.get("page_size")),
            key=_str_or_none(meta_doc.get("key")),
            url=_str_or_none(meta_doc.get("url")),
            first_page_url=_str_or_none(meta_doc.get("first_page_url")),
            previous_page_url=_str_or_none(meta_doc.get("previous_page_url")),
            next_page_url=_next_link(raw_next, base_url, url),
        )
    else:  # Api 2010: next_page_uri relative to the API host
        raw_next = data.get("next_page_uri")
        meta = PageMeta(
            page=_int_or_none(data.get("page")),
            page_size=_int_or_none(data.get("page_size")),
            key=key,
            url=_absolute(data.get("uri"), base_url),
            first_page_url=_absolute(data.get("first_page_uri"), base_url),
            previous_page_url=_absolute(data.get("previous_page_uri"), base_url),
            next_page_url=_next_link(raw_next, base_url, url),
            start=_int_or_none(data.get("start")),
            end=_int_or_none(data.get("end")),
        )
    records = data.get(key) if key else None
    if not isinstance(records, list):
        raise DecodeError(
            url=redact_url(url),
            reason=f"expected a list under {key!r}, got {type(records).__name__}",
        )
    return records, meta


def _next_link(raw: Any, base_url: str, url: str) -> str | None:
    """A next link as the page's meta keeps it: absolute when it was relative, else as sent.

    A link that is not a string at all is a broken envelope, refused like one.
    """
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise PagingError(url=repr(raw), reason="the link is not a URL")
    return _absolute(raw, base_url) or raw


#: ``{product}.twilio.com``, ``{product}.{region}.twilio.com``, ``{product}.{edge}.{region}...``
_TWILIO_HOST = re.compile(r"([a-z0-9-]+)(?:\.[a-z0-9-]+){0,2}\.twilio\.com")
#: The Twilio APIs whose links may name any region/edge host of the same product.
_TWILIO_PRODUCTS = frozenset({"monitor", "events", "api"})


def resolve_page_link(link: Any, base_url: str, domain: str | None = None) -> str:
    """An absolute, safe URL for a next-page link, or PagingError.

    Relative links (Api 2010's ``next_page_uri``) are resolved against the API base. Absolute
    links must keep the base's scheme, host and port: credentials are never sent elsewhere.
    One exception, as Twilio's own helper libraries do: a link on the Twilio host of the
    ``domain`` being read (``monitor.twilio.com`` or any ``monitor.{edge}.{region}.twilio.com``
    form of it, over https) is the same API, and its path and query go to ``base_url``.
    """
    if not isinstance(link, str) or not link.strip():
        raise PagingError(url=repr(link), reason="the link is not a URL")
    try:
        target = URL(link.strip())
        base = URL(base_url)
        if not target.is_absolute():
            if not target.path.startswith("/") or target.host:
                raise PagingError(
                    url=redact_url(link), reason="a relative link must start with '/'"
                )
            target = base.join(target)
    except (ValueError, TypeError):
        raise PagingError(url=redact_url(link), reason="the link is not a URL") from None
    if target.user is not None or target.password is not None:
        raise PagingError(url=redact_url(link), reason="the link carries user-info")
    if _same_twilio_product(target, domain) and (target.host, target.port) != (
        base.host,
        base.port,
    ):
        target = URL(f"{base.origin()}{target.raw_path_qs}", encoded=True)
    if (target.scheme, target.host, target.port) != (base.scheme, base.host, base.port):
        raise PagingError(
            url=redact_url(link),
            reason=f"it leaves {base.scheme}://{base.host}:{base.port} (the API base)",
        )
    return str(target)


#: ``scheme://netloc`` at the start of an absolute URL: what urlsplit calls the netloc, read
#: without urlsplit's cost (it is read for every request).
_NETLOC = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*)")


def host_of(url: str) -> str:
    """``host[:port]`` of ``url`` (what a 429 pause is kept by)."""
    found = _NETLOC.match(url)
    return found.group(1) if found is not None else urllib.parse.urlsplit(url).netloc


def _same_twilio_product(target: URL, domain: str | None) -> bool:
    if domain not in _TWILIO_PRODUCTS or target.scheme != "https" or target.explicit_port:
        return False
    found = _TWILIO_HOST.fullmatch(target.host or "")
    return found is not None and found.group(1) == domain


def check_base_url(domain: str, url: str, *, allow_insecure_http: bool = False) -> str:
    """A base URL the client may send credentials to: https, or http on a loopback host only
    (any host with ``allow_insecure_http``: a fake server in another container)."""
    try:
        parsed = URL(url)
    except (ValueError, TypeError):
        raise ValidationError(f"base_urls[{domain!r}]", f"{url!r} is not a URL") from None
    where = f"base_urls[{domain!r}]"
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValidationError(where, "must be an absolute http(s) URL")
    if parsed.user is not None or parsed.password is not None:
        raise ValidationError(where, "must not carry user-info; pass credentials to the client")
    if parsed.query_string or parsed.fragment:
        raise ValidationError(where, "must not have a query or fragment")
    if parsed.scheme == "http" and not (allow_insecure_http or is_loopback_host(parsed.host)):
        raise ValidationError(
            where,
            "plain http:// is allowed only for loopback hosts "
            "(allow_insecure_http=True for a fake server on another host)",
        )
    return str(parsed).rstrip("/")


def is_loopback_host(host: str) -> bool:
    """``localhost`` itself or a literal loopback address: nothing that goes through DNS
    (``anything.localhost`` may resolve anywhere)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def redact_url(url: str) -> str:
    """The URL without user-info, so it can go into logs and messages."""
    try:
        parsed = URL(url)
    except (ValueError, TypeError):
        return "<unparseable URL>"
    if parsed.user is None and parsed.password is None:
        return url
    return str(parsed.with_user(None).with_password(None))


def _absolute(uri: Any, base_url: str) -> str | None:
    """An Api 2010 envelope link (``uri``, ``first_page_uri``, ...) made absolute.

    These links are informational (only ``next_page_uri`` is followed, and it is checked by
    resolve_page_link), so one that cannot be parsed, e.g. ``//[bad``, is dropped like any
    other value of the wrong shape rather than failing the page.
    """
    if not isinstance(uri, str) or not uri:
        return None
    if not uri.startswith("/"):
        return uri
    try:
        return str(URL(base_url).join(URL(uri)))
    except (ValueError, TypeError):
        return None


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None
