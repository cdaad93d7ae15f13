"""Terraform into an `Imported`: `terraform show -json` (a plan or a state) and `.tf` files.

Both are read into `Resource`s — an address, a type, the first instance's values, how many
instances, and the addresses each top-level attribute refers to — and one mapping turns those
into components and calls (DESIGN.md §9):

- **Components**: the resource types of `RESOURCES` (load balancers, compute, functions,
  databases, caches, queues, buckets, CDNs, DNS zones of AWS, Google Cloud and Azure), with
  their counts (`desired_count`, `min_size`, `multi_az`, cluster instances,
  `num_cache_clusters`, Memorystore and Azure Cache tiers, `count`). A read replica
  (`replicate_source_db`, `master_instance_name`) or an Aurora cluster instance is counted in
  its store, not drawn beside it.
- **Calls** follow references, as a reviewer reads them: a component calls what its
  attributes refer to (a task definition's environment naming a database's address), through
  the resources that only wire things together (`WIRING`: task definitions, launch templates,
  listeners, target groups, backend services, …). A few wiring resources join two others
  (`JOINS`: a listener joins a load balancer to a target group, an event source mapping a
  queue to a function); a target group is called by its load balancer and calls what is
  registered in it. Networks, security groups, roles and keys carry no calls.
- **Entry points**: DNS zones, CDNs, API gateways and public load balancers (not `internal`)
  that no CDN or gateway of the same deployment fronts.

A plan's references come from its `configuration` (through module calls and outputs); a state
has none, so its calls come from `depends_on` and from attribute values equal to another
resource's id or ARN. `.tf` files are read with python-hcl2 (`archgen[terraform]`); their
`module` blocks are not followed (a plan includes them). The tables are in `terraform_types`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from archgen.errors import ArchgenError, Problem, SpecError
from archgen.importers.evidence import Evidence, Imported, ImportedComponent
from archgen.importers.tables import component_id
from archgen.importers.terraform_types import (
    CLOUD_CDN,
    ENTRY_KINDS,
    FRONT_KINDS,
    JOINS,
    MEMBERS,
    NOT_CALLS,
    PLATFORMS,
    POOLS,
    RESOURCES,
    WIRING,
    Resource,
)

# --- reading -------------------------------------------------------------------------------


def read(files: Sequence[tuple[str, bytes]], name: str) -> Imported:
    """Read a plan or state (`terraform show -json`) or `.tf` files into an `Imported`."""
    resources: dict[str, Resource] = {}
    notes: list[str] = []
    for shown, data in files:
        found = _from_hcl(shown, data, notes) if shown.endswith(".tf") else _from_json(shown, data)
        for address, resource in found.items():
            resources.setdefault(address, resource)
    return _design(resources, name, notes)


_INDEX = re.compile(r"\[[^\]]*\]")


def _from_json(shown: str, data: bytes) -> dict[str, Resource]:
    """Read `terraform show -json` of a plan (`planned_values`, `configuration`) or of a state (`values`)."""
    text = data.decode("utf-8", errors="replace")
    document = _document(shown, text)
    values = document.get("planned_values") or document.get("values")
    root = values.get("root_module") if isinstance(values, dict) else None
    if not isinstance(root, dict):
        raise ArchgenError(f"{shown}: no `planned_values` or `values` with a `root_module`: not a plan or state")
    lines = _address_lines(text)
    resources: dict[str, Resource] = {}
    for entry in _module_resources(root):
        if entry.get("mode") == "data" or not isinstance(entry.get("address"), str):
            continue
        address = _INDEX.sub("", entry["address"])
        values = _dict(entry.get("values"))
        found = resources.get(address)
        if found is not None:
            found.count += 1
            found.zones += _zones(values)
            continue
        kind, name = str(entry.get("type", "")), str(entry.get("name", ""))
        evidence = Evidence(shown, lines.get(entry["address"], 1), address)
        resources[address] = Resource(address, kind, name, values, evidence, zones=_zones(values))
        resources[address].refs = {"depends_on": set(map(_strip, _strings(entry.get("depends_on"))))}
    configuration = document.get("configuration")
    if isinstance(configuration, dict) and isinstance(configuration.get("root_module"), dict):
        for address, refs in _configured_refs(configuration["root_module"], "").items():
            if address in resources:
                resources[address].refs = refs
    else:
        _refs_by_value(resources)
    return resources


def _document(shown: str, text: str) -> dict[str, Any]:
    """Parse the JSON of `terraform show -json`; bad JSON or an unknown format version is one positioned error."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise SpecError([Problem(shown, error.lineno, error.colno, f"not valid JSON: {error.msg}")]) from None
    except RecursionError:
        raise ArchgenError(f"{shown}: the JSON is nested too deeply to be a Terraform plan or state") from None
    if not isinstance(document, dict):
        raise ArchgenError(f"{shown}: not a Terraform plan or state (terraform show -json writes an object)")
    version = str(document.get("format_version", ""))
    if not re.fullmatch(r"(0|1)\.\d+", version):
        line, column = _position(text, '"format_version"')
        message = f"format_version {version!r} is not one archgen reads (0.x or 1.x)"
        raise SpecError([Problem(shown, line, column, message)])
    return document


