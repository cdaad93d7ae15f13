"""Write an `Imported` as a spec: plain YAML a reviewer edits, every component and call with its evidence."""

from __future__ import annotations

import json

from archgen.importers.evidence import Imported, ImportedCall, ImportedComponent


def spec_text(imported: Imported) -> str:
    """Return the spec's text: a header, the design, and a `# from FILE:LINE …` comment on each part."""
    lines = [
        "# Imported by `archgen import`: what the deployment says. Review it: the kinds, the calls,",
        "# and what a deployment file cannot say (managed services, zones, optional and",
        "# asynchronous calls, the design's requirements and capacity).",
    ]
    lines += [f"# Note: {note}" for note in imported.notes]
    lines += ["archgen: 1", f"name: {_text(imported.name)}"]
    if imported.zones:
        lines.append(f"zones: [{', '.join(imported.zones)}]")
    lines.append("components:")
    calls: dict[str, list[ImportedCall]] = {}
    for call in imported.calls:
        calls.setdefault(call.source, []).append(call)
    for component in imported.components.values():
        lines += _component(component, calls.get(component.id, []))
    return "\n".join(lines) + "\n"


def _component(component: ImportedComponent, calls: list[ImportedCall]) -> list[str]:
    lines = [f"  {component.id}:  # {component.evidence}", f"    kind: {component.kind}"]
    if component.engine:
        lines.append(f"    engine: {_text(component.engine)}")
    if component.managed:
        lines.append("    managed: true")
    if component.replicas != 1:
        lines.append(f"    replicas: {component.replicas}")
    if component.schedule:
        lines.append(f"    schedule: {_text(component.schedule)}")
    if component.read_replicas:
        lines.append(f"    read_replicas: {component.read_replicas}")
    if component.zones and component.kind != "client":
        lines.append(f"    zones: [{', '.join(component.zones)}]")
    if calls:
        lines.append("    calls:")
        for call in calls:
            evidence = "; ".join(str(item) for item in call.evidence)
            if [item.what for item in call.evidence] == ["depends_on"]:
                evidence += " (it orders start-up only: nothing else says it calls)"
            options = [
                *(["mode: read"] if call.mode == "read" else []),
                *(["async: true"] if call.asynchronous else []),
            ]
            target = f"{{{call.target}: {{{', '.join(options)}}}}}" if options else call.target
            lines.append(f"      - {target}  # {evidence}")
    return lines


def _text(value: str) -> str:
    """Write a string YAML reads back as the same string (JSON strings are YAML)."""
    return json.dumps(value, ensure_ascii=False)
