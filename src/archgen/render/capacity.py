"""The capacity estimate as a table: what, how much, and the working behind it (for `estimate` and the docs)."""

from __future__ import annotations

from dataclasses import dataclass

from archgen.analysis.capacity import DAYS_PER_YEAR, EntityEstimate, Estimate, StoreEstimate
from archgen.model import Capacity
from archgen.units import format_count, format_duration, format_per_second, format_size


@dataclass(frozen=True)
class Row:
    """One line of the capacity table: what, how much, and the working that gives it."""

    quantity: str
    value: str
    working: str


def table(capacity: Capacity, result: Estimate) -> list[Row]:
    """Return the estimate as the table `archgen estimate` prints and the design doc shows."""
    if result.entities:
        return (
            _totals(capacity, result)
            + [_entity_row(capacity, e) for e in result.entities]
            + [_store_row(capacity, store) for store in result.stores]
        )
    writes, size = capacity.writes_per_day or 0, capacity.object_size or 0
    peak = f"peak × {_number(capacity.peak_factor)}"
    rows = [
        Row(
            "Write requests",
            f"{format_per_second(result.write_qps)} average, {format_per_second(result.peak_write_qps)} peak",
            f"{format_count(writes)} writes a day ÷ 86,400 s; {peak}",
        ),
        Row(
            "Read requests",
            f"{format_per_second(result.read_qps)} average, {format_per_second(result.peak_read_qps)} peak",
            f"{_counted(capacity.read_write_ratio, 'read')} per write; {peak}",
        ),
        Row(
            "Storage per day",
            format_size(result.storage_per_day),
            f"{format_count(writes)} writes × {format_size(size)}",
        ),
        Row(
            "Storage retained",
            format_size(result.storage_retained),
            _kept(capacity),
        ),
        *_stored(capacity, result),
        Row("Ingress", f"{format_size(result.ingress_per_second)}/s", "writes × object size"),
        Row("Egress", f"{format_size(result.egress_per_second)}/s", "reads × object size"),
        Row(
            "Cache memory",
            format_size(result.cache_memory),
            f"{capacity.cache_hot_fraction:.0%} of a day's reads ({format_count(result.reads_per_day)}) × object size",
        ),
    ]
    if result.media_per_day is not None and result.media_retained is not None and capacity.media_size:
        rows += [
            Row("Media per day", format_size(result.media_per_day), f"writes × {format_size(capacity.media_size)}"),
            Row("Media retained", format_size(result.media_retained), _kept(capacity)),
            Row("Media egress", f"{format_size(result.media_egress_per_second or 0)}/s", "reads × media size"),
        ]
    return rows


def _stored(capacity: Capacity, result: Estimate) -> list[Row]:
    """Return the rows from the data kept to the servers it needs: headroom, copies, servers."""
    rows = [
        Row("With headroom", format_size(result.storage_with_headroom), f"÷ {capacity.storage_headroom:.0%} fill"),
        Row(
            "Replicated",
            format_size(result.storage_replicated),
            f"× {_counted(capacity.replication_factor, 'copy', 'copies')}",
        ),
    ]
    if result.servers is not None and capacity.server_storage:
        rows.append(Row("Storage servers", f"{result.servers:,}", f"÷ {format_size(capacity.server_storage)} a server"))
    return rows


def _kept(capacity: Capacity) -> str:
    if capacity.retention is not None:
        return f"kept {format_duration(capacity.retention)}"
    return f"× {DAYS_PER_YEAR} days × {_counted(capacity.retention_years, 'year')}"


def _counted(value: float, noun: str, nouns: str | None = None) -> str:
    """Write `1 read`, `0.5 reads`, `100 reads`."""
    return f"{_number(value)} {noun if value == 1 else nouns or noun + 's'}"


def _number(value: float) -> str:
    return f"{value:g}"


def _totals(capacity: Capacity, result: Estimate) -> list[Row]:
    """Return the design's totals when it lists entities: the sums of theirs."""
    peak = f"peak × {_number(capacity.peak_factor)}"
    count = f"{len(result.entities)} entities"
    rows = [
        Row(
            "Write requests",
            f"{format_per_second(result.write_qps)} average, {format_per_second(result.peak_write_qps)} peak",
            f"the {count}' writes a day ÷ 86,400 s; {peak}",
        ),
        Row(
            "Read requests",
            f"{format_per_second(result.read_qps)} average, {format_per_second(result.peak_read_qps)} peak",
            f"each entity's writes × its reads per write; {peak}",
        ),
        Row("Storage per day", format_size(result.storage_per_day), f"the {count}' writes × their sizes"),
        Row("Storage retained", format_size(result.storage_retained), "each kept for its retention"),
        *_stored(capacity, result),
        Row("Ingress", f"{format_size(result.ingress_per_second)}/s", "writes × size"),
        Row("Egress", f"{format_size(result.egress_per_second)}/s", "reads × size"),
        Row("Cache memory", format_size(result.cache_memory), "each entity's hot share of a day's reads × size"),
    ]
    if result.media_per_day is not None and result.media_retained is not None:
        rows += [
            Row("Media per day", format_size(result.media_per_day), "writes × media size"),
            Row("Media retained", format_size(result.media_retained), "each kept for its retention"),
            Row("Media egress", f"{format_size(result.media_egress_per_second or 0)}/s", "reads × media size"),
        ]
    return rows


def _entity_row(capacity: Capacity, entity: EntityEstimate) -> Row:
    """Describe one entity: its rates and what it keeps, with the inputs behind them."""
    written = capacity.entities[entity.name]
    kept = format_size(entity.storage_retained)
    if entity.media_retained is not None:
        kept += f" + {format_size(entity.media_retained)} media"
    ratio = entity.reads_per_day / entity.writes_per_day if entity.writes_per_day else 0
    where = f"; in {', '.join(entity.stored_in)}" if entity.stored_in else ""
    return Row(
        f"Entity {entity.name}",
        f"{format_per_second(entity.write_qps)} writes, {format_per_second(entity.read_qps)} reads; {kept} kept",
        f"{format_count(entity.writes_per_day)} a day × {format_size(written.size)}, "
        f"{_counted(ratio, 'read')} per write, kept {_days(entity.retention_days)}{where}",
    )


def _store_row(capacity: Capacity, store: StoreEstimate) -> Row:
    """Describe one store: what its entities need there (a cache: their hot set)."""
    held = ", ".join(store.entities)
    if store.kind == "cache":
        return Row(f"Store {store.component}", f"hot set {format_size(store.hot_set)}", f"hot share of {held}")
    if store.shared:
        return Row(
            f"Store {store.component}",
            f"{format_size(store.storage_with_headroom)} with headroom",
            f"{held}: {format_size(store.storage_retained)} kept ÷ {capacity.storage_headroom:.0%} fill; "
            "the provider keeps the copies",
        )
    copies = _counted(capacity.replication_factor, "copy", "copies")
    return Row(
        f"Store {store.component}",
        f"{format_size(store.storage_with_headroom)} with headroom, "
        f"{format_size(store.storage_replicated)} in {copies}",
        f"{held}: {format_size(store.storage_retained)} kept ÷ {capacity.storage_headroom:.0%} fill",
    )


def _days(days: float) -> str:
    if days >= DAYS_PER_YEAR and days % DAYS_PER_YEAR == 0:
        return _counted(days / DAYS_PER_YEAR, "year")
    return _counted(days, "day")
