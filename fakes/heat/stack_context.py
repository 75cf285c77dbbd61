"""The resolve() context of one stack: parameters (with Heat's pseudo parameters), references
and attributes of its resources as they are right now, and its files."""
from __future__ import annotations

from typing import Any

from fakes.heat.template_errors import TemplateError


def parameter_values(stack) -> dict:
    values = {"OS::stack_id": stack.id, "OS::stack_name": stack.name,
              "OS::project_id": stack.tenant}
    values.update(stack.param_values)
    return values


class StackContext:
    def __init__(self, stack, params: dict | None = None) -> None:
        self.stack = stack
        self.params = parameter_values(stack) if params is None else params

    def param(self, name: str) -> Any:
        if name not in self.params:
            raise TemplateError(f"The Parameter ({name}) was not provided.", [],
                                "UserParameterMissing")
        return self.params[name]

    def _resource(self, name: str):
        res = self.stack.resources.get(name)
        # While a stack is being deleted Heat resolves no reference (rg-41 in the traces).
        if res is None or res.plugin is None or self.stack.action == "DELETE":
            raise TemplateError(f'The specified reference "{name}" (in unknown) is '
                                "incorrect.", [], "InvalidTemplateReference")
        return res

    def resource_ref(self, name: str) -> Any:
        return self._resource(name).plugin.reference()

    def resource_attr(self, name: str, attr: str | None, *path: Any) -> Any:
        return self._resource(name).plugin.get_attribute(attr, tuple(path))

    def file(self, name: str) -> str:
        if name not in self.stack.files:
            raise TemplateError('No content found in the "files" section for get_file path: '
                                f"{name}")
        return self.stack.files[name]


class ValidationContext(StackContext):
    """Resolving before anything exists: references and attributes are not known yet."""

    def __init__(self, params: dict, files: dict) -> None:
        self.params = params
        self.files = files

    def resource_ref(self, name: str) -> Any:
        return None

    def resource_attr(self, name: str, attr: str | None, *path: Any) -> Any:
        return None

    def file(self, name: str) -> str:
        if name not in self.files:
            raise TemplateError('No content found in the "files" section for get_file path: '
                                f"{name}")
        return self.files[name]

