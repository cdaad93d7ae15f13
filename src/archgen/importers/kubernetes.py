"""Kubernetes manifests (files, folders, multi-document YAML, `List` kinds, `helm template` output), read.

- Workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) are components;
  a workload a Service selects is named after the first Service that selects it (the name
  clients call), else after itself. Kind and engine come from its first container's image.
- Replicas: `spec.replicas` (default 1), a HorizontalPodAutoscaler's `minReplicas` when one
  targets the workload; a DaemonSet runs on every node and is counted as 2. Probes, restart
  policies and PodDisruptionBudgets are not redundancy.
- CronJobs are workers with their `schedule`; Jobs are workers.
- Calls: container `env` values (and values of ConfigMaps in the input that `envFrom` or
  `configMapKeyRef` bring in) that name a Service as a host or in a URL (`cartservice:7070`,
  `redis://redis-cart:6379`, `db.shop.svc.cluster.local`), resolved to the component behind
  the Service. A call to a monitoring or tracing agent is no dependency.
- Entry points: `LoadBalancer` and `NodePort` Services, Ingress and Gateway API `HTTPRoute`
  (and `GRPCRoute`) backends: a `users` client
  calls them.
- Zones: the manifests do not say which zones a cluster has; none are written (a note says so
  when topology spread constraints ask for zones).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from archgen.errors import Problem, SpecError
from archgen.importers.documents import LocatedMapping, LocatedNode, LocatedSequence, documents
from archgen.importers.evidence import Evidence, Imported, ImportedComponent
from archgen.importers.tables import classify, component_id, hosts, redact

WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob")
#: Kinds read for what they say of others (env from ConfigMaps, replicas from HPAs, entry points from Ingresses).
READ_FOR_OTHERS = ("Service", "Ingress", "HTTPRoute", "GRPCRoute", "ConfigMap", "HorizontalPodAutoscaler")
#: Proxies injected beside an application: never what a pod is.
SIDECARS = ("istio-proxy", "linkerd-proxy", "envoy-sidecar", "cloud-sql-proxy")
_SOURCE = re.compile(r"^# Source: (.+)$", re.MULTILINE)


class Object(NamedTuple):
    """One Kubernetes object: its kind, name and namespace, its data and node, and where it is written."""

    kind: str
    name: str
    namespace: str
    data: dict[str, Any]
    node: LocatedNode
    file: str
    source: str  # the Helm template it was rendered from, or ""

    def evidence(self, node: LocatedNode | None, what: str) -> Evidence:
        """Return evidence at a node of the object (or the object itself), naming its Helm template."""
        line = int((node or self.node).start_mark.line) + 1
        return Evidence(self.file, line, f"{what} (Source: {self.source})" if self.source else what)


def read(files: Sequence[tuple[str, bytes]], name: str) -> Imported:
    """Read Kubernetes manifests into an `Imported`."""
    imported = Imported(name)
    objects = [item for shown, data in files for item in _objects(shown, data)]
    workloads = [item for item in objects if item.kind in WORKLOADS]
    services = [item for item in objects if item.kind == "Service"]
    skipped: dict[str, int] = {}
    for item in objects:
        if item.kind not in WORKLOADS and item.kind not in READ_FOR_OTHERS:
            skipped[item.kind] = skipped.get(item.kind, 0) + 1
    if skipped:
        listed = ", ".join(f"{count} {kind}" for kind, count in sorted(skipped.items()))
        imported.notes.append(f"not imported (they describe no component or call): {listed}")
    behind = _services_to_workloads(services, workloads)
    ids = _ids(workloads, behind)
    minimum = _autoscaled(objects)
    for workload in workloads:
        component = _component(ids[_key(workload)], workload, minimum)
        imported.components[component.id] = component
        if _spread_over_zones(workload):
            imported.notes.append(f"{component.id} spreads over zones: write the design's zones and its placement")
    names = _service_names(services, behind, ids)
    config = {(item.namespace, item.name): item for item in objects if item.kind == "ConfigMap"}
    for workload in workloads:
        source = ids[_key(workload)]
        for value, evidence in _environment(workload, config):
            for target in _named(value, workload.namespace, names):
                if target != source and imported.components[target].kind != "monitoring":
                    imported.call(source, target, evidence)
    _entry_points(imported, objects, behind, ids)
    return imported


def _objects(shown: str, data: bytes) -> Iterator[Object]:
    """Yield every object of a file: each document, and each item of a `List`."""
    text = data.decode("utf-8", errors="replace")
    sources = [(match.start(), match.group(1).strip()) for match in _SOURCE.finditer(text)]
    parsed = documents(shown, text)
    lines = text.count("\n")
    for node, document in parsed:
        if not isinstance(document, dict):
            continue
        start = node.start_mark.index
        source = next((path for at, path in reversed(sources) if at < start), "") if sources else ""
        if document.get("kind") == "List" or str(document.get("kind", "")).endswith("List"):
            items = _child(node, "items")
            for index, item in enumerate(document.get("items") or []):
                item_node = items.value[index] if isinstance(items, LocatedSequence) else node
                if isinstance(item, dict):
                    yield _object(shown, item, item_node, source)
            continue
        if "kind" not in document or "apiVersion" not in document:
            line = min(int(node.start_mark.line) + 1, lines + 1)
            raise SpecError([Problem(shown, line, 1, "not a Kubernetes object: it has no `apiVersion` and `kind`")])
        yield _object(shown, document, node, source)


def _object(shown: str, data: dict[str, Any], node: LocatedNode, source: str) -> Object:
    found = data.get("metadata")
    metadata: dict[str, Any] = found if isinstance(found, dict) else {}
    return Object(
        str(data.get("kind")),
        str(metadata.get("name", "")),
        str(metadata.get("namespace") or "default"),
        data,
        node,
        shown,
        source,
    )


def _child(node: LocatedNode | None, *path: str | int) -> LocatedNode | None:
    """Return the node at a path of keys and indexes under `node`, or None."""
    for step in path:
        if isinstance(node, LocatedMapping) and isinstance(step, str):
            node = next((value for key, value in node.value if getattr(key, "value", None) == step), None)
        elif isinstance(node, LocatedSequence) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            return None
    return node


def _key(item: Object) -> tuple[str, str, str]:
    return item.kind, item.namespace, item.name


def _template(workload: Object) -> tuple[dict[str, Any], tuple[str | int, ...]]:
    """Return a workload's pod template and its path in the object."""
    spec: dict[str, Any] = workload.data.get("spec") or {}
    if workload.kind == "CronJob":
        job: dict[str, Any] = (spec.get("jobTemplate") or {}).get("spec") or {}
        return job.get("template") or {}, ("spec", "jobTemplate", "spec", "template")
    return spec.get("template") or {}, ("spec", "template")


