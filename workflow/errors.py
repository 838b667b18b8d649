"""Domain errors. Services raise them; the web and API layers turn each into one HTTP status."""


class DomainError(Exception):
    status = 400
    code = "error"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """The action is impossible in the current state, or the data changed since it was read."""

    status = 409
    code = "conflict"


class StaleVersion(Conflict):
    """The data changed since the client read it: saving its copy would overwrite what someone else just saved."""


class ValidationError(DomainError):
    status = 422
    code = "validation_error"


class AuthenticationError(DomainError):
    status = 401
    code = "unauthorized"
