"""A fake Twilio server for tests, demos and benchmarks: public API, like httpx's MockTransport.

It serves Monitor alerts and events (and, as they are added, every other API of the client)
from seeded, deterministic data, with Twilio's real paging, Basic auth, filters, and fault
injection. Use it as ``async with FakeTwilio() as fake: async with fake.client() as client: ...``,
mount ``create_app(state)`` in your own aiohttp test server, or run ``twilio-monitor fake-server``.
"""

from ._live import OPEN_INCIDENT, LiveClock, live_account
from ._routes import (
    CustomRoute,
    InstanceRoute,
    ListRoute,
    SeenRequest,
    json_response,
    twilio_error,
)
from ._server import (
    ALL_FAULTS,
    FAKE_ACCOUNT_SID,
    FAKE_AUTH_TOKEN,
    FakeState,
    FakeStats,
    FakeTwilio,
    FaultPlan,
    create_app,
)
from ._status_page import FakeStatusPage
from ._store import Collection, Day, Match, Since, Until

__all__ = [
    "ALL_FAULTS",
    "FAKE_ACCOUNT_SID",
    "FAKE_AUTH_TOKEN",
    "OPEN_INCIDENT",
    "Collection",
    "CustomRoute",
    "Day",
    "FakeState",
    "FakeStats",
    "FakeStatusPage",
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
    "twilio_error",
]
