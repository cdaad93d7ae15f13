"""Back-of-the-envelope capacity estimates (checklist §2)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from archgen.model import Capacity
from archgen.units import format_count, format_rate, format_size

SECONDS_PER_DAY = 86_400
DAYS_PER_YEAR = 365


@dataclass(frozen=True)
class Estimate:
    """What a design's capacity inputs imply; sizes in bytes, rates per second."""

    write_qps: float
    read_qps: float
    peak_write_qps: float
    peak_read_qps: float
    storage_per_day: float
    storage_retained: float
    storage_with_headroom: float
    storage_replicated: float
    servers: int | None
    ingress_per_second: float
    egress_per_second: float
    reads_per_day: float
    cache_memory: float


def estimate(capacity: Capacity) -> Estimate:
    """Estimate requests, storage, servers, bandwidth and cache memory from the capacity inputs."""
    writes = capacity.writes_per_day
    reads = writes * capacity.read_write_ratio
    size = capacity.object_size
    per_day = writes * size
    retained = per_day * DAYS_PER_YEAR * capacity.retention_years
    with_headroom = retained / capacity.storage_headroom
    replicated = with_headroom * capacity.replication_factor
    servers = math.ceil(replicated / capacity.server_storage) if capacity.server_storage else None
    return Estimate(
        write_qps=writes / SECONDS_PER_DAY,
        read_qps=reads / SECONDS_PER_DAY,
        peak_write_qps=writes / SECONDS_PER_DAY * capacity.peak_factor,
        peak_read_qps=reads / SECONDS_PER_DAY * capacity.peak_factor,
        storage_per_day=per_day,
        storage_retained=retained,
        storage_with_headroom=with_headroom,
        storage_replicated=replicated,
        servers=servers,
        ingress_per_second=per_day / SECONDS_PER_DAY,
        egress_per_second=reads * size / SECONDS_PER_DAY,
        reads_per_day=reads,
        cache_memory=reads * size * capacity.cache_hot_fraction,
    )


@dataclass(frozen=True)
class Row:
    """One line of the capacity table: what, how much, and the working that gives it."""

    quantity: str
    value: str
    working: str


def table(capacity: Capacity, result: Estimate) -> list[Row]:
    """Return the estimate as the table `archgen estimate` prints and the design doc shows."""
    peak = f"peak × {_number(capacity.peak_factor)}"
    rows = [
        Row(
            "Write requests",
            f"{format_rate(result.write_qps)} average, {format_rate(result.peak_write_qps)} peak",
            f"{format_count(capacity.writes_per_day)} writes a day ÷ 86,400 s; {peak}",
        ),
        Row(
            "Read requests",
            f"{format_rate(result.read_qps)} average, {format_rate(result.peak_read_qps)} peak",
            f"{_number(capacity.read_write_ratio)} reads per write; {peak}",
        ),
        Row(
            "Storage per day",
            format_size(result.storage_per_day),
            f"{format_count(capacity.writes_per_day)} writes × {format_size(capacity.object_size)}",
        ),
        Row(
            "Storage retained",
            format_size(result.storage_retained),
            f"× {DAYS_PER_YEAR} days × {_number(capacity.retention_years)} years",
        ),
        Row(
            "With headroom",
            format_size(result.storage_with_headroom),
            f"÷ {capacity.storage_headroom:.0%} fill",
        ),
        Row("Replicated", format_size(result.storage_replicated), f"× {capacity.replication_factor} copies"),
    ]
    if result.servers is not None and capacity.server_storage:
        rows.append(Row("Storage servers", f"{result.servers:,}", f"÷ {format_size(capacity.server_storage)} a server"))
    rows += [
        Row("Ingress", f"{format_size(result.ingress_per_second)}/s", "writes × object size"),
        Row("Egress", f"{format_size(result.egress_per_second)}/s", "reads × object size"),
        Row(
            "Cache memory",
            format_size(result.cache_memory),
            f"{capacity.cache_hot_fraction:.0%} of a day's reads ({format_count(result.reads_per_day)}) × object size",
        ),
    ]
    return rows


def _number(value: float) -> str:
    return f"{value:g}"
