"""Adapters between one CRM's wire objects and pac_core's normalised records, behind one Protocol."""
