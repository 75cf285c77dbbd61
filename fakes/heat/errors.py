"""The engine's typed errors: Heat's exception type name, its message and the HTTP status the
API answers with (heat/common/exception.py messages, heat/api/middleware/fault.py mapping).

Every error has `status`, `error_type` and `message` (the same attribute names as the API
layer's ApiError, so one handler renders both).
"""
from __future__ import annotations

from fakes.heat.template_errors import TemplateError, format_path


class HeatError(Exception):
    status = 500
    error_type = "HeatException"

    def __init__(self, message: str, error_type: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if error_type:
            self.error_type = error_type


class EntityNotFound(HeatError):
    status, error_type = 404, "EntityNotFound"

    def __init__(self, entity: str, name: str) -> None:
        super().__init__(f"The {entity} ({name}) could not be found.")


class ResourceNotFound(HeatError):
    status, error_type = 404, "ResourceNotFound"

    def __init__(self, resource_name: str, stack_name: str) -> None:
        super().__init__(f"The Resource ({resource_name}) could not be found in "
                         f"Stack {stack_name}.")


class ResourceNotAvailable(HeatError):
    status, error_type = 404, "ResourceNotAvailable"

    def __init__(self, resource_name: str) -> None:
        super().__init__(f"The Resource ({resource_name}) is not available.")


class NotFound(HeatError):
    status, error_type = 404, "NotFound"


class StackExists(HeatError):
    status, error_type = 409, "StackExists"

    def __init__(self, stack_name: str) -> None:
        super().__init__(f"The Stack ({stack_name}) already exists.")


class ActionInProgress(HeatError):
    status, error_type = 409, "ActionInProgress"

    def __init__(self, stack_name: str, action: str) -> None:
        super().__init__(f"Stack {stack_name} already has an action ({action}) in progress.")


class StackValidationFailed(HeatError):
    status, error_type = 400, "StackValidationFailed"


class InvalidTemplateReference(HeatError):
    status, error_type = 400, "InvalidTemplateReference"

    def __init__(self, resource: str, key: str) -> None:
        super().__init__(f'The specified reference "{resource}" (in {key}) is incorrect.')


class ResourceTypeNotFound(StackValidationFailed):
    """heat/engine/environment.py turns EntityNotFound into StackValidationFailed(message)."""

    def __init__(self, type_name: str) -> None:
        super().__init__(f"The Resource Type ({type_name}) could not be found.")
        self.type_name = type_name


class ResourceActionNotSupported(HeatError):
    status, error_type = 400, "ResourceActionNotSupported"

    def __init__(self, action: str) -> None:
        super().__init__(f"{action} is not supported for resource.")


class NotSupported(HeatError):
    status, error_type = 400, "NotSupported"

    def __init__(self, feature: str) -> None:
        super().__init__(f"{feature} is not supported.")


class InvalidTenant(HeatError):
    status, error_type = 403, "InvalidTenant"

    def __init__(self, target: str, actual: str) -> None:
        super().__init__(f"Searching Tenant {target} from Tenant {actual} forbidden.")


class BadRequest(HeatError):
    status, error_type = 400, "HTTPBadRequest"


class Invalid(HeatError):
    status, error_type = 400, "Invalid"


def from_template_error(error: TemplateError) -> HeatError:
    """A refused template/environment/parameter -> the 400 Heat answers (type kept)."""
    return HeatError400(str(error), error.error_type)


class HeatError400(HeatError):
    status = 400


class ResourceFailure(Exception):
    """A resource action failed: Heat's ResourceFailure / HeatExceptionWithPath text.

    `str()` is `<error>: <path>: <message>` with the path rendered like Heat
    (`resources.Compute.resources[0].resources.deployment`).
    """

    def __init__(self, error: str, path: list, message: str) -> None:
        self.error, self.path, self.message = error, list(path), message
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [f"{self.error}: " if self.error else "",
                 f"{format_path(self.path)}: " if self.path else "", self.message]
        return "".join(parts)

    @classmethod
    def from_exception(cls, error_type: str, message: str, resource_name: str):
        return cls(error_type, ["resources", resource_name], message)

    @classmethod
    def from_nested_reason(cls, reason: str, action: str, resource_name: str):
        """The parent resource's failure built from its nested stack's status reason, parsed
        the way Heat's `_from_status_reason` does (splitting on ':' and stripping)."""
        path = ["resources", resource_name]
        if f"Resource {action} failed: " in reason:
            parsed = [part.strip() for part in reason.split(":")]
            if len(parsed) >= 4:
                return cls(parsed[1], path + parsed[2].split("."), ": ".join(parsed[3:]))
            return cls("", path, reason)
        return cls("", path, reason)


class ResourceError(Exception):
    """Raised by a resource plugin: Heat's `exception.Error` (type name `Error`)."""

    error_type = "Error"
