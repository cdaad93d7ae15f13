"""`archgen new`: start a design, blank or from the gallery, with the schema header editors read."""

from __future__ import annotations

import json
import re
from pathlib import Path

from archgen.errors import ConfigError
from archgen.files import SPEC_SUFFIXES, bundled, slugify, write_files
from archgen.loader import load_design
from archgen.text import suggest

SCHEMA_FILE = "archgen.schema.json"
SCHEMA_HEADER = f"# yaml-language-server: $schema={SCHEMA_FILE}\n"
BLANK = """archgen: 1
name: {name}
description: What the system does, in one sentence.
requirements:
  functional: [The first thing users do]
  non_functional: {{availability: 99.9, consistency: eventual, cap: AP, latency_p99_ms: 200}}
capacity: {{daily_active_users: 1M, writes_per_day: 1M, read_write_ratio: 10, object_size: 1KB}}
zones: [az-a, az-b]
components:
  users: {{kind: client, calls: [lb]}}
  lb: {{kind: load_balancer, managed: true, rate_limit: 1000/s, calls: [app]}}
  app: {{kind: service, replicas: 2, zones: [az-a, az-b], calls: [db, {{cache: {{optional: true}}}}]}}
  cache: {{kind: cache, engine: redis, replicas: 2, zones: [az-a, az-b], memory: 4GB, eviction: lru}}
  db:
    kind: database
    engine: postgresql
    replicas: 2
    zones: [az-a, az-b]
    replication: async
    failover: automatic
    backup: true
  metrics: {{kind: monitoring, engine: prometheus, managed: true}}
"""


def gallery() -> Path:
    """Return the gallery folder: inside the wheel, or the checkout's designs/."""
    return bundled("gallery", "designs")


def examples() -> dict[str, Path]:
    """Return the gallery's designs by slug (their file name without the suffix)."""
    folder = gallery()
    files = sorted(path for path in folder.iterdir() if path.suffix in SPEC_SUFFIXES) if folder.is_dir() else []
    return {path.stem: path for path in files}


def new_design(name: str, folder: Path, example: str | None = None) -> list[Path]:
    """Write a new design called `name` into `folder`, and the JSON Schema its header points at."""
    from archgen.model import json_schema

    if not name.strip():
        raise ConfigError("the design needs a name")
    if example is None:
        suffix, text = ".yaml", SCHEMA_HEADER + BLANK.format(name=json.dumps(name, ensure_ascii=False))
    else:
        known = examples()
        if example not in known:
            raise ConfigError(
                f"no example {example!r} in the gallery (examples: {', '.join(known)}){suggest(example, known)}"
            )
        source = known[example]
        suffix, text = source.suffix, _renamed(source, name)
    target = folder / f"{slugify(name)}{suffix}"
    if target.exists():
        raise ConfigError(f"{target} already exists; choose another name")
    files = {target.name: text.encode()}
    if suffix != ".py":
        files[SCHEMA_FILE] = (json.dumps(json_schema(), indent=2, sort_keys=True) + "\n").encode()
    written = write_files(folder, files)
    load_design(target)
    return written


def _renamed(source: Path, name: str) -> str:
    """Return a gallery design's text with the new name, and the schema header on YAML."""
    text = source.read_text(encoding="utf-8")
    old = load_design(source).design.name
    if source.suffix == ".py":
        return text.replace(json.dumps(old), json.dumps(name, ensure_ascii=False), 1)
    text = re.sub(r"^# yaml-language-server:.*\n", "", text, flags=re.MULTILINE)
    text = re.sub(
        r"^name: .*$", lambda _: f"name: {json.dumps(name, ensure_ascii=False)}", text, count=1, flags=re.MULTILINE
    )
    return SCHEMA_HEADER + text
