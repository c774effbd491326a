"""CLI commands (filled in by their area)."""

import click


def register(group: click.Group) -> None:
    """Add this module's commands to ``group``."""
