"""Shared Django pieces: base models, the append-only audit log, service helpers,
roles and the workflow machinery every app uses."""
