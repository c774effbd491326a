"""CLI commands for mappings and CRM schema (filled in by the connectors area)."""

import click


def register(config_group: click.Group, crm_group: click.Group) -> None:
    """Add ``pac config check`` and ``pac crm check|provision``."""
