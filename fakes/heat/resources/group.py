"""OS::Heat::ResourceGroup (heat/engine/resources/openstack/heat/resource_group.py).

The members live in a nested stack generated from `resource_def`: `count` resources named
"0", "1", ... with `%index%` (or `index_var`) replaced in every string property. Scaling down
drops the highest indexes (the regenerated template no longer has them, so the nested update
deletes them) unless `removal_policies` name the members to remove (by name or physical id;
those names are never reused); scaling up adds the next free indexes; existing members are
updated like any nested stack. The generated template carries an output for every group attribute the parent template
reads, as Heat's does, so showing the group stack shows them.
"""
from __future__ import annotations

from typing import Any

from fakes.heat import errors
from fakes.heat.functions import select_path, walk_functions
from fakes.heat.resources.nested import NestedStackPlugin
from fakes.heat.template import substitute_index

GROUP_TEMPLATE_VERSION = "2015-04-30"


class ResourceGroup(NestedStackPlugin):
    type_name = "OS::Heat::ResourceGroup"
    attribute_names = ("attributes", "refs_map", "removed_rsrc_list", "refs")

    @classmethod
    def validate_properties(cls, props: dict, resource_name: str) -> None:
        where = f"resources.{resource_name}.properties"
        count = props.get("count", 1)
        if count is not None and (not _is_int(count) or int(count) < 0):
            raise errors.StackValidationFailed(
                f"Property error: {where}.count: Value '{count}' is not an integer")
        rdef = props.get("resource_def")
        if not isinstance(rdef, dict) or not rdef.get("type"):
            raise errors.StackValidationFailed(
                f"Property error: {where}.resource_def: Property type not assigned")
        mode = props.get("removal_policies_mode")
        if mode is not None and mode not in ("append", "update"):
            raise errors.StackValidationFailed(
                f'Property error: {where}.removal_policies_mode: "{mode}" is not an allowed '
                "value [append, update]")

    def member_definition(self, index: str) -> dict:
        rdef = self.props["resource_def"]
        index_var = self.props.get("index_var") or "%index%"
        snippet = {"type": rdef["type"],
                   "properties": substitute_index(rdef.get("properties") or {}, index,
                                                  index_var)}
        if rdef.get("metadata"):
            snippet["metadata"] = substitute_index(rdef["metadata"], index, index_var)
        return snippet

    def member_names(self) -> list[str]:
        """`count` names from 0 up, skipping removed ones (never reused, as in Heat)."""
        skip = set(self.skiplist())
        wanted = int(self.props.get("count", 1) or 0)
        names, index = [], 0
        while len(names) < wanted:
            if str(index) not in skip:
                names.append(str(index))
            index += 1
        return names

    def skiplist(self) -> list[str]:
        return sorted(self.resource.data.get("name_skiplist", []), key=_index_key)

    def _update_skiplist(self) -> None:
        """Resolve removal_policies (member names or physical ids) into the stored skiplist
        (heat resource_group.py _update_name_skiplist); mode `update` starts it afresh."""
        current = set(self.resource.data.get("name_skiplist", []))
        updated = set() if self.props.get("removal_policies_mode") == "update" else set(current)
        child = self.nested()
        members = {m.name: m for m in child.resources.values()} if child else {}
        for policy in self.props.get("removal_policies") or []:
            for item in (policy or {}).get("resource_list") or []:
                name = str(item)
                if name in current or child is None or name in members:
                    updated.add(name)
                    continue
                for member in members.values():
                    if member.plugin.reference() == item or member.resource_id == item:
                        updated.add(member.name)
        self.resource.data["name_skiplist"] = sorted(updated, key=_index_key)

    def handle_create(self) -> None:
        self._update_skiplist()
        super().handle_create()

    def handle_update(self, old_props: dict) -> None:
        self._update_skiplist()
        super().handle_update(old_props)

    def nested_template(self) -> dict:
        names = self.member_names()
        outputs = {}
        for attr in self._referenced_attributes():
            if attr == "refs":
                value: Any = [{"get_resource": n} for n in names]
            elif attr == "refs_map":
                value = {n: {"get_resource": n} for n in names}
            elif attr in ("removed_rsrc_list", "attributes") or attr.startswith("resource."):
                continue
            else:
                value = [{"get_attr": [n, attr]} for n in names]
            outputs[attr] = {"value": value}
        return {"heat_template_version": GROUP_TEMPLATE_VERSION,
                "resources": {n: self.member_definition(n) for n in names},
                "outputs": outputs}

    def _referenced_attributes(self) -> list[str]:
        found = []
        for _, snippet in _parent_snippets(self.stack.template):
            for fn, args, _path in walk_functions(snippet, []):
                if fn == "get_attr" and isinstance(args, list) and len(args) > 1 \
                        and args[0] == self.name and isinstance(args[1], str) \
                        and args[1] not in found:
                    found.append(args[1])
        return found

    # -- attributes -----------------------------------------------------------------------
    def members(self) -> list:
        child = self.nested()
        if child is None:
            return []
        names = [n for n in self.member_names() if n in child.resources]
        return [child.resources[n] for n in names]

    def get_attribute(self, name, path=()):
        if name is None:
            return {key: self.attribute(key) for key in self.attribute_names}
        if name == "attributes":
            if not path:
                return None
            return {m.name: m.plugin.get_attribute(path[0], tuple(path[1:]))
                    for m in self.members()}
        if name.startswith("resource."):
            return self._member_attribute(name, tuple(path))
        return select_path(self.attribute(name), path)

    def _member_attribute(self, name: str, path: tuple):
        parts = name.split(".", 2)
        member = next((m for m in self.members() if m.name == parts[1]), None)
        if member is None:
            raise errors.HeatError400(f"Member '{parts[1]}' of ResourceGroup '{self.name}' "
                                      "not found", "InvalidTemplateAttribute")
        attr = parts[2] if len(parts) == 3 else (path[0] if path else None)
        rest = path if len(parts) == 3 else path[1:]
        if attr is None:
            return member.plugin.reference()
        return member.plugin.get_attribute(attr, rest)

    def attribute(self, name: str):
        members = self.members()
        if name == "refs":
            return [m.plugin.reference() for m in members]
        if name == "refs_map":
            return {m.name: m.plugin.reference() for m in members}
        if name == "removed_rsrc_list":
            return self.skiplist()
        if name == "attributes":
            return None
        return [m.plugin.get_attribute(name) for m in members]

    def shown_attributes(self, extra=None) -> dict:
        """Resource show resolves group attributes through `_resolve_attribute`, which Heat's
        ResourceGroup only implements for removed_rsrc_list: the rest shows null (rg-07)."""
        shown = {key: None for key in list(self.attribute_names) + list(extra or [])}
        shown["removed_rsrc_list"] = self.skiplist()
        return shown


def _parent_snippets(template):
    for name, defn in template.resources.items():
        yield name, defn.get("properties")
    for name, output in template.outputs.items():
        yield name, output.get("value")


def _index_key(name: str):
    return (0, int(name)) if name.isdigit() else (1, name)


def _is_int(value) -> bool:
    try:
        return int(value) == float(value)
    except (TypeError, ValueError):
        return False
