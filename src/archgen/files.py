"""Output names and atomic writes: the one place archgen writes files."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from archgen.errors import RenderError

SLUG_LENGTH = 64


def bundled(packaged: str, checkout: str) -> Path:
    """Return a data folder shipped in the wheel as archgen/<packaged>, or a checkout's top-level <checkout>."""
    package = Path(__file__).resolve().parent
    folder = package / packaged
    return folder if folder.is_dir() else package.parent.parent / checkout


def display_path(path: Path) -> str:
    """Return the path as users want to see it: relative to the working folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


def slugify(name: str) -> str:
    """Return a file-name-safe slug: lowercase ASCII letters, digits and dashes, never empty."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:SLUG_LENGTH].strip("-")
    return slug or "design"


def slug_taken(slug: str, other: str) -> str:
    """Say that two designs would write the same outputs."""
    return f"name: {slug!r} already names the outputs of {other}; give this design another name"


def write_files(folder: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write every file under `folder` or none: each goes to a temporary file first, then all are renamed."""
    targets = [_inside(folder, name) for name in files]
    pending: list[tuple[str, Path]] = []
    try:
        for target, data in zip(targets, files.values(), strict=True):
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = str(target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"))
            # os.open, unlike mkstemp, leaves the file mode to the umask, as any other written file.
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            pending.append((temporary, target))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
        for temporary, target in pending:
            os.replace(temporary, target)
    except OSError as error:
        raise RenderError(f"cannot write {error.filename or folder}: {error.strerror}") from None
    finally:
        for temporary, _ in pending:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
    return targets


def _inside(folder: Path, name: str) -> Path:
    """Return folder/name, refusing names that would leave the folder."""
    root = folder.resolve()
    target = (root / name).resolve()
    if target == root or root not in target.parents:
        raise RenderError(f"refusing to write outside {folder}: {name}")
    return target
