"""Settings: defaults < archgen.toml or [tool.archgen] in pyproject.toml < command-line flags."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from archgen.errors import ConfigError
from archgen.vocabulary import RULES_URL, SEVERITIES, Severity


@dataclass(frozen=True)
class Settings:
    """Everything a command can be told, from the config file and the flags.

    A plain dataclass, checked by hand: reading the settings must not cost the import of
    pydantic, so a lint answered from the cache stays as quick as the tools it stands beside.
    """

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    #: Severity overrides by rule code; `off` turns a rule off.
    severity: dict[str, Severity | Literal["off"]] = field(default_factory=dict)
    fail_on: Severity = "warning"
    designs: tuple[Path, ...] = (Path("designs"),)
    output: Path = Path("output")
    templates: Path | None = None
    template_seconds: float = 10.0
    template_max_bytes: int = 10_000_000
    python: bool = True
    #: Whether the rules of installed plugins (entry point group `archgen.rules`) run.
    plugins: bool = True
    #: A baseline file: findings recorded in it are not reported (`lint --baseline`).
    baseline: Path | None = None
    #: Where a report links each rule's page (`#rel001-single-point-of-failure` is added): your docs site, say.
    rules_url: str = RULES_URL
    #: What `archgen build` publishes beside each design's PNG and SVG: `drawio`, `d2`, … (`diagram.<ext>`).
    exports: tuple[str, ...] = ()
    config_file: Path | None = None

    def __post_init__(self) -> None:
        if not 0 < self.template_seconds <= 3600:
            raise ValueError("template_seconds: must be more than 0 and at most 3600")
        if not 0 < self.template_max_bytes <= 1_000_000_000:
            raise ValueError("template_max_bytes: must be more than 0 and at most 1000000000")

    def merged(self, **flags: Any) -> Settings:
        """Return these settings with every flag that was given (not None) applied."""
        given = {key: value for key, value in flags.items() if value is not None}
        return self.replaced(**given) if given else self

    def replaced(self, **values: Any) -> Settings:
        """Return these settings with some values replaced."""
        return dataclasses.replace(self, **values)

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> Settings:
        """Check a config table's keys and types and return its settings; raise ValueError("key: message")."""
        names = [item.name for item in dataclasses.fields(cls) if item.name != "config_file"]
        values: dict[str, Any] = {}
        for key, value in table.items():
            if key not in names:
                raise ValueError(f"{key}: unknown key (allowed: {', '.join(names)})")
            values[key] = _CHECKS[key](key, value)
        return cls(**values)


def _strings(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{key}: expected a list of strings")
    return tuple(value)


def _paths(key: str, value: Any) -> tuple[Path, ...]:
    return tuple(Path(item) for item in _strings(key, value))


def _path(key: str, value: Any) -> Path:
    if not isinstance(value, str):
        raise ValueError(f"{key}: expected a path as a string")
    return Path(value)


def _severity(key: str, value: Any) -> Severity:
    if value not in SEVERITIES:
        raise ValueError(f"{key}: {value!r} is not one of {', '.join(SEVERITIES)}")
    severity: Severity = value
    return severity


def _severities(key: str, value: Any) -> dict[str, Severity | Literal["off"]]:
    if not isinstance(value, dict):
        raise ValueError(f"{key}: expected a table of rule codes and severities")
    return {str(code): "off" if level == "off" else _severity(f"{key}.{code}", level) for code, level in value.items()}


def _number(kind: type) -> Callable[[str, Any], Any]:
    def check(key: str, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float) if kind is float else int):
            raise ValueError(f"{key}: expected {'a number' if kind is float else 'a whole number'}")
        return kind(value)

    return check


def _exports(key: str, value: Any) -> tuple[str, ...]:
    from archgen.text import suggest
    from archgen.vocabulary import PICTURE_FORMATS

    formats = tuple(item.lower() for item in _strings(key, value))
    allowed = [fmt for fmt in PICTURE_FORMATS if fmt not in ("png", "svg")]
    for fmt in formats:
        if fmt not in allowed:
            raise ValueError(f"{key}: {fmt!r} is not one of {', '.join(allowed)}{suggest(fmt, allowed)}")
    return formats


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or any(ch in value for ch in "\n\r\t <>\"'`()[]"):
        raise ValueError(f"{key}: expected a URL or a relative path, without spaces, quotes or brackets")
    return value


def _boolean(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{key}: expected true or false")
    return value


_CHECKS: dict[str, Callable[[str, Any], Any]] = {
    "select": _strings,
    "ignore": _strings,
    "severity": _severities,
    "fail_on": _severity,
    "designs": _paths,
    "output": _path,
    "templates": _path,
    "template_seconds": _number(float),
    "template_max_bytes": _number(int),
    "python": _boolean,
    "plugins": _boolean,
    "baseline": _path,
    "rules_url": _text,
    "exports": _exports,
}


def find_config(start: Path) -> Path | None:
    """Walk up from `start` to the first archgen.toml, or pyproject.toml with a [tool.archgen] table."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        own = candidate / "archgen.toml"
        if own.is_file():
            return own
        pyproject = candidate / "pyproject.toml"
        # Most pyproject.toml files say nothing of archgen: look for the name before parsing TOML.
        if pyproject.is_file() and _mentions_archgen(pyproject) and "archgen" in _read(pyproject).get("tool", {}):
            return pyproject
    return None


def load_settings(start: Path, config_file: Path | None = None, *, trusted: Path | None = None) -> Settings:
    """Read the settings that apply at `start` (or from `config_file` when given).

    `python`, which lets specs run code, comes from the config the user chose: `config_file`,
    or the one that applies at `trusted` (default: the working folder). A config found nearer
    the specs may turn it off, never on, so a change that adds a Python spec cannot also
    allow it by adding an archgen.toml beside it.
    """
    settings = _load(config_file or find_config(start))
    if config_file is None:
        chosen = _load(find_config(trusted or Path.cwd()))
        settings = settings.replaced(python=settings.python and chosen.python)
    return settings


def _load(path: Path | None) -> Settings:
    if path is None:
        return Settings()
    table = _read(path)
    if path.name == "pyproject.toml":
        table = table.get("tool", {}).get("archgen", {})
    table = {key.replace("-", "_"): value for key, value in table.items()}
    base = path.parent
    try:
        settings = Settings.from_table(table).replaced(config_file=path)
    except ValueError as error:
        raise ConfigError(f"{path}: {error}") from None
    templates = base / settings.templates if settings.templates else None
    if templates is not None and not templates.is_dir():
        raise ConfigError(f"{path}: templates: {templates} is not a folder")
    return settings.replaced(
        designs=tuple(base / design for design in settings.designs),
        output=base / settings.output,
        templates=templates,
        baseline=base / settings.baseline if settings.baseline else None,
    )


def _mentions_archgen(path: Path) -> bool:
    """Tell whether a pyproject.toml may hold a [tool.archgen] table (a dotted key or a [tool] table too)."""
    try:
        data = path.read_bytes()
    except OSError:
        return True  # let the TOML reader say what is wrong
    return b"tool.archgen" in data or (b"[tool]" in data and b"archgen" in data)


def _read(path: Path) -> dict[str, Any]:
    import tomllib  # only when there is a config file to read

    try:
        with path.open("rb") as stream:
            table: dict[str, Any] = tomllib.load(stream)
            return table
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: {error}") from None
