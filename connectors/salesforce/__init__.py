"""Salesforce adapter (simple-salesforce)."""