def _labels(workload: Object) -> dict[str, str]:
    template, _ = _template(workload)
    labels = (template.get("metadata") or {}).get("labels") or {}
    return {str(key): str(value) for key, value in labels.items()}


def _services_to_workloads(services: list[Object], workloads: list[Object]) -> dict[tuple[str, str], list[Object]]:
    """Return, for each Service (namespace, name), the workloads whose pods it selects."""
    labels = {_key(workload): _labels(workload) for workload in workloads}
    # Workloads by namespace and one label: a Service looks only at those that carry its first pair.
    index: dict[tuple[str, str, str], list[Object]] = {}
    for workload in workloads:
        for pair in labels[_key(workload)].items():
            index.setdefault((workload.namespace, *pair), []).append(workload)
    behind: dict[tuple[str, str], list[Object]] = {}
    for service in services:
        selector = (service.data.get("spec") or {}).get("selector") or {}
        wanted = {str(key): str(value) for key, value in selector.items()} if isinstance(selector, dict) else {}
        first = next(iter(wanted.items()), None)
        candidates = index.get((service.namespace, *first), []) if first else []
        behind[(service.namespace, service.name)] = [
            workload for workload in candidates if wanted.items() <= labels[_key(workload)].items()
        ]
    return behind


def _ids(workloads: list[Object], behind: dict[tuple[str, str], list[Object]]) -> dict[tuple[str, str, str], str]:
    """Name each workload after the first Service that selects it, else after itself; ids are made unique."""
    ids: dict[tuple[str, str, str], str] = {}
    taken: set[str] = set()
    named: dict[tuple[str, str, str], str] = {}
    for (_, service), selected in behind.items():
        for workload in selected:
            named.setdefault(_key(workload), service)
    for workload in workloads:
        wanted = component_id(named.get(_key(workload), workload.name), "k_")
        chosen = wanted if wanted not in taken else component_id(f"{wanted}-{workload.kind.lower()}", "k_")
        taken.add(chosen)
        ids[_key(workload)] = chosen
    return ids


