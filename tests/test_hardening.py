"""Hostile and careless inputs: every one ends as exit 0, 1 or 2 with a position, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from archgen import api
from tests.conftest import FIXTURES, needs_dot, run_cli


def test_a_fifo_or_a_device_is_refused_without_reading_it(tmp_path):
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    result = run_cli("validate", fifo, "/dev/zero")
    assert result.code == 2
    assert f"{fifo}:1:1: not a regular file" in result.out
    assert "/dev/zero:1:1: not a spec" in result.out


def test_an_oversized_spec_is_refused_before_it_is_read(tmp_path):
    spec = tmp_path / "huge.yaml"
    with spec.open("wb") as stream:
        stream.truncate(2 * 1024**3)  # sparse: 2 GB that take no disk and would take seconds to read
    result = run_cli("lint", spec)
    assert result.code == 2 and "file is 2,147,483,648 bytes; specs are limited to 16,777,216 bytes" in result.err


def test_a_document_of_too_many_values_is_refused_before_its_tree_is_built(tmp_path):
    spec = tmp_path / "values.yaml"
    spec.write_text("archgen: 1\nname: X\ncomponents: {}\ndata: [" + ",".join(["1"] * 1_100_000) + "]\n")
    with pytest.raises(api.SpecError, match=r"values.yaml:4:\d+: the document has more than 1,000,000 values"):
        api.load_design(spec)


def test_archgen_refuses_the_pure_python_yaml_parser(monkeypatch):
    # libyaml bounds nesting and accepts exactly the grammar archgen is tested with.
    from archgen.loader import yaml_spec

    monkeypatch.setattr(yaml_spec, "_CLoader", None)
    with pytest.raises(api.ArchgenError, match="archgen needs PyYAML built with libyaml"):
        api.load_text("archgen: 1\nname: X\ncomponents: {}\n")


PEAK = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
    "print(done.stderr, file=sys.stderr)\n"
)


def peak(*command: object, cwd: Path) -> tuple[int, int, str]:
    """Run a command; return its exit code, its peak memory in MB, and its stderr."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK, *map(str, command)], cwd=cwd, capture_output=True, text=True, check=True
    )
    code, megabytes = map(int, done.stdout.split())
    return code, megabytes, done.stderr


@needs_dot
def test_the_size_cap_holds_on_every_path_that_reads_a_spec(tmp_path):
    designs = tmp_path / "designs"
    designs.mkdir()
    spec = designs / "spof.yaml"
    spec.write_text((FIXTURES / "lint" / "spof.yaml").read_text())
    archgen = [sys.executable, "-m", "archgen"]
    assert run_cli("build", "designs", "-o", "output", cwd=tmp_path).code == 0
    with spec.open("wb") as stream:
        stream.truncate(256 * 1024**2)  # sparse: no disk, but 256 MB to anything that reads it whole
    limit = "file is 268,435,456 bytes; specs are limited to 16,777,216 bytes"
    env_cache = f"ARCHGEN_CACHE_DIR={tmp_path / 'cache'}"
    for command in (
        ["env", env_cache, *archgen, "lint", "designs"],  # the cache's hash
        [*archgen, "build", "designs", "-o", "output"],  # the quick "unchanged" path, then the build
        [*archgen, "build", "designs", "-o", "output", "--check"],
    ):
        code, megabytes, err = peak(*command, cwd=tmp_path)
        assert code in (1, 2) and megabytes < 150, (command, megabytes, err)
        assert limit in err or "stale" in err, (command, err)
    serve = (
        "from pathlib import Path\nfrom archgen.config import Settings\nfrom archgen.serve.workspace import Workspace\n"
        "workspace = Workspace([Path('designs')], Settings())\nworkspace.load_all()\n"
        "import sys\nprint(workspace.design('spof')['errors'], file=sys.stderr)\n"
    )
    code, megabytes, err = peak(sys.executable, "-c", serve, cwd=tmp_path)
    assert code == 0 and megabytes < 150 and limit in err, (megabytes, err)


@needs_dot
def test_a_file_name_that_is_not_utf8_is_shown_with_replacement_characters_everywhere(tmp_path):
    designs = tmp_path / "designs"
    designs.mkdir()
    odd = Path(os.fsdecode(bytes(designs) + b"/caf\xe9.yaml"))
    odd.write_text((FIXTURES / "lint" / "spof.yaml").read_text())
    env = {**os.environ, "ARCHGEN_CACHE_DIR": str(tmp_path / "cache")}
    shown = "designs/caf\ufffd.yaml"
    for attempt in ("cold", "from the cache"):
        for fmt in ("text", "json", "sarif", "github", "markdown"):
            done = run_cli("lint", "designs", "--format", fmt, cwd=tmp_path, env=env)
            assert done.code == 1 and "Traceback" not in done.err, (attempt, fmt, done.err)
            assert shown in done.out or "designs/caf%EF%BF%BD.yaml" in done.out, (attempt, fmt, done.out)
    for command in (["docs", "designs", "-o", "docs"], ["build", "designs", "-o", "output"], ["estimate", "designs"]):
        done = run_cli(*command, cwd=tmp_path)
        assert done.code == 0, (command, done.err)
    assert shown in (tmp_path / "output" / "single-database" / "design.md").read_text()
    assert run_cli("build", "designs", "-o", "output", "--check", cwd=tmp_path).code == 0