def _position(text: str, needle: str) -> tuple[int, int]:
    index = text.find(needle)
    if index < 0:
        return 1, 1
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


_ADDRESS = re.compile(r'"address"\s*:\s*"((?:[^"\\]|\\.)*)"')


def _address_lines(text: str) -> dict[str, int]:
    """Return the line where each address first appears (`terraform show -json` writes one line: 1)."""
    lines: dict[str, int] = {}
    line, at = 1, 0
    for match in _ADDRESS.finditer(text):
        line += text.count("\n", at, match.start())
        at = match.start()
        lines.setdefault(json.loads(f'"{match.group(1)}"'), line)
    return lines


def _module_resources(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
    stack = [module]
    while stack:
        current = stack.pop()
        yield from (entry for entry in _list(current.get("resources")) if isinstance(entry, dict))
        stack.extend(child for child in reversed(_list(current.get("child_modules"))) if isinstance(child, dict))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _strings(value: Any) -> Iterator[str]:
    """Yield every string in a JSON-like value (iteratively: no recursion on deep input)."""
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            yield current
        elif isinstance(current, dict):
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def _strip(reference: str) -> str:
    """Return the resource address a reference names (`aws_db_instance.main.address` → `aws_db_instance.main`)."""
    parts = _INDEX.sub("", reference).split(".")
    prefix: list[str] = []
    while len(parts) >= 2 and parts[0] == "module":
        prefix += parts[:2]
        parts = parts[2:]
    if parts[:1] == ["data"]:
        return ".".join([*prefix, *parts[:3]])
    return ".".join([*prefix, *parts[:2]])


def _configured_refs(module: dict[str, Any], prefix: str) -> dict[str, dict[str, set[str]]]:
    """Return each resource's references by attribute, module calls and outputs resolved to resources."""
    found: dict[str, dict[str, set[str]]] = {}
    calls = {name: call for name, call in _dict(module.get("module_calls")).items() if isinstance(call, dict)}
    for entry in _list(module.get("resources")):
        if not isinstance(entry, dict) or entry.get("mode") == "data":
            continue
        address = prefix + str(entry.get("address", ""))
        refs = {
            attribute: set(_resolve(_references(expression), prefix, module, calls))
            for attribute, expression in _dict(entry.get("expressions")).items()
        }
        found[address] = refs
    for name, call in calls.items():
        found.update(_configured_refs(_dict(call.get("module")), f"{prefix}module.{name}."))
    return found


def _references(expression: Any) -> list[str]:
    """Return every reference in an expression (a mapping with `references`, or nested blocks of them)."""
    found: list[str] = []
    stack = [expression]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            found += [item for item in _list(current.get("references")) if isinstance(item, str)]
            stack.extend(value for key, value in current.items() if key != "references")
        elif isinstance(current, list):
            stack.extend(current)
    return found


def _resolve(
    references: list[str], prefix: str, module: dict[str, Any], calls: dict[str, Any], depth: int = 0
) -> Iterator[str]:
    """Yield the resource addresses references name: a module's output is what its expression names."""
    for reference in references:
        parts = reference.split(".")
        if parts[0] in ("var", "local", "each", "count", "path", "terraform", "self") or depth > 20:
            continue
        if parts[0] == "module" and len(parts) >= 3:
            call = calls.get(_INDEX.sub("", parts[1]))
            child = _dict(call.get("module")) if isinstance(call, dict) else {}
            output = _dict(_dict(child.get("outputs")).get(parts[2]))
            child_calls = {n: c for n, c in _dict(child.get("module_calls")).items() if isinstance(c, dict)}
            inner = f"{prefix}module.{_INDEX.sub('', parts[1])}."
            yield from _resolve(_references(output.get("expression")), inner, child, child_calls, depth + 1)
            continue
        yield prefix + _strip(reference)


def _refs_by_value(resources: dict[str, Resource]) -> None:
    """For a state (no configuration): an attribute naming another resource's id, ARN or address refers to it.

    A value equal to one counts; a longer text (a task definition, user data, app settings) that
    contains one of at least 12 characters counts too.
    """
    owners: dict[str, str] = {}
    for address, resource in resources.items():
        for key in _IDENTITIES:
            value = resource.values.get(key)
            if isinstance(value, str) and len(value) >= 8:
                owners.setdefault(value, address)
    long_names = [(value, owner) for value, owner in owners.items() if len(value) >= 12]
    for address, resource in resources.items():
        for attribute, value in resource.values.items():
            if attribute not in _IDENTITIES:
                named = _named(value, owners, long_names if attribute in _TEXTS else []) - {address}
                if named:
                    resource.refs.setdefault(attribute, set()).update(named)


def _named(value: Any, owners: dict[str, str], inside: list[tuple[str, str]]) -> set[str]:
    """Return the resources a value names: a string equal to one's identity, or containing one of `inside`."""
    named: set[str] = set()
    for text in _strings(value):
        if text in owners:
            named.add(owners[text])
        else:
            named.update(owner for name, owner in inside if name in text)
    return named


#: What names a resource in a state, and the attributes whose text may mention one.
_IDENTITIES = ("id", "arn", "self_link", "invoke_arn", "dns_name", "endpoint", "address", "default_hostname")
_TEXTS = frozenset({"container_definitions", "environment", "user_data", "app_settings", "template"})


# --- .tf files -----------------------------------------------------------------------------

_REFERENCE = re.compile(r"(?<![\w.\-\"])((?:module\.[\w-]+\.)?(?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*)")


def _from_hcl(shown: str, data: bytes, notes: list[str]) -> dict[str, Resource]:
    """Read one `.tf` file's resources with python-hcl2; variables with a default give counts."""
    try:
        import hcl2
    except ImportError:
        raise ArchgenError(
            f"{shown}: reading .tf files needs python-hcl2: pip install 'archgen[terraform]'"
            " (or import `terraform show -json` of a plan, which needs nothing more)"
        ) from None
    text = data.decode("utf-8", errors="replace")
    try:
        document = hcl2.loads(text)
    except Exception as error:  # noqa: BLE001 - lark raises many kinds; each is one positioned error
        line, column = getattr(error, "line", 1) or 1, getattr(error, "column", 1) or 1
        found = getattr(error, "token", getattr(error, "char", None))
        if found is not None:
            unexpected = str(found).strip()
            message = f"unexpected {unexpected[:30]!r}" if unexpected else "unexpected end of file"
        else:
            message = (str(error).strip().splitlines() or [type(error).__name__])[0][:120]
        raise SpecError([Problem(shown, int(line), int(column), f"not valid HCL: {message}")]) from None
    defaults = {
        _label(name): _unquote(body.get("default"))
        for block in _list(document.get("variable"))
        for name, body in _dict(block).items()
        if isinstance(body, dict)
    }
    for block in _list(document.get("module")):
        for name in _dict(block):
            notes.append(
                f"module {_label(name)!r} ({shown}) is not followed in .tf files:"
                " import `terraform show -json` of a plan to include it"
            )
    resources: dict[str, Resource] = {}
    for block in _list(document.get("resource")):
        for kind, named in _dict(block).items():
            for name, body in _dict(named).items():
                kind_, name_ = _label(kind), _label(name)
                address = f"{kind_}.{name_}"
                body = _with_defaults(_unquote(body), defaults) if isinstance(body, dict) else {}
                line = _block_line(text, kind_, name_)
                count = _count(body, notes, address)
                evidence = Evidence(shown, line, address)
                resources[address] = Resource(address, kind_, name_, body, evidence, count, zones=_zones(body))
                resources[address].refs = {
                    attribute: {_strip(match) for text_ in _strings(value) for match in _REFERENCE.findall(text_)}
                    for attribute, value in body.items()
                }
    return resources


def _label(text: str) -> str:
    return text.strip('"')


def _unquote(value: Any) -> Any:
    """Return python-hcl2's values with the quotes it keeps around strings removed (`'"postgres"'` → `postgres`)."""
    if isinstance(value, str):
        if len(value) >= 2 and value[0] == value[-1] == '"':
            return value[1:-1]
        return value
    if isinstance(value, dict):
        return {_label(key): _unquote(item) for key, item in value.items() if not key.startswith("__")}
    if isinstance(value, list):
        return [_unquote(item) for item in value]
    return value


_VARIABLE = re.compile(r"\$\{var\.([\w-]+)\}")


def _with_defaults(value: Any, defaults: dict[str, Any]) -> Any:
    r"""Return a block's values with each `${var.x}` that is the whole value replaced by the variable's default."""
    if isinstance(value, str):
        match = _VARIABLE.fullmatch(value)
        return defaults.get(match.group(1), value) if match else value
    if isinstance(value, dict):
        return {key: _with_defaults(item, defaults) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_defaults(item, defaults) for item in value]
    return value


def _block_line(text: str, kind: str, name: str) -> int:
    match = re.search(rf'^\s*resource\s+"{re.escape(kind)}"\s+"{re.escape(name)}"', text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _count(body: dict[str, Any], notes: list[str], address: str) -> int:
    """Return how many instances `count` or `for_each` makes, when the file says (a literal or a default)."""
    for key in ("count", "for_each"):
        if key not in body:
            continue
        value = body[key]
        if key == "count" and isinstance(value, int) and not isinstance(value, bool):
            return value
        if key == "for_each" and isinstance(value, (list, dict)):
            return len(value)
        notes.append(f"{address}: its {key} is not known from the files: counted as one")
    return 1


# --- the design ----------------------------------------------------------------------------


def _design(resources: dict[str, Resource], name: str, notes: list[str]) -> Imported:
    imported = Imported(name)
    imported.notes += notes
    stores = {address: store for address, resource in resources.items() if (store := _member_of(resource, resources))}
    members = set(stores)
    components = {
        address: resource
        for address, resource in resources.items()
        if (resource.type in RESOURCES or _cloud_cdn(resource)) and address not in members
    }
    ids = _ids(components)
    for address, resource in components.items():
        imported.components[ids[address]] = _component(ids[address], resource)
    _count_members(imported, resources, stores, ids)
    _say_what_is_left_out(imported, resources, set(components) | members)
    zones = sorted({zone for component in imported.components.values() for zone in component.zones})
    imported.zones = tuple(zones)
    edges = _edges(resources, components, members)
    for address in components:
        for target, via in _reached(address, edges, resources, components):
            evidence = resources[address].evidence
            what = f"{address} refers to {target}" + (f" through {via}" if via else "")
            imported.call(ids[address], ids[target], Evidence(evidence.file, evidence.line, what))
    _asynchronous(imported)
    _entry_points(imported, components, ids)
    return imported


def _count_members(
    imported: Imported, resources: dict[str, Resource], stores: dict[str, str], ids: dict[str, str]
) -> None:
    """Count read replicas and cluster instances (`stores`: each member's store) in their stores, each with a note."""
    for address, store in sorted(stores.items()):
        member = resources[address]
        if store in ids:
            component, role = imported.components[ids[store]], MEMBERS[member.type][1]
            # A cluster's first instance is its writer: the others read, and take over when it fails.
            component.read_replicas += member.count - 1 if role == "cluster instance" else member.count
            said = f"{member.count} {role}s are" if member.count > 1 else f"a {role} is"
            imported.notes.append(f"{address}: {said} counted in {ids[store]} ({member.evidence})")


def _say_what_is_left_out(imported: Imported, resources: dict[str, Resource], read: set[str]) -> None:
    """Note each resource type that is neither a component nor wiring, with how many: none is dropped silently."""
    left: dict[str, int] = {}
    for address, resource in resources.items():
        kind = resource.type
        if address not in read and kind not in WIRING and kind not in JOINS:
            left[kind] = left.get(kind, 0) + 1
    imported.notes += [
        f"{kind} ({count}): a platform, not imported: import the workloads it runs (their manifests, or the"
        " Terraform kubernetes provider's deployments)"
        if kind in PLATFORMS
        else f"{kind} ({count}): not imported (networks, disks, access and settings are no component)"
        for kind, count in sorted(left.items())
    ]


def _member_of(resource: Resource, resources: dict[str, Resource]) -> str | None:
    """Return the store a read replica or cluster instance belongs to, when it names one."""
    if resource.type not in MEMBERS:
        return None
    attribute = MEMBERS[resource.type][0]
    named = sorted(resource.refs.get(attribute, set()) & resources.keys())
    if named:
        return named[0]
    value = resource.values.get(attribute)
    if isinstance(value, str) and value:
        for address, other in resources.items():
            if other.values.get("identifier") == value or other.values.get("cluster_identifier") == value:
                if address != resource.address and other.type in RESOURCES:
                    return address
            if other.values.get("name") == value and other.type == resource.type and address != resource.address:
                return address
    return None


def _ids(components: dict[str, Resource]) -> dict[str, str]:
    """Name components after their resources; two resources of one name are told apart by their type."""
    names: dict[str, int] = {}
    for resource in components.values():
        names[resource.name] = names.get(resource.name, 0) + 1
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for address, resource in components.items():
        base = resource.name if names[resource.name] == 1 else f"{resource.name}_{resource.type.split('_', 1)[1]}"
        prefix = (
            address.rsplit(".", 2)[0].replace("module.", "").replace(".", "_") + "_"
            if address.startswith("module.")
            else ""
        )
        candidate = component_id(prefix + base, "r_")
        while candidate in taken:
            candidate += "_"
        ids[address] = candidate
        taken.add(candidate)
    return ids


def _cloud_cdn(resource: Resource) -> bool:
    """Tell whether a Google Cloud backend serves through Cloud CDN (`enable_cdn`): a CDN, not wiring."""
    return resource.type in CLOUD_CDN and resource.values.get("enable_cdn") is True


def _component(component_id_: str, resource: Resource) -> ImportedComponent:
    mapping = RESOURCES["cloud_cdn"] if _cloud_cdn(resource) else RESOURCES[resource.type]
    engine = mapping.engine(resource) if callable(mapping.engine) else mapping.engine
    replicas = mapping.replicas(resource) if mapping.replicas else 1
    details = _details(resource)
    evidence = Evidence(
        resource.evidence.file, resource.evidence.line, resource.address + (f" ({details})" if details else "")
    )
    zones = tuple(dict.fromkeys(resource.zones))
    component = ImportedComponent(component_id_, mapping.kind, evidence, engine, replicas, zones)
    component.managed = mapping.managed
    return component


def _details(resource: Resource) -> str:
    """Say what a reviewer wants to see of a resource beside its address (engine, counts, failover)."""
    values, said = resource.values, []
    for key in (
        "engine",
        "database_version",
        "engine_version",
        "instance_type",
        "instance_class",
        "node_type",
        "tier",
        "sku_name",
    ):
        value = values.get(key)
        if isinstance(value, str) and value:
            said.append(f"{key} {value}")
    for key in (
        "multi_az",
        "automatic_failover_enabled",
        "internal",
        "desired_count",
        "min_size",
        "num_cache_clusters",
    ):
        if key in values and values[key] is not None:
            said.append(f"{key} {json.dumps(values[key])}")
    if resource.count > 1:
        said.append(f"{resource.count} instances")
    return ", ".join(said)


def _zones(values: dict[str, Any]) -> list[str]:
    """Return the zones a resource's values name (not the ones only known after apply)."""
    zones: list[str] = []
    for key in ("availability_zone", "zone"):
        if isinstance(values.get(key), str) and values[key]:
            zones.append(values[key])
    for key in ("availability_zones", "distribution_policy_zones", "zones"):
        if isinstance(values.get(key), list):
            zones += [zone for zone in values[key] if isinstance(zone, str) and zone]
    return [zone for zone in zones if not zone.startswith("$")]


def _edges(resources: dict[str, Resource], components: dict[str, Resource], members: set[str]) -> dict[str, set[str]]:
    """Return the graph calls follow: references, joins pointed from caller to callee, pools reversed."""
    edges: dict[str, set[str]] = {address: set() for address in resources}
    for address, resource in resources.items():
        if address in members:
            continue
        for attribute, refs in resource.refs.items():
            if attribute not in NOT_CALLS:
                for target in sorted(refs & resources.keys() - {address}):
                    source, destination = _direction(resource, attribute, resources[target], address in components)
                    if source:
                        edges[source].add(destination)
    return edges


def _direction(resource: Resource, attribute: str, target: Resource, is_component: bool) -> tuple[str, str]:
    """Return the edge a reference makes (from, to), or ("", "") when it makes none.

    A join is reached from its caller's side and leads to its callee's side; a component registered
    in a load balancer's pool is called by the pool; any other reference leads to what it names.
    """
    join = JOINS.get(resource.type)
    if join is not None:
        if attribute in join[0]:
            return target.address, resource.address
        return (resource.address, target.address) if attribute in join[1] else ("", "")
    if target.type in POOLS and is_component:
        return target.address, resource.address
    return resource.address, target.address


def _reached(
    start: str, edges: dict[str, set[str]], resources: dict[str, Resource], components: dict[str, Resource]
) -> Iterator[tuple[str, str]]:
    """Yield each component a component reaches through wiring, with the first wiring resource on the way."""
    seen = {start}
    stack = [(target, "") for target in sorted(edges[start], reverse=True)]
    while stack:
        address, via = stack.pop()
        if address in seen:
            continue
        seen.add(address)
        if address in components:
            yield address, via
        elif resources[address].type in WIRING or resources[address].type in JOINS:
            stack.extend((target, via or address) for target in sorted(edges[address], reverse=True))


def _asynchronous(imported: Imported) -> None:
    """Mark the calls of a queue or topic, and the calls to it, asynchronous: it hands work on."""
    queues = {component.id for component in imported.components.values() if component.kind == "queue"}
    for call in imported.calls:
        if call.source in queues or call.target in queues:
            call.asynchronous = True


def _entry_points(imported: Imported, components: dict[str, Resource], ids: dict[str, str]) -> None:
    """Make a `users` client that calls the DNS zones, CDNs, gateways and public load balancers."""
    fronted = {call.target for call in imported.calls if imported.components[call.source].kind in FRONT_KINDS}
    entries = []
    for address, resource in components.items():
        component = imported.components[ids[address]]
        if component.kind not in ENTRY_KINDS or component.id in fronted:
            continue
        if resource.values.get("internal") is True or resource.values.get("load_balancing_scheme") == "INTERNAL":
            continue
        entries.append((component.id, component.evidence))
    if not entries:
        imported.notes.append(
            "no DNS zone, CDN, gateway or public load balancer: the design has no entry point from outside"
        )
        return
    imported.users_call(entries, "reachable from outside")
