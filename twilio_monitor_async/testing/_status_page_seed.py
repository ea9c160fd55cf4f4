"""The fake status page's seed data: Twilio's layout of components, and a made-up history.

The layout mirrors Twilio's real page (products, and carrier connectivity by region: about 300
components and groups); ``seed`` lays it out on a ``FakeStatusPage`` and plays a deterministic
history of incidents and maintenances over the 400 days before the state's "now".
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ._state import ServerState
from ._status_page_state import Doc, FakeStatusPage, stamp

__all__ = ["LAYOUT_SIZE", "PRODUCTS", "REGIONS", "SIZES", "seed"]

PRODUCTS: dict[str, tuple[str, ...]] = {
    "Programmable Voice": (
        "Outbound Calls",
        "Inbound Calls",
        "Call Recording",
        "Conference",
        "Media Streams",
        "Voice Insights",
        "TwiML Execution",
        "Status Callbacks",
    ),
    "Programmable Messaging": (
        "Outbound SMS",
        "Inbound SMS",
        "Outbound MMS",
        "Inbound MMS",
        "Messaging Services",
        "Short Codes",
        "Toll-Free Messaging",
        "A2P 10DLC Registration",
        "Status Callbacks",
    ),
    "WhatsApp": ("Outbound Messages", "Inbound Messages", "Templates", "Sender Registration"),
    "Verify": ("SMS Verification", "Voice Verification", "Email Verification", "TOTP", "Push"),
    "Elastic SIP Trunking": ("Origination", "Termination", "Registration", "Secure Trunking"),
    "Twilio Console": ("Login", "Usage Records", "Billing", "Phone Number Purchasing"),
    "REST API": ("api.twilio.com", "Rate Limiting", "Edge Locations", "Webhooks"),
    "Debugger & Monitor": ("Debugger", "Alerts API", "Events API", "Notifications API", "Alarms"),
    "Serverless": ("Functions", "Assets", "Builds", "Deployments"),
    "Studio": ("Flow Execution", "Flow Editor", "REST API Trigger"),
    "Conversations": ("Messaging", "Webhooks", "Media"),
    "Video": ("Group Rooms", "Recording", "Compositions"),
    "Flex": ("Agent Desktop", "TaskRouter", "Flex Insights"),
    "Lookup": ("Carrier Lookup", "Caller Name", "Line Type Intelligence"),
    "SendGrid Email API": ("Mail Send", "Event Webhook", "Marketing Campaigns"),
}
REGIONS: dict[str, tuple[str, ...]] = {
    "North America": ("United States", "Canada", "Mexico", "Puerto Rico", "Jamaica", "Bahamas"),
    "Latin America": (
        "Argentina",
        "Brazil",
        "Chile",
        "Colombia",
        "Peru",
        "Ecuador",
        "Venezuela",
        "Uruguay",
        "Paraguay",
        "Bolivia",
        "Costa Rica",
        "Panama",
        "Guatemala",
        "Honduras",
        "El Salvador",
        "Dominican Republic",
    ),
    "Europe": (
        "United Kingdom",
        "Ireland",
        "France",
        "Germany",
        "Spain",
        "Portugal",
        "Italy",
        "Netherlands",
        "Belgium",
        "Switzerland",
        "Austria",
        "Poland",
        "Czech Republic",
        "Sweden",
        "Norway",
        "Denmark",
        "Finland",
        "Greece",
        "Romania",
        "Hungary",
        "Ukraine",
        "Turkey",
    ),
    "Asia Pacific": (
        "Australia",
        "New Zealand",
        "Japan",
        "South Korea",
        "China",
        "Hong Kong",
        "Taiwan",
        "Singapore",
        "Malaysia",
        "Indonesia",
        "Philippines",
        "Thailand",
        "Vietnam",
        "India",
        "Pakistan",
        "Bangladesh",
        "Sri Lanka",
    ),
    "Middle East & Africa": (
        "Israel",
        "United Arab Emirates",
        "Saudi Arabia",
        "Qatar",
        "Egypt",
        "Morocco",
        "Nigeria",
        "Kenya",
        "Ghana",
        "South Africa",
    ),
}
_CHANNELS = ("SMS Carrier Connectivity", "Voice Carrier Connectivity", "Number Porting")
_INCIDENT_NAMES = (
    "Delayed SMS delivery to {c}",
    "Degraded call quality for {c}",
    "Elevated API error rates for {c}",
    "Increased latency for {c}",
    "Webhook delivery delays for {c}",
    "Partial outage of {c}",
)


def _layout() -> list[tuple[str, tuple[str, ...]]]:
    groups = list(PRODUCTS.items())
    for channel in _CHANNELS:
        for region, countries in REGIONS.items():
            groups.append((f"{channel} - {region}", countries))
    return groups


#: Components and groups of the page as laid out (about 300). A larger size repeats the layout
#: with numbered names; a smaller one cuts it short.
LAYOUT_SIZE = sum(1 + len(children) for _, children in _layout())
SIZES = {"status_components": LAYOUT_SIZE, "status_incidents": 60, "status_maintenances": 20}


def seed(
    state: ServerState,
    rng: random.Random,
    *,
    status_components: int,
    status_incidents: int,
    status_maintenances: int,
) -> None:
    start = state.now - timedelta(days=400)
    page = FakeStatusPage(now=start, seed=rng.randrange(2**32))
    created = stamp(page.now)
    layout = _layout()
    round_ = 0
    while len(page.components) < status_components:
        for group_name, children in layout:
            if len(page.components) >= status_components:
                break
            suffix = "" if round_ == 0 else f" ({round_ + 1})"
            group = page.add_component(group_name + suffix, is_group=True, created=created)
            for child in children:
                if len(page.components) >= status_components:
                    break
                page.add_component(child + suffix, group=group, created=created)
        round_ += 1
    leaves = page.leaves()
    # History, oldest first, on the page's logical clock, ending before the state's "now".
    events = sorted(
        [("incident", rng.randrange(1, 390 * 24)) for _ in range(status_incidents)]
        + [("maintenance", rng.randrange(1, 390 * 24)) for _ in range(status_maintenances)],
        key=lambda e: e[1],
    )
    for kind, hour in events:
        page.advance(max(timedelta(0), start + timedelta(hours=hour) - page.now))
        touched = rng.sample(leaves, k=min(len(leaves), rng.randint(1, 3))) if leaves else []
        label = touched[0]["name"] if touched else "Twilio"
        if kind == "incident":
            name = rng.choice(_INCIDENT_NAMES).format(c=label)
            impact = rng.choice(("minor", "minor", "major", "critical"))
            status = {"minor": "degraded_performance", "major": "partial_outage"}.get(
                impact, "major_outage"
            )
            incident = page.open_incident(
                name, components=touched, component_status=status, impact=impact
            )
            for step in ("identified", "monitoring")[: rng.randint(0, 2)]:
                page.advance(timedelta(minutes=rng.randint(5, 90)))
                page.update_incident(incident["id"], step)
            page.advance(timedelta(minutes=rng.randint(10, 240)))
            page.resolve_incident(incident["id"])
            if rng.random() < 0.15:
                page.update_incident(incident["id"], "postmortem")
        else:
            maintenance = page.schedule_maintenance(
                f"{label} carrier maintenance",
                starts_in=timedelta(days=rng.randint(1, 5)),
                components=touched,
            )
            begins = datetime.fromisoformat(maintenance["scheduled_for"][:-1] + "+00:00")
            page.advance(begins - page.now)
            page.start_maintenance(maintenance["id"])
            page.advance(timedelta(hours=2))
            page.complete_maintenance(maintenance["id"])
    page.advance(max(timedelta(0), state.now - page.now))
    # Two windows still ahead, as the real page usually shows.
    for label, days in (("Voice Carrier Connectivity - Europe", 3), ("Short Codes", 9)):
        target = next((c for c in page.components if c["name"] == label), None)
        if target is None:
            chosen: list[Doc] = []
        elif target["group"]:  # a group's maintenance is its components'
            chosen = [page.component(i) for i in target["components"]]
        else:
            chosen = [target]
        page.schedule_maintenance(
            f"Planned maintenance: {label}", starts_in=timedelta(days=days), components=chosen
        )
    page.maintenances.sort(key=lambda m: m["scheduled_for"], reverse=True)
    state.extra["status_page"] = page
