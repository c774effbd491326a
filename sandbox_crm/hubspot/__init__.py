"""The HubSpot dialect of the sandbox CRM, composed of one object per concern (see ``api.py``)."""

from __future__ import annotations

from sandbox_crm.hubspot.api import HubSpotApi
from sandbox_crm.hubspot.auth import OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_REFRESH_TOKEN, SANDBOX_TOKEN
from sandbox_crm.hubspot.records import INTEGRATION_SOURCE, PORTAL_ID, person_source

__all__ = ["INTEGRATION_SOURCE", "OAUTH_CLIENT_ID", "OAUTH_CLIENT_SECRET", "OAUTH_REFRESH_TOKEN", "PORTAL_ID",
           "SANDBOX_TOKEN", "HubSpotApi", "person_source"]
