"""Designs from what teams deploy (DESIGN.md §9): read a deployment, write a spec with its evidence.

Each reader turns its format into the neutral `Imported` (components, calls, notes, each with
the file and line it comes from); `spec_text` writes that as a spec with `# from FILE:LINE`
comments. The format is told from the content, not the file name.

Docker Compose files (and swarm stacks), Kubernetes manifests, and Terraform (`terraform show
-json` of a plan or state, or `.tf` files through python-hcl2) are read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from archgen.errors import ArchgenError
from archgen.files import display_path, read_spec
from archgen.importers.evidence import Imported
from archgen.importers.roles import merge_replicas


def read(paths: Sequence[Path], name: str | None = None, profiles: Sequence[str] = ()) -> Imported:
    """Read the deployment files at `paths` (one format; a folder holds Kubernetes manifests) into an `Imported`.

    `profiles` are the Compose profiles to start, as `docker compose --profile` starts them.
    """
    import functools

    from archgen.importers import compose, kubernetes, terraform

    if not paths:
        raise ArchgenError(
            "archgen import: give a deployment file (a Compose file, Kubernetes manifests, Terraform files or plan)"
        )
    files = []
    folders: dict[str, Path] = {}
    for path in paths:
        for file in _files(path):
            shown = display_path(file)
            files.append((shown, read_spec(file, shown)))
            folders[shown] = file.parent
    formats = {shown: detect(shown, data) for shown, data in files}
    files = [(shown, data) for shown, data in files if formats[shown] != "empty"]  # comments only: nothing to read
    formats = {shown: fmt for shown, fmt in formats.items() if fmt != "empty"}
    if not files:
        raise ArchgenError("archgen import: the files hold only comments and blank lines")
    readers: dict[str, Callable[[list[tuple[str, bytes]], str], Imported]] = {
        "compose": functools.partial(compose.read, folders=folders, profiles=tuple(profiles)),
        "kubernetes": kubernetes.read,
        "terraform": terraform.read,
    }
    for shown, fmt in formats.items():
        if fmt not in readers:
            raise ArchgenError(
                f"{shown}: {fmt}: archgen import reads Docker Compose files, Kubernetes manifests and Terraform"
            )
    kinds = set(formats.values())
    if len(kinds) > 1:
        raise ArchgenError(
            "archgen import: give one kind of deployment at once (Compose files, Kubernetes manifests or Terraform)"
        )
    reader = readers[kinds.pop()]
    imported = reader(files, name or _default_name(paths[0]))
    if not imported.components:
        said = "".join(f"; {note}" for note in imported.notes if "not imported" in note)
        raise ArchgenError(f"{files[0][0]}: no component to import: nothing in the files runs{said}")
    merge_replicas(imported)
    return imported


def _files(path: Path) -> list[Path]:
    """Return a file, or the deployment files of a folder (manifests, or a Terraform module's `.tf` files), sorted.

    A Terraform module is its own folder's `.tf` files (not its subfolders, which are other modules).
    """
    if not path.is_dir():
        return [path]
    terraform = sorted(file for file in path.glob("*.tf") if file.is_file())
    if terraform:
        return terraform
    found = sorted(file for file in path.rglob("*") if file.suffix in (".yaml", ".yml") and file.is_file())
    if not found:
        raise ArchgenError(f"{display_path(path)}: no .yaml, .yml or .tf file in this folder")
    return found


def detect(shown: str, data: bytes) -> str:
    """Tell the format of a deployment file from its content."""
    text = data.decode("utf-8", errors="replace")
    stripped = text.lstrip()
    if shown.endswith(".tf"):
        return "terraform"
    if stripped.startswith("{") and '"format_version"' in text:
        return "terraform"
    if re.search(r"^apiVersion:", text, re.MULTILINE) and re.search(r"^kind:", text, re.MULTILINE):
        return "kubernetes"
    if re.search(r"^services:", text, re.MULTILINE):
        return "compose"
    if all(not line.strip() or line.lstrip().startswith("#") or line.strip() == "---" for line in text.splitlines()):
        return "empty"
    return "not a deployment file archgen knows (a Compose file has `services`, a manifest `apiVersion` and `kind`)"


def _default_name(path: Path) -> str:
    """Name a design after its folder, or the folder of its file (`shop/compose.yaml` is "shop"), else the file."""
    folder = path.resolve().name if path.is_dir() else path.resolve().parent.name
    return folder.replace("-", " ").replace("_", " ").strip() or path.stem
