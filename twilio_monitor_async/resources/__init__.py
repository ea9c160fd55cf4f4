"""Resource groups: one small declarative class per API collection."""

from ._base import ApiContext, Fetching, Following, Listing, Resource
from .monitor import Alerts, Events

__all__ = ["Alerts", "ApiContext", "Events", "Fetching", "Following", "Listing", "Resource"]
