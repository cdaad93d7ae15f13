"""Output names and atomic writes: the one place archgen writes files."""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from archgen.errors import RenderError

SLUG_LENGTH = 64


YAML_SUFFIXES = (".yaml", ".yml")
SPEC_SUFFIXES = (*YAML_SUFFIXES, ".py")


def discover(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into the spec files below them (sorted); files are kept as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    candidate
                    for candidate in path.rglob("*")
                    if candidate.suffix in SPEC_SUFFIXES
                    and candidate.is_file()
                    and not candidate.name.startswith(("_", "."))
                )
            )
        else:
            found.append(path)
    return found


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


#: Names Windows reserves for devices, whatever the extension.
RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))}
)


def slugify(name: str) -> str:
    """Return a file-name-safe slug: lowercase ASCII letters, digits and dashes, never empty or reserved."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:SLUG_LENGTH].strip("-")
    if slug in RESERVED:
        return f"{slug}-design"
    return slug or "design"


def slug_taken(slug: str, other: str) -> str:
    """Say that two designs would write the same outputs."""
    return f"name: {slug!r} already names the outputs of {other}; give this design another name"


def write_files(folder: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write every file under `folder` or none: each goes to a temporary file first, then all are renamed.

    Names may hold subfolders (`slug/design.md`); none may leave `folder`, pass through a
    symbolic link, or replace anything but a regular file.
    """
    import secrets  # here, not at the top: a lint answered from the cache writes nothing

    targets = [inside(folder, name) for name in files]
    pending: list[tuple[str, Path]] = []
    try:
        for target, data in zip(targets, files.values(), strict=True):
            target.parent.mkdir(parents=True, exist_ok=True)
            inside(folder, target.relative_to(folder.resolve()).as_posix())  # made no link on the way
            temporary = str(target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"))
            # os.open, unlike mkstemp, leaves the file mode to the umask, as any other written file.
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o666)
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


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
#: The temporary files write_files makes; a killed run leaves them behind.
TEMPORARY = re.compile(r"^\..+\.[0-9]+\.[0-9a-f]{8}\.tmp$")


def temporaries(folder: Path) -> list[Path]:
    """Return the temporary files a killed write left under `folder` (not following links)."""
    found = []
    for directory, subfolders, names in os.walk(folder):
        found += [Path(directory) / name for name in names if TEMPORARY.match(name)]
        subfolders[:] = [name for name in subfolders if not (Path(directory) / name).is_symlink()]
    return sorted(found)


def inside(folder: Path, name: str) -> Path:
    """Return folder/name, refusing a name that leaves the folder or a path through a symbolic link."""
    root = folder.resolve()
    target = root / name
    if ".." in Path(name).parts or Path(name).is_absolute() or target == root:
        raise RenderError(f"refusing to write outside {folder}: {name}")
    current = root
    for part in Path(name).parts:
        current = current / part
        if current.is_symlink():
            raise RenderError(f"refusing to write through the symbolic link {current}")
    if target.exists() and not target.is_file():
        raise RenderError(f"refusing to replace {target}: it is not a regular file")
    return target


def remove_file(folder: Path, name: str) -> None:
    """Delete folder/name if it is a regular file reached through no link; then its folder, if empty."""
    target = inside(folder, name)
    target.unlink(missing_ok=True)
    parent = target.parent
    if parent != folder.resolve() and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()


@contextlib.contextmanager
def locked(folder: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock on `folder` (created if missing) while the block runs; wait for another holder.

    The lock is on the folder itself, so it leaves no file behind. Where the platform has no
    `flock` (Windows), builds are not serialised.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = os.open(folder, os.O_RDONLY)
    except OSError as error:
        raise RenderError(f"cannot use {folder} as the output folder: {error.strerror}") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock
