"""`archgen import`: a spec from deployment files (`import` is a keyword, hence the name)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal, NamedTuple

from archgen.errors import ArchgenError
from archgen.files import write_files
from archgen.graph import DesignGraph
from archgen.importers import read
from archgen.importers.evidence import Imported
from archgen.importers.spec_text import spec_text
from archgen.loaded import LoadedDesign
from archgen.loader import load_text


def import_spec(
    paths: Sequence[Path], name: str | None = None, output: Path | None = None, profiles: Sequence[str] = ()
) -> tuple[str, LoadedDesign]:
    """Return the spec read from `paths` as text, and loaded (so it is known to validate); write it to `output`.

    The file is written whole or not at all, and only once the spec loads.
    """
    imported = read(paths, name, profiles)
    text = spec_text(imported)
    try:
        loaded = load_text(text, file="<imported>")
    except ArchgenError as error:  # a spec archgen writes must load: say what went wrong, plainly
        raise ArchgenError(f"archgen import wrote a spec that does not load: {error}") from None
    if output is not None:
        write_files(output.parent, {output.name: text.encode()})
    return text, loaded


#: Kinds a deployment file does not describe: people, third parties, provider-run edges and stores.
NOT_DEPLOYED_KINDS = frozenset({"client", "external", "dns", "cdn"})


class Drift(NamedTuple):
    """One difference between a written design and what is deployed, where the design says it."""

    kind: Literal["missing", "not_deployed", "replicas", "call"]
    component: str
    message: str
    file: str
    line: int
    column: int
    evidence: str = ""

    def __str__(self) -> str:
        where = f" ({self.evidence})" if self.evidence else ""
        return f"{self.file}:{self.line}:{self.column}: drift: {self.message}{where}"

    def as_dict(self) -> dict[str, object]:
        """Return the drift as the JSON report writes it."""
        return self._asdict()


def check_drift(design: LoadedDesign, paths: Sequence[Path], profiles: Sequence[str] = ()) -> list[Drift]:
    """Return every drift between a written design and the deployment files.

    Components are matched by id. A component deployed but missing from the design, a replica
    count that differs, one the design runs itself that the deployment lacks, and a call the
    deployment makes that the design does not: each is one drift. Clients, externals, DNS, CDNs
    and managed components are the design's to say; a deployment file does not describe them.
    """
    imported = read(paths, design.design.name, profiles)
    return [*_deployed(design, imported), *_not_deployed(design, imported), *_calls(design, imported)]


def _at(design: LoadedDesign, *path: str | int) -> tuple[str, int, int]:
    position = design.position(*path, key=True)
    return design.file, position.line, position.column


def _deployed(design: LoadedDesign, imported: Imported) -> Iterator[Drift]:
    """Yield the deployed components the design lacks, and those whose replica counts differ."""
    graph = DesignGraph(design.design)
    for component_id, component in imported.components.items():
        if component.kind == "client":
            continue
        if component_id not in graph.components:
            message = f"{component_id} is deployed ({component.kind}) but not in the design"
            yield Drift("missing", component_id, message, *_at(design, "components"), str(component.evidence))
        elif not graph.components[component_id].managed and graph.instances(component_id) != component.replicas:
            running = graph.instances(component_id)
            message = f"{component_id} runs {running} in the design, {component.replicas} deployed"
            yield Drift("replicas", component_id, message, *_at(design, "components", component_id))


def _not_deployed(design: LoadedDesign, imported: Imported) -> Iterator[Drift]:
    """Yield the components the design runs itself that the deployment lacks."""
    for component_id, ours in design.design.components.items():
        if component_id not in imported.components and ours.kind not in NOT_DEPLOYED_KINDS and not ours.managed:
            message = f"{component_id} is in the design but not deployed"
            yield Drift("not_deployed", component_id, message, *_at(design, "components", component_id))


def _calls(design: LoadedDesign, imported: Imported) -> Iterator[Drift]:
    """Yield the calls the deployment makes between components of the design that the design does not."""
    written = design.design.components
    for call in imported.calls:
        source = written.get(call.source)
        if source is None or call.target not in written or source.kind == "client":
            continue
        if not any(call.target in made.targets for made in source.calls):
            message = f"{call.source} calls {call.target} in the deployment, not in the design"
            evidence = "; ".join(str(item) for item in call.evidence)
            yield Drift("call", call.source, message, *_at(design, "components", call.source), evidence)
