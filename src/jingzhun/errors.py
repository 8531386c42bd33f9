"""Typed domain errors carrying a user-facing message; views and API turn them into 4xx responses."""


class DomainError(Exception):
    status = 400

    def __init__(self, message, *, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class OutOfScope(DomainError):
    """The record exists but lies outside the actor's area or role."""

    status = 403


class NotAllowed(DomainError):
    """The actor's role may not perform this action (for example a read-only auditor)."""

    status = 403


class InvalidTransition(DomainError):
    status = 409
