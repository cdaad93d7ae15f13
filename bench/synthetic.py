"""Synthetic layered designs of any size, for the benchmarks."""

from __future__ import annotations

import random

ZONES = ["az-a", "az-b", "az-c"]
GROUPS = {
    "load_balancer": "Edge",
    "service": "Services",
    "cache": "Data",
    "database": "Data",
    "queue": "Pipeline",
    "worker": "Pipeline",
}


def synthetic(components: int, seed: int = 7, grouped: bool = False) -> str:
    """Write a layered design: clients, balancers, services, caches, databases, queues, workers.

    With `grouped`, each layer past the clients is a group, drawn as a cluster.
    """
    rng = random.Random(seed)
    per_layer = max(1, components // 8)
    layers: dict[str, list[str]] = {}
    lines = [
        "archgen: 1",
        f"name: Synthetic {components}",
        "requirements: {functional: [Serve requests], non_functional: {consistency: eventual}}",
        "capacity: {writes_per_day: 50M, read_write_ratio: 20, object_size: 2KB, server_storage: 8TB}",
        f"zones: [{', '.join(ZONES)}]",
        "components:",
    ]
    kinds = ["client", "load_balancer", "service", "service", "cache", "database", "queue", "worker"]
    count = 0
    for layer, kind in enumerate(kinds):
        size = per_layer if layer < len(kinds) - 1 else components - count
        layers[f"{layer}"] = [f"{kind}_{layer}_{index}" for index in range(size)]
        count += size
    for layer, kind in enumerate(kinds):
        for component_id in layers[f"{layer}"]:
            calls = []
            following = layers.get(f"{layer + 1}", [])
            if kind == "client":
                calls.append(f"{{any_of: [{rng.choice(following)}, {rng.choice(following)}]}}")
            elif kind in ("load_balancer", "service") and following:
                calls.extend(rng.sample(following, min(3, len(following))))
                if kind == "service":
                    calls.append(f"{{{rng.choice(layers['4'])}: {{optional: true}}}}")
                    calls.append(f"{{{rng.choice(layers['6'])}: {{async: true}}}}")
            elif kind == "cache":
                calls.append(f"{{{rng.choice(layers['5'])}: {{optional: true}}}}")
            elif kind == "queue":
                calls.append(f"{{{rng.choice(layers['7'])}: {{async: true}}}}")
            elif kind == "worker":
                calls.extend(rng.sample(layers["5"], min(4, len(layers["5"]))))
            replicas = 1 if rng.random() < 0.05 else rng.choice([2, 3])
            zones = rng.sample(ZONES, rng.choice([1, 2, 3]))
            fields = [f"kind: {kind}", f"replicas: {replicas}", f"zones: [{', '.join(zones)}]"]
            if kind == "cache":
                fields += ["memory: 64GB", "eviction: lru"]
            if kind == "database":
                fields += ["backup: true", "partitioning: {strategy: consistent_hash, key: id}"]
            if grouped and kind != "client":
                fields.append(f"group: {GROUPS[kind]}")
            if kind == "load_balancer":
                fields.append("rate_limit: 1000/s")
            if calls:
                fields.append(f"calls: [{', '.join(calls)}]")
            lines.append(f"  {component_id}: {{{', '.join(fields)}}}")
    return "\n".join(lines) + "\n"


def replicated(components: int, seed: int = 11) -> str:
    """Write a layered design of the kind real systems draw large: long names, replicated and read-replicated stores.

    Clients call load balancers, which call services with long descriptive names; services call
    caches and databases with 2 to 5 replicas, some with read replicas read through.
    """
    rng = random.Random(seed)
    layer = max(1, components // 5)
    lines = [
        "archgen: 1",
        f"name: Replicated {components}",
        f"zones: [{', '.join(ZONES)}]",
        "components:",
    ]
    names = {
        "lb": [f"lb_{index}" for index in range(max(1, layer // 4))],
        "service": [f"service_{index}" for index in range(layer * 2)],
        "cache": [f"cache_{index}" for index in range(layer // 2 or 1)],
    }
    names["database"] = [f"db_{index}" for index in range(components - 1 - sum(len(group) for group in names.values()))]
    lines.append(f"  users: {{kind: client, calls: [{', '.join(names['lb'])}]}}")
    for lb in names["lb"]:
        targets = rng.sample(names["service"], min(4, len(names["service"])))
        lines.append(
            f"  {lb}: {{kind: load_balancer, replicas: 2, zones: [az-a, az-b], calls: [{', '.join(targets)}]}}"
        )
    for index, service in enumerate(names["service"]):
        title = f"The {WORDS[index % len(WORDS)]} service that answers requests for area {index}"
        stores = rng.sample(names["database"], min(2, len(names["database"])))
        reads = [f"{{{store}: {{mode: read}}}}" for store in stores[:1]]
        cache = [f"{{{rng.choice(names['cache'])}: {{optional: true}}}}"]
        calls = ", ".join([*reads, *stores[1:], *cache])
        lines.append(
            f"  {service}: {{kind: service, name: {title}, replicas: 3, zones: [az-a, az-b], calls: [{calls}]}}"
        )
    for cache in names["cache"]:
        lines.append(f"  {cache}: {{kind: cache, engine: redis, replicas: 2, zones: [az-a, az-b], eviction: lru}}")
    for index, database in enumerate(names["database"]):
        read_replicas = ", read_replicas: 3" if index % 3 == 0 else ""
        lines.append(
            f"  {database}: {{kind: database, engine: postgresql, replicas: {2 + index % 4},"
            f" zones: [az-a, az-b, az-c], backup: true{read_replicas}}}"
        )
    return "\n".join(lines) + "\n"


WORDS = "account billing catalog checkout delivery feed inventory ledger media notification order payment".split()
