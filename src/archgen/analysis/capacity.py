"""Back-of-the-envelope capacity estimates (checklist §2): in all, per entity and per store.

A design either counts one kind of write (`writes_per_day` × `object_size`, plus
`media_size`) or lists `entities`, each with its own rate, size, retention and read ratio, and
the stores that hold it. Totals are the same quantities either way; with entities there are
also figures per entity and per store, which the capacity rules read. In object storage an
entity takes its `media_size` (else its `size`); in every other store, its `size`. Caches hold
the hot set of what is stored in them, not a copy of everything.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

from archgen.engines import shared_storage
from archgen.model import Capacity, CapacityEntity, Design

SECONDS_PER_DAY = 86_400
DAYS_PER_YEAR = 365


class EntityEstimate(NamedTuple):
    """What one entity implies; sizes in bytes, rates per second."""

    name: str
    writes_per_day: float
    reads_per_day: float
    write_qps: float
    read_qps: float
    storage_per_day: float
    storage_retained: float
    media_per_day: float | None
    media_retained: float | None
    egress_per_second: float
    hot_set: float
    retention_days: float
    stored_in: tuple[str, ...]


class StoreEstimate(NamedTuple):
    """What the entities stored in one component add up to there."""

    component: str
    kind: str
    entities: tuple[str, ...]
    storage_per_day: float
    storage_retained: float
    storage_with_headroom: float
    storage_replicated: float
    #: For caches: the hot set of the entities it holds.
    hot_set: float
    #: Whether the provider keeps the copies on a shared volume (Aurora, DynamoDB, S3, ...): one copy is counted.
    shared: bool = False


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
    entities: tuple[EntityEstimate, ...] = ()
    stores: tuple[StoreEstimate, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """Return the estimate as the JSON report writes it: entities and stores as objects."""
        fields = self._asdict()
        fields["entities"] = [entity._asdict() for entity in self.entities]
        fields["stores"] = [store._asdict() for store in self.stores]
        return fields


def estimate(
    capacity: Capacity, kinds: Mapping[str, str] | None = None, shared: frozenset[str] = frozenset()
) -> Estimate:
    """Estimate requests, storage, servers, bandwidth and cache memory; per entity and store when given.

    `kinds` maps component ids to their kinds, to tell object storage and caches from the rest;
    `shared` names the stores whose provider keeps the copies on a shared volume.
    """
    if capacity.entities:
        return _by_entity(capacity, kinds or {}, shared)
    writes: float = capacity.writes_per_day or 0
    reads = writes * capacity.read_write_ratio
    size = capacity.object_size or 0
    per_day = writes * size
    retained = per_day * capacity.retention_days
    with_headroom = retained / capacity.storage_headroom
    replicated = with_headroom * capacity.replication_factor
    media = _media(capacity, reads)
    return Estimate(
        write_qps=writes / SECONDS_PER_DAY,
        read_qps=reads / SECONDS_PER_DAY,
        peak_write_qps=writes / SECONDS_PER_DAY * capacity.peak_factor,
        peak_read_qps=reads / SECONDS_PER_DAY * capacity.peak_factor,
        storage_per_day=per_day,
        storage_retained=retained,
        storage_with_headroom=with_headroom,
        storage_replicated=replicated,
        servers=_servers(capacity, replicated),
        ingress_per_second=per_day / SECONDS_PER_DAY,
        egress_per_second=reads * size / SECONDS_PER_DAY,
        reads_per_day=reads,
        cache_memory=reads * size * capacity.cache_hot_fraction,
        media_per_day=media[0] if media else None,
        media_retained=media[1] if media else None,
        media_egress_per_second=media[2] if media else None,
    )


def _servers(capacity: Capacity, replicated: float) -> int | None:
    return math.ceil(replicated / capacity.server_storage) if capacity.server_storage else None


def _media(capacity: Capacity, reads: float) -> tuple[float, float, float] | None:
    """Estimate the media bytes a day, retained, and read a second: in object storage, read through the CDN."""
    if not capacity.media_size or not capacity.writes_per_day:
        return None
    per_day = capacity.writes_per_day * capacity.media_size
    return per_day, per_day * capacity.retention_days, reads * capacity.media_size / SECONDS_PER_DAY


def _entity(capacity: Capacity, name: str, entity: CapacityEntity) -> EntityEstimate:
    writes: float
    if entity.writes_per_day is not None:
        writes = entity.writes_per_day
    else:
        writes = (entity.per_user_per_day or 0) * (capacity.daily_active_users or 0)
    reads = writes * (entity.reads_per_write if entity.reads_per_write is not None else capacity.read_write_ratio)
    days = entity.retention / SECONDS_PER_DAY if entity.retention is not None else capacity.retention_days
    hot = entity.hot_fraction if entity.hot_fraction is not None else capacity.cache_hot_fraction
    media = writes * entity.media_size if entity.media_size else None
    return EntityEstimate(
        name=name,
        writes_per_day=writes,
        reads_per_day=reads,
        write_qps=writes / SECONDS_PER_DAY,
        read_qps=reads / SECONDS_PER_DAY,
        storage_per_day=writes * entity.size,
        storage_retained=writes * entity.size * days,
        media_per_day=media,
        media_retained=media * days if media is not None else None,
        egress_per_second=reads * entity.size / SECONDS_PER_DAY,
        hot_set=reads * entity.size * hot,
        retention_days=days,
        stored_in=entity.stored_in,
    )


def _by_entity(capacity: Capacity, kinds: Mapping[str, str], shared: frozenset[str]) -> Estimate:
    entities = tuple(_entity(capacity, name, entity) for name, entity in capacity.entities.items())
    writes = sum(entity.writes_per_day for entity in entities)
    reads = sum(entity.reads_per_day for entity in entities)
    retained = sum(entity.storage_retained for entity in entities)
    with_headroom = retained / capacity.storage_headroom
    replicated = with_headroom * capacity.replication_factor
    media = [entity for entity in entities if entity.media_per_day is not None]
    media_egress = sum(
        entity.reads_per_day * (capacity.entities[entity.name].media_size or 0) / SECONDS_PER_DAY for entity in media
    )
    return Estimate(
        write_qps=writes / SECONDS_PER_DAY,
        read_qps=reads / SECONDS_PER_DAY,
        peak_write_qps=writes / SECONDS_PER_DAY * capacity.peak_factor,
        peak_read_qps=reads / SECONDS_PER_DAY * capacity.peak_factor,
        storage_per_day=sum(entity.storage_per_day for entity in entities),
        storage_retained=retained,
        storage_with_headroom=with_headroom,
        storage_replicated=replicated,
        servers=_servers(capacity, replicated),
        ingress_per_second=sum(entity.storage_per_day for entity in entities) / SECONDS_PER_DAY,
        egress_per_second=sum(entity.egress_per_second for entity in entities),
        reads_per_day=reads,
        cache_memory=sum(entity.hot_set for entity in entities),
        media_per_day=sum(entity.media_per_day or 0 for entity in media) if media else None,
        media_retained=sum(entity.media_retained or 0 for entity in media) if media else None,
        media_egress_per_second=media_egress if media else None,
        entities=entities,
        stores=_stores(capacity, entities, kinds, shared),
    )


def _stores(
    capacity: Capacity, entities: tuple[EntityEstimate, ...], kinds: Mapping[str, str], shared: frozenset[str]
) -> tuple[StoreEstimate, ...]:
    """Add up what each store holds, in the order stores are first named."""
    held: dict[str, list[EntityEstimate]] = {}
    for entity in entities:
        for store in entity.stored_in:
            held.setdefault(store, []).append(entity)
    stores = []
    for store, inside in held.items():
        kind = kinds.get(store, "")
        per_day = retained = hot = 0.0
        for entity in inside:
            if kind == "cache":
                hot += entity.hot_set
                continue
            media = capacity.entities[entity.name].media_size if kind == "object_storage" else None
            size = media or capacity.entities[entity.name].size
            per_day += entity.writes_per_day * size
            retained += entity.writes_per_day * size * entity.retention_days
        with_headroom = retained / capacity.storage_headroom
        stores.append(
            StoreEstimate(
                component=store,
                kind=kind,
                entities=tuple(entity.name for entity in inside),
                storage_per_day=per_day,
                storage_retained=retained,
                storage_with_headroom=with_headroom,
                storage_replicated=with_headroom * (1 if store in shared else capacity.replication_factor),
                hot_set=hot,
                shared=store in shared,
            )
        )
    return tuple(stores)


def estimate_design(design: Design) -> Estimate | None:
    """Estimate a design's capacity (None without a capacity section), its stores known by kind."""
    if design.capacity is None:
        return None
    components = design.components.items()
    shared = frozenset(component_id for component_id, c in components if shared_storage(c.engine, c.managed)[0])
    return estimate(design.capacity, {component_id: c.kind for component_id, c in components}, shared)