def _autoscaled(objects: list[Object]) -> dict[tuple[str, str, str], int]:
    """Return the `minReplicas` of each workload a HorizontalPodAutoscaler targets."""
    found = {}
    for item in objects:
        if item.kind != "HorizontalPodAutoscaler":
            continue
        spec = item.data.get("spec") or {}
        target = spec.get("scaleTargetRef") or {}
        low = spec.get("minReplicas", 1)
        if isinstance(low, int) and not isinstance(low, bool):
            found[(str(target.get("kind")), item.namespace, str(target.get("name")))] = low
    return found


def _component(component_id: str, workload: Object, minimum: dict[tuple[str, str, str], int]) -> ImportedComponent:
    template, path = _template(workload)
    containers = (template.get("spec") or {}).get("containers") or []
    main = next(
        (index for index, c in enumerate(containers) if isinstance(c, dict) and c.get("name") not in SIDECARS), 0
    )
    image = str(containers[main].get("image", "")) if containers and isinstance(containers[main], dict) else ""
    kind, engine = classify(image) if image else ("service", None)
    schedule = None
    if workload.kind in ("Job", "CronJob") and kind == "service":
        kind = "worker"
    if workload.kind == "CronJob":
        schedule = str((workload.data.get("spec") or {}).get("schedule") or "") or None
    spec = workload.data.get("spec") or {}
    replicas = spec.get("replicas", 1)
    if workload.kind == "DaemonSet":
        replicas = 2
    replicas = minimum.get(_key(workload), replicas)
    if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 1:
        replicas = 1
    node = _child(workload.node, *path, "spec", "containers", main, "image")
    evidence = workload.evidence(node, f"{workload.kind} {workload.name} image {image}" if image else workload.kind)
    return ImportedComponent(component_id, kind, evidence, engine, replicas, (), schedule=schedule)


def _spread_over_zones(workload: Object) -> bool:
    template, _ = _template(workload)
    spec = template.get("spec") or {}
    text = str(spec.get("topologySpreadConstraints", "")) + str(spec.get("affinity", ""))
    return "topology.kubernetes.io/zone" in text or "failure-domain.beta.kubernetes.io/zone" in text


def _service_names(
    services: list[Object], behind: dict[tuple[str, str], list[Object]], ids: dict[tuple[str, str, str], str]
) -> dict[tuple[str, str], str]:
    """Return the component behind each Service that selects a workload, by (namespace, Service name)."""
    names = {}
    for service in services:
        selected = behind.get((service.namespace, service.name)) or []
        if selected:
            names[(service.namespace, service.name)] = ids[_key(selected[0])]
    return names


