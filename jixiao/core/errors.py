"""Errors raised by services: a refusal a person can read, never a traceback."""

from __future__ import annotations

from collections.abc import Sequence


class ServiceError(Exception):
    """A business rule refused the action. `message` is meant for the person who acted."""

    def __init__(self, message: str, *, details: Sequence[object] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details)

    def __str__(self) -> str:
        if not self.details:
            return str(self.message)
        return "\n".join([str(self.message), *(f"  {detail}" for detail in self.details)])


class NotAllowed(ServiceError):
    """The actor may not do this (their role does not allow it)."""


class NotFound(Exception):
    """No such object — or one the person may not see: both get the same answer."""


class InvalidTransition(ServiceError):
    """A workflow state change that the transition table does not allow."""


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or remove an audit event."""
