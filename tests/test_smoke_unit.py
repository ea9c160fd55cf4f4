from __future__ import annotations

from twilio_monitor_async import TwilioMonitorClient

from .conftest import API


async def test_alert_list_sends_filters(mock_http, client: TwilioMonitorClient) -> None:
    mock_http.get(
        f"{API}/v1/Alerts?LogLevel=error&PageSize=5",
        payload={
            "alerts": [{"sid": "NO" + "a" * 32}],
            "meta": {"next_page_url": None, "key": "alerts"},
        },
    )
    alerts = await client.alerts.list(limit=5, log_level="error")
    assert [a.sid for a in alerts] == ["NO" + "a" * 32]
