"""What a change does to a design, by meaning: components, calls and flows matched by identity.

Components are matched by id, calls by caller and targets, flows by name; a component's
fields are compared one by one, nested ones by dotted path (`autoscale.min`). Nothing is
matched by line: moving or reformatting a spec changes nothing here. A component renamed
(same fields, new id) is a removal and an addition; the report says it may be a rename.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, NamedTuple

from archgen.analysis.availability import Availability
from archgen.model import Design

Action = Literal["+", "-", "~"]
Kind = Literal["design", "component", "call", "flow"]
#: Below this share of components in common, two versions under different names are two designs.
UNRELATED = 0.25


class FieldChange(NamedTuple):
    """One field whose value changed: its dotted path, before and after (None when absent)."""

    path: str
    before: Any
    after: Any


class Change(NamedTuple):
    """An element added (+), removed (-) or changed (~): what it is, and the fields that changed."""

    action: Action
    kind: Kind
    name: str
    fields: tuple[FieldChange, ...] = ()


class DesignDiff(NamedTuple):
    """Every change between two versions of a design, in a stable order."""

    changes: tuple[Change, ...]
    #: Added components whose fields equal a removed one's: (removed, added) pairs, maybe renames.
    renames: tuple[tuple[str, str], ...]
    #: Whether the two sides look like two different designs: another name, few components in common.
    unrelated: bool

    @property
    def empty(self) -> bool:
        """Tell whether nothing changed."""
        return not self.changes


def compare(old: Design, new: Design) -> DesignDiff:
    """Return what changed from `old` to `new`."""
    changes: list[Change] = []
    design_fields = _fields(_top(old), _top(new))
    if design_fields:
        changes.append(Change("~", "design", new.name, design_fields))
    old_parts, new_parts = _components(old), _components(new)
    changes += _elements(
        "component", old_parts, new_parts, _components(old, written=True) | _components(new, written=True)
    )
    changes += _elements("call", _calls(old), _calls(new), _calls(old, written=True) | _calls(new, written=True))
    changes += _elements("flow", _flows(old), _flows(new))
    removed = {c.name: old_parts[c.name] for c in changes if c.kind == "component" and c.action == "-"}
    added = {c.name: new_parts[c.name] for c in changes if c.kind == "component" and c.action == "+"}
    renames = tuple((gone, came) for gone, was in removed.items() for came, now in added.items() if was == now)
    shared, every = old_parts.keys() & new_parts.keys(), old_parts.keys() | new_parts.keys()
    # Another name and hardly a component in common (a `users` client, a `cache`): two designs, not two versions.
    unrelated = old.name != new.name and len(shared) < UNRELATED * len(every)
    return DesignDiff(tuple(changes), renames, unrelated)


def _elements(
    kind: Kind,
    old: dict[str, dict[str, Any]],
    new: dict[str, dict[str, Any]],
    written: dict[str, dict[str, Any]] | None = None,
) -> list[Change]:
    """Return the elements of one kind added, removed or changed, by name.

    Changed fields compare every value; an element added or removed lists what is `written`
    of it (defaults left out), when given.
    """
    changes = []
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name), new.get(name)
        if before is None:
            changes.append(Change("+", kind, name, _fields({}, (written or new)[name])))
        elif after is None:
            changes.append(Change("-", kind, name, _fields((written or old)[name], {})))
        elif fields := _fields(before, after):
            changes.append(Change("~", kind, name, fields))
    return changes


def _top(design: Design) -> dict[str, Any]:
    """Return the design-wide fields a diff speaks of: its name, zones and regions."""
    return {"name": design.name, "zones": list(design.zones), "regions": dict(design.regions)}


def _components(design: Design, written: bool = False) -> dict[str, dict[str, Any]]:
    """Return each component's fields without its calls: every one, or (`written`) those not at their default."""
    return {
        component_id: component.model_dump(mode="json", exclude={"calls"}, exclude_defaults=written, by_alias=True)
        | {"kind": component.kind}
        for component_id, component in design.components.items()
    }


def _calls(design: Design, written: bool = False) -> dict[str, dict[str, Any]]:
    """Return each call by caller and targets (`app → db`, `app → a | b`): its options, or those it says."""
    calls = {}
    for component_id, component in design.components.items():
        for call in component.calls:
            options = call.model_dump(mode="json", exclude={"targets"}, exclude_defaults=written, by_alias=True)
            calls[call_name(component_id, call.targets)] = options
    return calls


def call_name(source: str, targets: Iterable[str]) -> str:
    """Name a call as a diff does: `app → db`, or `app → a | b` for alternatives."""
    return f"{source} → {' | '.join(sorted(targets))}"


def _flows(design: Design) -> dict[str, dict[str, Any]]:
    return {name: flow.model_dump(mode="json") for name, flow in design.flows.items()}


def _fields(before: dict[str, Any], after: dict[str, Any], prefix: str = "") -> tuple[FieldChange, ...]:
    """Return the fields that differ, nested mappings by dotted path, in key order."""
    changes: list[FieldChange] = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        path = f"{prefix}{key}"
        if isinstance(old, dict) and isinstance(new, dict):
            changes += _fields(old, new, f"{path}.")
        else:
            changes.append(FieldChange(path, old, new))
    return tuple(changes)


class AvailabilityChange(NamedTuple):
    """An entry point's or flow's availability before and after (None on the side where it does not exist)."""

    kind: Literal["entry_point", "flow"]
    name: str
    #: Unavailabilities (probability of being down): exact, and kept small rather than as 1 − something.
    before: float | None
    after: float | None

    @property
    def worse(self) -> bool:
        """Tell whether the figure is lower after than before (both sides have one)."""
        return self.before is not None and self.after is not None and self.after > self.before


def availability_changes(old: Availability, new: Availability) -> tuple[AvailabilityChange, ...]:
    """Return the entry points and flows whose availability differs, appears or disappears, in the new order."""
    before = {(figure.kind, figure.name): figure.unavailability for figure in old.figures}
    after = {(figure.kind, figure.name): figure.unavailability for figure in new.figures}
    keys = list(after) + [key for key in before if key not in after]
    changes = []
    for kind, name in keys:
        was, now = before.get((kind, name)), after.get((kind, name))
        if was is None or now is None or abs(was - now) > 1e-12 * max(was, now, 1e-300):
            changes.append(AvailabilityChange(kind, name, was, now))
    return tuple(changes)
