"""The local sandbox CRM: a loopback HTTPS server speaking the Salesforce REST and HubSpot CRM v3
subsets the connectors use, seeded with a demo organisation. The demo's and the tests' CRM.

What it emulates (and from which vendor documentation), what it does not do, and how it is composed
(``salesforce/``, ``hubspot/``, one object per concern): README.md in this folder."""
