"""Kept for existing imports: the Salesforce dialect lives in ``sandbox_crm.salesforce`` (import from there)."""

from __future__ import annotations

from sandbox_crm.salesforce import INTEGRATION_USER, SalesforceApi, sf_id, to18

__all__ = ["INTEGRATION_USER", "SalesforceApi", "sf_id", "to18"]
