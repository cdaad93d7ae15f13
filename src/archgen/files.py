"""Output names and atomic writes: the one place archgen writes files."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from archgen.errors import RenderError, SpecError

SLUG_LENGTH = 64
#: The largest spec archgen reads: checked before a byte is read, on every path that reads one.
MAX_SPEC_BYTES = 16 * 1024 * 1024


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


def read_spec(path: Path, file: str) -> bytes:
    """Read a spec file: a regular file of at most MAX_SPEC_BYTES, checked before a byte is read.

    The file is opened first and checked through its handle, so a FIFO or a device is never
    read (opening does not block on a FIFO with O_NONBLOCK) and a file swapped in between the
    check and the read cannot slip through.
    """
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise SpecError.at(file, 1, 1, f"cannot read the spec: {error.strerror or error}") from None
    with os.fdopen(handle, "rb") as stream:
        try:
            info = os.fstat(handle)
            if not stat.S_ISREG(info.st_mode):
                raise SpecError.at(file, 1, 1, "not a regular file; a spec is a .yaml, .yml or .py file")
            if info.st_size > MAX_SPEC_BYTES:
                size = f"{info.st_size:,} bytes; specs are limited to {MAX_SPEC_BYTES:,} bytes"
                raise SpecError.at(file, 1, 1, f"file is {size}")
            data = stream.read(MAX_SPEC_BYTES + 1)
        except OSError as error:
            raise SpecError.at(file, 1, 1, f"cannot read the spec: {error.strerror or error}") from None
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError.at(file, 1, 1, f"the file grew past {MAX_SPEC_BYTES:,} bytes while it was read")
    return data


@functools.cache
def source_digest() -> str:
    """Hash archgen's own source by content: a changed checkout is a different archgen, whatever the file times say."""
    import hashlib

    package = os.path.dirname(os.path.abspath(__file__))
    names = []
    for folder, subfolders, files in os.walk(package):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        names += [os.path.join(folder, name) for name in files if name.endswith(".py")]
    hasher = hashlib.sha256()
    for name in sorted(names):
        with open(name, "rb") as stream:
            hasher.update(os.path.relpath(name, package).replace(os.sep, "/").encode() + b"\0" + stream.read())
    return hasher.hexdigest()


def bundled(packaged: str, checkout: str) -> Path:
    """Return a data folder shipped in the wheel as archgen/<packaged>, or a checkout's top-level <checkout>."""
    package = Path(__file__).resolve().parent
    folder = package / packaged
    return folder if folder.is_dir() else package.parent.parent / checkout


def display_path(path: Path) -> str:
    """Return the path as users want to see it: relative to the working folder when inside it.

    A name that is not UTF-8 is shown with replacement characters (the bytes Python keeps as
    lone surrogates cannot be printed, encoded or written to JSON).
    """
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return printable(str(path))
    return printable(str(path) if relative.startswith("..") else relative)


def printable(name: str) -> str:
    """Return a file name as text: bytes that are not UTF-8 become U+FFFD."""
    if name.isascii():
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


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
    current: Path | None = None
    try:
        for target, data in zip(targets, files.values(), strict=True):
            current = target
            target.parent.mkdir(parents=True, exist_ok=True)
            inside(folder, target.relative_to(folder.resolve()).as_posix())  # made no link on the way
            temporary = str(target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"))
            # os.open, unlike mkstemp, leaves the file mode to the umask, as any other written file.
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o666)
            pending.append((temporary, target))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
        for temporary, target in pending:
            current = target
            os.replace(temporary, target)
    except OSError as error:
        # Name the file the user asked for, not the temporary one beside it.
        shown = current if error.filename and TEMPORARY.match(os.path.basename(error.filename)) else None
        raise RenderError(f"cannot write {shown or error.filename or folder}: {error.strerror}") from None
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
