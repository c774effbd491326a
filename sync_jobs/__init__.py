"""The application layer: the nightly pipeline, store, locks, scheduler and CLI."""
