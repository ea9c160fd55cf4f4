"""The exception hierarchy: everything the library raises derives from TwilioMonitorError.

Callers catch one base class, or a precise subclass when they care about the cause (a bad
credential, a missing SID, the alarm limit, a rate limit that outlasted the retries). No message
or attribute here ever carries a credential: URLs are stored without user-info and headers are
never copied in.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "AlarmLimitError",
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConflictError",
    "ConnectError",
    "ConnectionDroppedError",
    "DecodeError",
    "DecodeWarning",
    "NotFoundError",
    "PagingError",
    "RateLimitError",
    "ResponseTimeoutError",
    "ResponseTooLargeError",
    "ServerError",
    "TransportError",
    "TruncatedBodyError",
    "TwilioMonitorError",
    "ValidationError",
]


class TwilioMonitorError(Exception):
    """Base class of every error this library raises."""


class ValidationError(TwilioMonitorError, ValueError):
    """An argument was refused before any request was sent. ``field`` names the argument."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


class ApiError(TwilioMonitorError):
    """The API answered with an error status (after retries, for the statuses that retry)."""

    def __init__(
        self,
        *,
        status: int,
        method: str,
        url: str,
        code: int | None = None,
        message: str | None = None,
        more_info: str | None = None,
    ) -> None:
        self.status = status
        self.method = method
        self.url = url
        self.code = code
        self.message = message
        self.more_info = more_info
        #: Seconds the server's Retry-After header asked for, when it sent one.
        self.retry_after: float | None = None
        text = f"HTTP {status}"
        if code is not None:
            text += f" (Twilio code {code})"
        text += f" for {method} {url}"
        if message:
            text += f": {message}"
        if more_info:
            text += f" [{more_info}]"
        super().__init__(text)


class BadRequestError(ApiError):
    """HTTP 400: the server refused the request's content."""


class AuthenticationError(ApiError):
    """HTTP 401 or 403: wrong credentials, or credentials without access."""


class NotFoundError(ApiError):
    """HTTP 404: no such resource."""


class ConflictError(ApiError):
    """HTTP 409: the request conflicts with the account's state (for Alarms: the 100-alarm limit)."""


class AlarmLimitError(ConflictError):
    """HTTP 409 from creating an alarm: the account already has its 100 alarms."""


class RateLimitError(ApiError):
    """HTTP 429 that outlasted the retry policy."""


class ServerError(ApiError):
    """HTTP 5xx that outlasted the retry policy."""


class TransportError(TwilioMonitorError):
    """No usable HTTP response. Raised as one of its subclasses, which say what went wrong.

    ``cause`` labels the kind in ``client.stats``; ``sent_nothing`` says the server cannot have
    acted on the request (so even a plain POST may be sent again). Retry decisions read these
    class attributes, never the message.
    """

    cause: ClassVar[str] = "transport"
    sent_nothing: ClassVar[bool] = False

    def __init__(self, *, method: str, url: str, reason: str) -> None:
        super().__init__(f"{method} {url}: {reason}")
        self.method = method
        self.url = url
        self.reason = reason


class ConnectError(TransportError):
    """The connection was never made (refused, unreachable, DNS): the request never left."""

    cause = "connect"
    sent_nothing = True


class ResponseTimeoutError(TransportError):
    """No complete response within the client's timeout."""

    cause = "timeout"


class ConnectionDroppedError(TransportError):
    """The connection ended before the response did (dropped, or the body cut short)."""

    cause = "dropped"


class DecodeError(TwilioMonitorError):
    """A response body was not JSON, or not the shape the endpoint returns. Never retried."""

    cause: ClassVar[str] = "decode"

    def __init__(self, *, url: str, reason: str) -> None:
        super().__init__(f"could not decode the response of {url}: {reason}")
        self.url = url
        self.reason = reason


class ResponseTooLargeError(DecodeError):
    """A response body larger than the client's ``max_response_bytes`` (as sent, or once
    inflated from gzip/deflate). Refused before reading when its Content-Length says so, and
    never retried: the same request would only bring the same body back."""

    cause: ClassVar[str] = "too large"

    def __init__(self, *, method: str, url: str, limit: int, reason: str) -> None:
        DecodeError.__init__(self, url=url, reason=f"{reason} (max_response_bytes={limit})")
        self.method = method
        self.limit = limit


class DecodeWarning(UserWarning):
    """A value in an optional field could not be decoded and was replaced by None.

    Emitted once per record type and field (not once per record), so one odd value in a page
    of 1,000 alerts, or in every page of a long export, costs one line on stderr. Silence it
    with ``warnings.filterwarnings("ignore", category=DecodeWarning)``, or turn it into an
    error (``"error"``) to make such responses fail with ``DecodeError`` instead.
    """


class TruncatedBodyError(ConnectionDroppedError, DecodeError):
    """A complete HTTP message whose JSON stops half-way: a body cut short on the wire.

    Both a ``ConnectionDroppedError`` (worth another attempt when the request is idempotent)
    and a ``DecodeError`` (the body could not be decoded).
    """

    cause = "truncated body"

    def __init__(self, *, method: str, url: str, reason: str) -> None:
        TwilioMonitorError.__init__(self, f"{method} {url}: body cut short ({reason})")
        self.method = method
        self.url = url
        self.reason = reason


class ClientClosedError(TwilioMonitorError, RuntimeError):
    """The client was used after ``aclose()`` (or after its ``async with`` block ended)."""

    def __init__(self) -> None:
        super().__init__("the client is closed")


class PagingError(TwilioMonitorError):
    """A paging link was refused: another host or scheme, garbage, or a loop back to a seen page."""

    def __init__(self, *, url: str, reason: str) -> None:
        super().__init__(f"refused to follow page link {url!r}: {reason}")
        self.url = url
        self.reason = reason
