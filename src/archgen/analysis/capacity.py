"""Back-of-the-envelope capacity estimates (checklist §2)."""

from __future__ import annotations

import math
from typing import NamedTuple

from archgen.model import Capacity

SECONDS_PER_DAY = 86_400
DAYS_PER_YEAR = 365


class Estimate(NamedTuple):
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
    media_per_day: float | None = None
    media_retained: float | None = None
    media_egress_per_second: float | None = None


def estimate(capacity: Capacity) -> Estimate:
    """Estimate requests, storage, servers, bandwidth and cache memory from the capacity inputs."""
    writes = capacity.writes_per_day
    reads = writes * capacity.read_write_ratio
    size = capacity.object_size
    per_day = writes * size
    retained = per_day * capacity.retention_days
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
        **_media(capacity, reads),
    )


def _media(capacity: Capacity, reads: float) -> dict[str, float]:
    """Estimate the media bytes: stored in object storage for the retention, read through the CDN."""
    if not capacity.media_size:
        return {}
    per_day = capacity.writes_per_day * capacity.media_size
    return {
        "media_per_day": per_day,
        "media_retained": per_day * capacity.retention_days,
        "media_egress_per_second": reads * capacity.media_size / SECONDS_PER_DAY,
    }
