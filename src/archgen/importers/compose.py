"""Docker Compose files (the Compose specification, v2/v3 files and swarm stacks) into an `Imported`.

- Each service is a component named after it; its image gives kind and engine (`tables`).
- Replicas: `deploy.replicas`, else `scale`, else 1. Health checks and restart policies are
  not redundancy: a restarted container is the same single instance.
- Calls: `depends_on` (short and long form: weak evidence, said so), and environment values
  — `environment` and the files `env_file` names, beside the Compose file — that name another
  service as a host or in a URL (`DB_HOST=db`, `redis://cache:6379`, `http://cart:8080`,
  `cart:7070`). A call to a monitoring or tracing agent is no dependency. An env file that is
  not there (often kept out of the repository) is said in a note.
- Published `ports` make an entry point: a `users` client calls the service.
- Plain Compose runs on one machine: every component sits in one zone, `host`. A swarm stack
  (`deploy.placement` or `deploy.mode`) says nothing of zones, so none are written.
- Services in `profiles` are not started by default and are left out, with a note, unless
  their profile is asked for (`archgen import --profile NAME`, as `docker compose --profile`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from archgen.errors import ArchgenError, Problem, SpecError
from archgen.files import display_path, read_spec
from archgen.importers.documents import LocatedMapping, LocatedNode, LocatedScalar, LocatedSequence, documents
from archgen.importers.evidence import Evidence, Imported, ImportedComponent
from archgen.importers.tables import classify, component_id, hosts, redact

HOST = "host"


def read(
    files: Sequence[tuple[str, bytes]],
    name: str,
    folders: dict[str, Path] | None = None,
    profiles: Sequence[str] = (),
) -> Imported:
    """Read Compose files (later ones override earlier services, as `docker compose -f a -f b` does).

    `folders` holds each file's folder, where its `env_file`s are; `profiles` the profiles started.
    """
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
    started = {s: v for s, v in services.items() if _started(v[2].get("profiles"), profiles)}
    imported.notes += [
        f"service {service!r} is in a profile (not started by default): not imported"
        for service in services
        if service not in started
    ]
    for profile in profiles:
        if not any(profile in _strings(spec.get("profiles")) for _, _, spec in services.values()):
            imported.notes.append(f"profile {profile!r} names no service")
    imported.zones = () if any(_in_swarm(spec) for _, _, spec in services.values()) else (HOST,)
    for service, (shown, lines, spec) in started.items():
        imported.components[ids[service]] = _component(ids[service], service, shown, lines, spec, imported.zones)
    read_files: dict[Path, list[tuple[str, str, Evidence]]] = {}  # an env file shared by services is read once
    environments = {
        service: list(_env_files(service, shown, lines, spec, (folders or {}).get(shown), imported.notes, read_files))
        for service, (shown, lines, spec) in started.items()
    }
    for service, (shown, lines, spec) in started.items():
        for target, evidence in _calls(service, shown, lines, spec, started, environments[service]):
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
    service: str,
    shown: str,
    lines: dict[str, Any],
    spec: dict[str, Any],
    services: dict[str, Any],
    env_files: Sequence[tuple[str, str, Evidence]] = (),
) -> Iterator[tuple[str, Evidence]]:
    """Yield the services a service calls, each with its evidence: environment values, env files, `depends_on`."""
    for key, value, line in _environment(spec.get("environment"), lines):
        for target in sorted(hosts(str(value)) & services.keys() - {service}):
            yield target, Evidence(shown, line, f"env {key}={redact(value)}")
    for _key, value, evidence in env_files:
        for target in sorted(hosts(value) & services.keys() - {service}):
            yield target, evidence
    depends = spec.get("depends_on")
    names = list(depends) if isinstance(depends, (list, dict)) else []
    node = lines.get("depends_on/value")
    for index, target in enumerate(names):
        if isinstance(target, str) and target in services:
            line = _item_line(node, index, lines.get("depends_on", lines[""]))
            yield target, Evidence(shown, line, "depends_on")


def _started(named: Any, profiles: Sequence[str]) -> bool:
    """Tell whether a service starts: it is in no profile, or in one that was asked for."""
    own = _strings(named)
    return not own or any(profile in own for profile in profiles)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value] if isinstance(value, list) else []


def _env_files(
    service: str,
    shown: str,
    lines: dict[str, Any],
    spec: dict[str, Any],
    folder: Path | None,
    notes: list[str],
    read_files: dict[Path, list[tuple[str, str, Evidence]]],
) -> Iterator[tuple[str, str, Evidence]]:
    """Yield each variable of the files a service's `env_file` names (short or long form), with file and line."""
    entries = spec.get("env_file")
    entries = entries if isinstance(entries, list) else [entries] if entries is not None else []
    for entry in entries:
        relative, required = (
            (entry.get("path"), entry.get("required", True)) if isinstance(entry, dict) else (entry, True)
        )
        if not isinstance(relative, str) or folder is None:
            continue
        path = folder / relative
        if not path.is_file():
            if required is not False:
                line = lines.get("env_file", lines[""])
                notes.append(
                    f"service {service!r}: env_file {relative} ({shown}:{line}) is not there: its values were not read"
                )
            continue
        if path not in read_files:
            read_files[path] = list(_variables(path))
        yield from read_files[path]


def _variables(path: Path) -> Iterator[tuple[str, str, Evidence]]:
    """Yield each `KEY=value` of an env file (comments, blank lines and `export` left out), with its line."""
    where = display_path(path)
    text = read_spec(path, where).decode("utf-8", errors="replace")
    for number, raw in enumerate(text.splitlines(), start=1):
        line_text = raw.strip().removeprefix("export ").strip()
        key, equals, value = line_text.partition("=")
        if not equals or line_text.startswith("#"):
            continue
        value = value.strip().strip('"').strip("'")
        yield key.strip(), value, Evidence(where, number, f"env_file {key.strip()}={redact(value)}")


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
