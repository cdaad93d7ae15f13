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
