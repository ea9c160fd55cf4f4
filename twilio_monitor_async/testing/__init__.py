"""A fake Twilio server for tests, demos and benchmarks: public API, like httpx's MockTransport.

It serves Monitor alerts and events (and, as they are added, every other API of the client)
from seeded, deterministic data, with Twilio's real paging, Basic auth, filters, and fault
injection. Use it as ``async with FakeTwilio() as fake: async with fake.client() as client: ...``,
mount ``create_app(state)`` in your own aiohttp test server, or run ``twilio-monitor fake-server``.
``FakeTransport`` serves the same fake in-process (no socket, no port):
``TwilioMonitorClient(sid, token, transport=FakeTransport())``. Custom routes take a
``FakeRequest`` (built from the library's own ``Request``) and answer a library ``Response``.
"""

from ._fake_state import FakeState
from ._http import FakeRequest, json_response, no_content, twilio_error
from ._live import OPEN_INCIDENT, LiveClock, live_account
from ._routes import CustomRoute, InstanceRoute, ListRoute
from ._server import FakeTwilio, create_app
from ._state import (
    ALL_FAULTS,
    FAKE_ACCOUNT_SID,
    FAKE_AUTH_TOKEN,
    HOSTILE_FAULTS,
    FakeStats,
    FaultPlan,
    SeenRequest,
)
from ._status_page_state import FakeStatusPage
from ._store import Collection, Day, Match, Since, Until
from ._transport import FakeTransport

__all__ = [
    "ALL_FAULTS",
    "FAKE_ACCOUNT_SID",
    "FAKE_AUTH_TOKEN",
    "HOSTILE_FAULTS",
    "OPEN_INCIDENT",
    "Collection",
    "CustomRoute",
    "Day",
    "FakeRequest",
    "FakeState",
    "FakeStats",
    "FakeStatusPage",
    "FakeTransport",
    "FakeTwilio",
    "FaultPlan",
    "InstanceRoute",
    "ListRoute",
    "LiveClock",
    "Match",
    "SeenRequest",
    "Since",
    "Until",
    "create_app",
    "json_response",
    "live_account",
    "no_content",
    "twilio_error",
]
