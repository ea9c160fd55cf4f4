"""Records (attrs, frozen, slotted) and the converter that decodes them."""

from ._converter import converter, parse_datetime
from .common import PageMeta
from .monitor import Alert, AlertInstance, Event, LogLevel

__all__ = [
    "Alert",
    "AlertInstance",
    "Event",
    "LogLevel",
    "PageMeta",
    "converter",
    "parse_datetime",
]
