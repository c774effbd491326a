"""Kept for existing imports: the HubSpot dialect lives in ``sandbox_crm.hubspot`` (import from there)."""

from __future__ import annotations

from sandbox_crm.hubspot import (
    INTEGRATION_SOURCE,
    OAUTH_CLIENT_ID,
    OAUTH_CLIENT_SECRET,
    OAUTH_REFRESH_TOKEN,
    PORTAL_ID,
    SANDBOX_TOKEN,
    HubSpotApi,
    person_source,
)

__all__ = ["INTEGRATION_SOURCE", "OAUTH_CLIENT_ID", "OAUTH_CLIENT_SECRET", "OAUTH_REFRESH_TOKEN", "PORTAL_ID",
           "SANDBOX_TOKEN", "HubSpotApi", "person_source"]
