"""Quantities written the back-of-the-envelope way: 100M, 4TB, 24h, 100/min."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from archgen.text import shorten

COUNT_SUFFIXES = {"": 1, "K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}
SIZE_UNITS = {
    "B": 1,
    "KB": 10**3,
    "MB": 10**6,
    "GB": 10**9,
    "TB": 10**12,
    "PB": 10**15,
    "KIB": 2**10,
    "MIB": 2**20,
    "GIB": 2**30,
    "TIB": 2**40,
    "PIB": 2**50,
}
DURATION_UNITS = {
    "ms": 0.001,
    "s": 1,
    "m": 60,
    "min": 60,
    "h": 3600,
    "d": 86400,
    "w": 604800,
    "mo": 2592000,
    "y": 31536000,
}
RATE_PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}

_NUMBER = r"(\d+(?:\.\d+)?|\.\d+)"
_COUNT_RE = re.compile(rf"^\s*{_NUMBER}\s*([KMBT]?)\s*$", re.IGNORECASE)
_SIZE_RE = re.compile(rf"^\s*{_NUMBER}\s*([KMGTP]?I?B)\s*$", re.IGNORECASE)
_DURATION_RE = re.compile(rf"^\s*{_NUMBER}\s*(ms|s|min|mo|m|h|d|w|y)\s*$")
_RATE_RE = re.compile(rf"^\s*{_NUMBER}\s*/\s*([a-z]+)\s*$")


#: The largest values archgen accepts: far past any real design, and small enough that every
#: estimate stays a finite float.
MAX_COUNT = 10**18
MAX_SIZE = 10**24
MAX_DURATION = 1000 * 31_536_000
MAX_RATE = 10**12
LIMITS = {"count": MAX_COUNT, "size": MAX_SIZE, "duration": MAX_DURATION, "rate": MAX_RATE}


def _bounded(value: float, limit: float, what: str) -> float:
    if not math.isfinite(value) or value > limit:
        raise ValueError(f"{what} is too large (at most {limit:.0e})")
    return value


def _number_or_none(value: Any) -> float | None:
    if isinstance(value, bool):
        raise ValueError("expected a number, not true/false")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError("must not be negative")
        try:
            return float(value)
        except OverflowError:
            raise ValueError("the number is too large") from None
    if not isinstance(value, str):
        raise ValueError(f"expected a number or a string, not {type(value).__name__}")
    return None


def _quantity(value: Any, pattern: re.Pattern[str], units: Mapping[str, float], what: str, examples: str) -> float:
    """Parse a plain number, or a number and a unit from `units`; refuse what is not finite or too large."""
    number = _number_or_none(value)
    if number is None:
        match = pattern.match(value)
        if not match:
            raise ValueError(f"{shorten(value)!r} is not a {what} (examples: {examples})")
        unit = match.group(2)
        number = float(match.group(1)) * units[unit if unit in units else unit.upper()]
    return _bounded(number, LIMITS[what], f"the {what}")


def parse_count(value: Any) -> int:
    """Parse a count such as 100, '100M' or '1.5B' into an int."""
    return round(_quantity(value, _COUNT_RE, COUNT_SUFFIXES, "count", "500, 20K, 100M, 2B"))


def parse_size(value: Any) -> int:
    """Parse a size such as '500B', '4TB' or '64GiB' into bytes."""
    return round(_quantity(value, _SIZE_RE, SIZE_UNITS, "size", "500B, 10KB, 4TB, 64GiB"))


def parse_duration(value: Any) -> float:
    """Parse a duration such as '24h', '30d' or a number of seconds into seconds."""
    return _quantity(value, _DURATION_RE, DURATION_UNITS, "duration", "30s, 15m, 24h, 30d, 18mo, 5y")


def parse_rate(value: Any) -> float:
    """Parse a rate such as '100/min' or '1000/s' into events per second."""
    if not isinstance(value, str):
        raise ValueError("expected a rate such as 100/min or 1000/s")
    match = _RATE_RE.match(value)
    if not match or match.group(2) not in RATE_PERIODS:
        periods = ", ".join(sorted(set(RATE_PERIODS)))
        raise ValueError(f"{shorten(value)!r} is not a rate (examples: 100/min, 1000/s; periods: {periods})")
    return _bounded(float(match.group(1)) / RATE_PERIODS[match.group(2)], MAX_RATE, "the rate")


def format_count(value: float) -> str:
    """Write a count the way people say it: 1.2M, 350K (999.5 is 1K, not 1,000)."""
    return _scaled(value, (("", 1), ("K", 10**3), ("M", 10**6), ("B", 10**9), ("T", 10**12)), "")


def format_size(value: float) -> str:
    """Write a size in decimal units: 120 GB, 1.5 TB, up to EB."""
    units = (("B", 1), ("KB", 10**3), ("MB", 10**6), ("GB", 10**9), ("TB", 10**12), ("PB", 10**15), ("EB", 10**18))
    return _scaled(value, units, " ")


def _scaled(value: float, units: tuple[tuple[str, int], ...], space: str) -> str:
    """Write `value` in the largest unit it reaches, moving up when rounding reaches the next one."""
    index = max((i for i, (_, factor) in enumerate(units) if abs(value) >= factor), default=0)
    if index + 1 < len(units) and abs(round(value / units[index][1])) >= 1000:
        index += 1
    unit, factor = units[index]
    return f"{_trim(value / factor)}{space}{unit}"


def format_duration(seconds: float) -> str:
    """Write a duration in the largest whole unit: 5 years, 18 months, 30 d, 24 h, 15 min, 30 s."""
    for unit, size in (("years", 31_536_000), ("months", 2_592_000)):
        if seconds >= size and seconds % size == 0 and seconds >= 2 * size:
            return f"{seconds / size:g} {unit}"
    for unit, size in (("d", 86_400), ("h", 3_600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g} {unit}"
    return f"{seconds:g} s"


def format_per_second(per_second: float) -> str:
    """Write a rate per second, whatever its size: 694,444/s, 0.5/s."""
    return f"{_trim(per_second)}/s"


def format_rate(per_second: float) -> str:
    """Write a rate per second, or per minute when it is small or was given per minute (100/min)."""
    per_minute = per_second * 60
    whole_per_minute = per_second != int(per_second) and abs(per_minute - round(per_minute)) < 1e-6
    if (per_second >= 1 or per_second == 0) and not whole_per_minute:
        return f"{_trim(per_second)}/s"
    return f"{_trim(per_minute)}/min"


def _trim(value: float) -> str:
    if value >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:.3g}" if value < 10 else f"{value:.1f}"


def _schema(pattern: str, description: str) -> WithJsonSchema:
    return WithJsonSchema(
        {
            "anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": pattern}],
            "description": description,
        }
    )


Count = Annotated[
    int,
    BeforeValidator(parse_count),
    _schema(r"^\s*(\d+(\.\d+)?|\.\d+)\s*[KMBTkmbt]?\s*$", "A count; accepts K, M, B suffixes."),
]
Size = Annotated[
    int,
    BeforeValidator(parse_size),
    _schema(
        r"^\s*(\d+(\.\d+)?|\.\d+)\s*[KMGTPkmgtp]?[Ii]?[Bb]\s*$",
        "A size in bytes; accepts B, KB, MB, GB, TB (decimal) and KiB, MiB, GiB, TiB (binary).",
    ),
]
Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    _schema(
        r"^\s*(\d+(\.\d+)?|\.\d+)\s*(ms|s|m|min|mo|h|d|w|y)\s*$",
        "A duration: seconds, or 30s, 15m, 24h, 30d, 18mo, 5y.",
    ),
]
Rate = Annotated[
    float,
    BeforeValidator(parse_rate),
    PlainSerializer(format_rate, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*(\d+(\.\d+)?|\.\d+)\s*/\s*(s|sec|second|min|minute|h|hour|d|day)\s*$",
            "description": "A rate: 100/min, 1000/s.",
        }
    ),
]


def format_availability(unavailability: float, below: float | None = None) -> str:
    """Write an availability with the digits that show its nines and two after them: 99.9712%.

    With `below` (a target in percent the figure misses), enough digits that the figure
    written is below it too: 99.94999%, never a 99.95% that misses a 99.95% target.
    """
    if unavailability <= 0:
        return "100%"
    down = min(unavailability, 1.0) * 100
    decimals = min(15, max(2, math.floor(-math.log10(down)) + 3))
    while below is not None and decimals < 15 and round(100 - down, decimals) >= below:
        decimals += 1
    text = f"{100 - down:.{decimals}f}".rstrip("0").rstrip(".")
    return "≈100%" if text == "100" else f"{text}%"


def format_downtime(minutes: float) -> str:
    """Write a downtime the way a status page does: 26 s, 13.7 min, 4 h 23 min, 3 d 2 h."""
    if minutes * 60 < 0.01:
        return "0 s" if minutes <= 0 else "< 0.01 s"
    if minutes < 1:
        return f"{minutes * 60:.2g} s" if minutes * 60 < 10 else f"{minutes * 60:.0f} s"
    if minutes < 60:
        return f"{minutes:.3g} min"
    hours, rest = divmod(round(minutes), 60)
    if hours < 24:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"
