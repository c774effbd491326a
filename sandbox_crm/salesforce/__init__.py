"""The Salesforce dialect of the sandbox CRM, composed of one object per concern (see ``api.py``)."""

from __future__ import annotations

from sandbox_crm.salesforce.api import INTEGRATION_USER, VERSIONS, SalesforceApi
from sandbox_crm.salesforce.wire import sf_id, to18

__all__ = ["INTEGRATION_USER", "VERSIONS", "SalesforceApi", "sf_id", "to18"]
