"""Icons cut to what they show: diagrams' PNGs without their transparent margins.

Many of diagrams' icons draw a wide or short mark in a square canvas (Cassandra's eye fills the
middle half; Oracle's wordmark an eighth). Laid out at the canvas's size, a box's icon floats in
transparent space, and an arrow that ends on the icon stops short of anything drawn. Each icon a
picture uses is read once per process; one with a margin is cut to the pixels it draws (alpha
above 16) and written, as a PNG of our own encoding (so the bytes are the same wherever archgen
runs), into a folder of this process that Graphviz searches before diagrams' own.
"""

from __future__ import annotations

import atexit
import functools
import io
import shutil
import struct
import tempfile
import zlib
from pathlib import Path

#: Alpha at or below this is transparent for cutting (antialiasing haze is not a drawing).
ALPHA_FLOOR = 16
#: A margin narrower than this share of a side is left alone.
MARGIN_SHARE = 0.03


@functools.cache
def crop_root() -> Path:
    """Return the folder of this process's cut icons (made on first use, removed at exit)."""
    folder = Path(tempfile.mkdtemp(prefix="archgen-icons-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


@functools.cache
def cropped(root: Path, relative: str) -> bytes:
    """Return the PNG to draw for an icon: diagrams' own, or a copy cut to what it shows (written to `crop_root`)."""
    original = (root / relative).read_bytes()
    cut = _cut(original)
    if cut is None:
        return original
    target = crop_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(cut)
    return cut


def _cut(png: bytes) -> bytes | None:
    """Return the PNG cut to its visible pixels, or None when it has no margin worth cutting (or cannot be read)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(png)) as opened:
            image = opened.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    box = image.getchannel("A").point(lambda alpha: 255 if alpha > ALPHA_FLOOR else 0).getbbox()
    width, height = image.size
    if box is None:
        return None
    left, top, right, bottom = box
    if max(left, width - right) < width * MARGIN_SHARE and max(top, height - bottom) < height * MARGIN_SHARE:
        return None
    return _png(image.crop(box).tobytes(), right - left, bottom - top)


def _png(rgba: bytes, width: int, height: int) -> bytes:
    """Encode RGBA pixels as a PNG: no filter, zlib level 9 (the same bytes on every machine with one zlib)."""
    stride = width * 4
    raw = b"".join(b"\x00" + rgba[row * stride : (row + 1) * stride] for row in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
