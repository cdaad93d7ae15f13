"""Settings: defaults < archgen.toml or [tool.archgen] in pyproject.toml < command-line flags."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pydantic
from pydantic import BaseModel, ConfigDict, Field

from archgen.errors import ConfigError
from archgen.vocabulary import Severity


class Settings(BaseModel):
    """Everything a command can be told, from the config file and the flags."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = Field(default_factory=dict)
    fail_on: Severity = "warning"
    designs: tuple[Path, ...] = (Path("designs"),)
    output: Path = Path("output")
    templates: Path | None = None
    template_seconds: float = Field(10.0, gt=0, le=3600)
    template_max_bytes: int = Field(10_000_000, gt=0, le=1_000_000_000)
    python: bool = True
    config_file: Path | None = None

    def merged(self, **flags: Any) -> Settings:
        """Return these settings with every flag that was given (not None) applied."""
        given = {key: value for key, value in flags.items() if value is not None}
        return self.model_copy(update=given) if given else self


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
        if pyproject.is_file() and "archgen" in _read(pyproject).get("tool", {}):
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
        settings = settings.model_copy(update={"python": settings.python and chosen.python})
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
        settings = Settings.model_validate({**table, "config_file": path})
    except pydantic.ValidationError as error:
        detail = error.errors()[0]
        key = ".".join(str(step) for step in detail["loc"])
        message = detail["msg"]
        if detail["type"] == "extra_forbidden":
            allowed = ", ".join(name for name in Settings.model_fields if name != "config_file")
            message = f"unknown key (allowed: {allowed})"
        raise ConfigError(f"{path}: {key}: {message}") from None
    templates = base / settings.templates if settings.templates else None
    if templates is not None and not templates.is_dir():
        raise ConfigError(f"{path}: templates: {templates} is not a folder")
    return settings.model_copy(
        update={
            "designs": tuple(base / design for design in settings.designs),
            "output": base / settings.output,
            "templates": templates,
        }
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            table: dict[str, Any] = tomllib.load(stream)
            return table
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: {error}") from None
