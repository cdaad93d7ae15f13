"""Designs from what teams deploy (DESIGN.md §9): read a deployment, write a spec with its evidence.

Each reader turns its format into the neutral `Imported` (components, calls, notes, each with
the file and line it comes from); `spec_text` writes that as a spec with `# from FILE:LINE`
comments. The format is told from the content, not the file name.

Docker Compose files (and swarm stacks) are read today; Kubernetes manifests and Terraform
are recognised and refused with a clear message until their readers exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from archgen.errors import ArchgenError
from archgen.files import display_path, read_spec
from archgen.importers.evidence import Imported


def read(paths: Sequence[Path], name: str | None = None) -> Imported:
    """Read the deployment files at `paths` (one format) into an `Imported`."""
    from archgen.importers import compose

    if not paths:
        raise ArchgenError("archgen import: give a deployment file (a Compose file)")
    files = []
    for path in paths:
        if path.is_dir():
            raise ArchgenError(f"{display_path(path)}: a folder; give the Compose file itself")
        shown = display_path(path)
        files.append((shown, read_spec(path, shown)))
    formats = {shown: detect(shown, data) for shown, data in files}
    unsupported = {shown: fmt for shown, fmt in formats.items() if fmt != "compose"}
    for shown, fmt in unsupported.items():
        raise ArchgenError(f"{shown}: {fmt}: archgen import reads Docker Compose files only, for now")
    return compose.read(files, name or _default_name(paths[0]))


def detect(shown: str, data: bytes) -> str:
    """Tell the format of a deployment file from its content."""
    text = data.decode("utf-8", errors="replace")
    stripped = text.lstrip()
    if shown.endswith(".tf") or ('resource "' in text and "{" in text and not stripped.startswith(("{", "services"))):
        return "Terraform configuration"
    if stripped.startswith("{") and '"format_version"' in text:
        return "a Terraform plan or state (terraform show -json)"
    if "apiVersion:" in text and "kind:" in text and "services:" not in text:
        return "Kubernetes manifests"
    if "services:" in text:
        return "compose"
    return "not a deployment file archgen knows (a Compose file has a top-level `services`)"


def _default_name(path: Path) -> str:
    """Name a design after the folder of its file (`shop/compose.yaml` is "shop"), else the file."""
    folder = path.resolve().parent.name
    return folder.replace("-", " ").replace("_", " ").strip() or path.stem
