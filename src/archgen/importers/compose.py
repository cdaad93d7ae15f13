"""Docker Compose files (the Compose specification, v2/v3 files and swarm stacks) into an `Imported`.

- Each service is a component named after it; its image gives kind and engine (`tables`).
- Replicas: `deploy.replicas`, else `scale`, else 1. Health checks and restart policies are
  not redundancy: a restarted container is the same single instance.
- Calls: `depends_on` (short and long form: weak evidence, said so), and environment values
  that name another service as a host or in a URL (`DB_HOST=db`, `redis://cache:6379`,
  `http://cart:8080`, `cart:7070`). A call to a monitoring or tracing agent is no dependency.
- Published `ports` make an entry point: a `users` client calls the service.
- Plain Compose runs on one machine: every component sits in one zone, `host`. A swarm stack
  (`deploy.placement` or `deploy.mode`) says nothing of zones, so none are written.
- Services in `profiles` are not started by default and are left out, with a note.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from archgen.errors import ArchgenError, Problem, SpecError
from archgen.importers.documents import LocatedMapping, LocatedNode, LocatedScalar, LocatedSequence, documents
from archgen.importers.evidence import Evidence, Imported, ImportedComponent
from archgen.importers.tables import classify, component_id, hosts

HOST = "host"


def read(files: Sequence[tuple[str, bytes]], name: str) -> Imported:
    """Read Compose files (later ones override earlier services, as `docker compose -f a -f b` does)."""
    imported = Imported(name)
    services: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {}
    for shown, data in files:
        root, document = _load(shown, data)
        for service, (lines, spec) in _services(shown, root, document).items():
            services[service] = (shown, lines, spec)
    ids = {service: component_id(service, "s_") for service in services}
    imported.notes += [
        f"service {service!r} is component {new!r} (ids are letters, digits, _ and -)"
        for service, new in ids.items()
        if new != service
    ]
    started = {s: v for s, v in services.items() if not v[2].get("profiles")}
    imported.notes += [
        f"service {service!r} is in a profile (not started by default): not imported"
        for service in services
        if service not in started
    ]
    imported.zones = () if any(_in_swarm(spec) for _, _, spec in services.values()) else (HOST,)
    for service, (shown, lines, spec) in started.items():
        imported.components[ids[service]] = _component(ids[service], service, shown, lines, spec, imported.zones)
    for service, (shown, lines, spec) in started.items():
        for target, evidence in _calls(service, shown, lines, spec, started):
            if imported.components[ids[target]].kind != "monitoring":  # an agent observes: no dependency
                imported.call(ids[service], ids[target], evidence)
    _entry_points(imported, started, ids)
    return imported


def _in_swarm(spec: dict[str, Any]) -> bool:
    """Tell whether a service is deployed as a swarm stack's (placement or mode under `deploy`)."""
    deploy = spec.get("deploy")
    return isinstance(deploy, dict) and ("placement" in deploy or "mode" in deploy)


def _load(shown: str, data: bytes) -> tuple[LocatedNode | None, Any]:
    """Parse one Compose file: its node tree (for lines) and its data; a syntax error is positioned."""
    parsed = documents(shown, data.decode("utf-8", errors="replace"))
    return parsed[0] if parsed else (None, None)


def _services(shown: str, root: LocatedNode | None, document: Any) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Return each service: the line of each of its keys (and of the service itself, as ""), and its spec."""
    if not isinstance(document, dict) or not isinstance(document.get("services"), dict):
        raise ArchgenError(f"{shown}: a Compose file has a top-level `services` mapping")
    nodes = _keys(root).get("services")
    found: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    service_nodes = _keys(nodes[1]) if nodes else {}
    for service, spec in document["services"].items():
        key, value = service_nodes.get(str(service), (None, None))
        lines: dict[str, Any] = {"": key.start_mark.line + 1 if key is not None else 1}
        if value is not None:
            for field, (field_key, field_value) in _keys(value).items():
                lines[field] = field_key.start_mark.line + 1
                lines[f"{field}/value"] = field_value
        if isinstance(spec, dict) and "extends" in spec:
            line = lines.get("extends", lines[""])
            raise SpecError([Problem(shown, line, 5, "`extends` is not read by archgen import: inline the service")])
        found[str(service)] = (lines, spec if isinstance(spec, dict) else {})
    return found


def _keys(node: LocatedNode | None) -> dict[str, tuple[LocatedNode, LocatedNode]]:
    """Return a mapping node's entries by key, with their key and value nodes."""
    if not isinstance(node, LocatedMapping):
        return {}
    return {str(key.value): (key, value) for key, value in node.value if isinstance(key, LocatedScalar)}


