"""Hostile and careless inputs: every one ends as exit 0, 1 or 2 with a position, never a traceback."""

from __future__ import annotations

import os

import pytest

from archgen import api
from tests.conftest import run_cli


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