def _environment(workload: Object, config: dict[tuple[str, str], Object]) -> Iterator[tuple[str, Evidence]]:
    """Yield each environment value of a workload's containers with its evidence, ConfigMaps included."""
    template, path = _template(workload)
    for index, container in enumerate((template.get("spec") or {}).get("containers") or []):
        if not isinstance(container, dict):
            continue
        base = (*path, "spec", "containers", index)
        for position, variable in enumerate(container.get("env") or []):
            if not isinstance(variable, dict):
                continue
            node = _child(workload.node, *base, "env", position)
            value = variable.get("value")
            if isinstance(value, str):
                yield value, workload.evidence(node, f"env {variable.get('name')}={redact(value)}")
            reference = (
                ((variable.get("valueFrom") or {}).get("configMapKeyRef") or {}) if "valueFrom" in variable else {}
            )
            found = config.get((workload.namespace, str(reference.get("name"))))
            if found is not None:
                entry = str((found.data.get("data") or {}).get(reference.get("key"), ""))
                yield entry, found.evidence(None, f"ConfigMap {found.name} {reference.get('key')}={entry}")
        for source in container.get("envFrom") or []:
            reference = (source or {}).get("configMapRef") or {}
            found = config.get((workload.namespace, str(reference.get("name"))))
            if found is None:
                continue
            for key, entry in (found.data.get("data") or {}).items():
                what = f"ConfigMap {found.name} {key}={redact(str(entry))}"
                yield str(entry), found.evidence(_child(found.node, "data", str(key)), what)


def _named(value: str, namespace: str, names: dict[tuple[str, str], str]) -> Iterator[str]:
    """Yield the components whose Services a value names as a host (short, namespaced or fully qualified)."""
    for host in hosts(value):
        parts = host.split(".")
        if len(parts) == 1:
            found = names.get((namespace, parts[0]))
        elif len(parts) == 2 or (len(parts) >= 3 and parts[2] == "svc"):
            found = names.get((parts[1], parts[0]))
        else:
            found = None
        if found is not None:
            yield found


def _entry_points(
    imported: Imported,
    objects: list[Object],
    behind: dict[tuple[str, str], list[Object]],
    ids: dict[tuple[str, str, str], str],
) -> None:
    """Make a `users` client that calls what LoadBalancer/NodePort Services and Ingresses expose."""
    reached: list[tuple[str, Evidence]] = []
    for item in objects:
        spec = item.data.get("spec") or {}
        if item.kind == "Service" and spec.get("type") in ("LoadBalancer", "NodePort"):
            for workload in behind.get((item.namespace, item.name)) or []:
                reached.append(
                    (
                        ids[_key(workload)],
                        item.evidence(
                            _child(item.node, "spec", "type"), f"Service {item.name} type {spec.get('type')}"
                        ),
                    )
                )
        if item.kind in ("Ingress", "HTTPRoute", "GRPCRoute"):
            backends = _ingress_backends(spec) if item.kind == "Ingress" else _route_backends(spec)
            for service in backends:
                for workload in behind.get((item.namespace, service)) or []:
                    reached.append(
                        (ids[_key(workload)], item.evidence(None, f"{item.kind} {item.name} → Service {service}"))
                    )
    if not reached:
        imported.notes.append(
            "no LoadBalancer or NodePort Service, Ingress or HTTPRoute: the design has no entry point from outside"
        )
        return
    imported.users_call(reached, "entry points")


def _ingress_backends(spec: dict[str, Any]) -> Iterator[str]:
    """Yield the Service names an Ingress sends requests to (networking.k8s.io/v1 and v1beta1)."""
    backends = [spec.get("defaultBackend") or spec.get("backend") or {}]
    for rule in spec.get("rules") or []:
        for path in ((rule or {}).get("http") or {}).get("paths") or []:
            backends.append((path or {}).get("backend") or {})
    for backend in backends:
        name = (backend.get("service") or {}).get("name") or backend.get("serviceName")
        if name:
            yield str(name)


def _route_backends(spec: dict[str, Any]) -> Iterator[str]:
    """Yield the Service names a Gateway API route sends requests to (`rules[].backendRefs[]` of kind Service)."""
    for rule in spec.get("rules") or []:
        for backend in (rule or {}).get("backendRefs") or []:
            if isinstance(backend, dict) and backend.get("name") and backend.get("kind", "Service") == "Service":
                yield str(backend["name"])