def _component(
    component_id: str, service: str, shown: str, lines: dict[str, Any], spec: dict[str, Any], zones: tuple[str, ...]
) -> ImportedComponent:
    image = spec.get("image")
    if isinstance(image, str):
        kind, engine = classify(image)
        evidence = Evidence(shown, lines.get("image", lines[""]), f"image {image}")
    else:
        kind, engine = "service", None
        evidence = Evidence(shown, lines.get("build", lines[""]), "build")
    deploy = spec.get("deploy")
    replicas = deploy.get("replicas", spec.get("scale", 1)) if isinstance(deploy, dict) else spec.get("scale", 1)
    if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 1:
        replicas = 1
    return ImportedComponent(component_id, kind, evidence, engine, replicas, zones)


def _calls(
    service: str, shown: str, lines: dict[str, Any], spec: dict[str, Any], services: dict[str, Any]
) -> Iterator[tuple[str, Evidence]]:
    """Yield the services a service calls, each with its evidence: environment values, then `depends_on`."""
    for key, value, line in _environment(spec.get("environment"), lines):
        for target in sorted(hosts(str(value)) & services.keys() - {service}):
            yield target, Evidence(shown, line, f"env {key}={value}")
    depends = spec.get("depends_on")
    names = list(depends) if isinstance(depends, (list, dict)) else []
    node = lines.get("depends_on/value")
    for index, target in enumerate(names):
        if isinstance(target, str) and target in services:
            line = _item_line(node, index, lines.get("depends_on", lines[""]))
            yield target, Evidence(shown, line, "depends_on")


def _environment(environment: Any, lines: dict[str, Any]) -> Iterator[tuple[str, str, int]]:
    """Yield each environment variable, its value and its line (list `K=V` or mapping form)."""
    node = lines.get("environment/value")
    fallback = lines.get("environment", lines[""])
    if isinstance(environment, dict):
        for index, (key, value) in enumerate(environment.items()):
            if value is not None:
                yield str(key), str(value), _item_line(node, index, fallback)
    elif isinstance(environment, list):
        for index, item in enumerate(environment):
            key, equals, value = str(item).partition("=")
            if equals:
                yield key, value, _item_line(node, index, fallback)


def _item_line(node: LocatedNode | None, index: int, fallback: int) -> int:
    """Return the line of a list item or a mapping entry of a node, by position."""
    if isinstance(node, LocatedSequence) and index < len(node.value):
        return int(node.value[index].start_mark.line) + 1
    if isinstance(node, LocatedMapping) and index < len(node.value):
        return int(node.value[index][0].start_mark.line) + 1
    return fallback


def _entry_points(imported: Imported, services: dict[str, Any], ids: dict[str, str]) -> None:
    """Make a `users` client that calls every service with published ports."""
    published = []
    for service, (shown, lines, spec) in services.items():
        ports = spec.get("ports")
        if isinstance(ports, list) and ports and imported.components[ids[service]].kind != "monitoring":
            first = ports[0]
            text = first.get("published", first.get("target")) if isinstance(first, dict) else first
            published.append((ids[service], Evidence(shown, lines.get("ports", lines[""]), f"ports {text}")))
    if not published:
        imported.notes.append("no service publishes a port: the design has no entry point from outside")
        return
    imported.users_call(published, "published ports")
