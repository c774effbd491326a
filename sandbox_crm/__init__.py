"""The local sandbox CRM: a loopback HTTPS server speaking the Salesforce REST and HubSpot CRM v3
subsets the connectors use, seeded with a demo organisation. The demo's and the tests' CRM."""
