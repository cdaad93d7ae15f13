"""`archgen build` shares output/ with its owner: it never writes through links, never loses or leaks files."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archgen import api
from archgen.files import locked, slugify
from tests.conftest import FIXTURES, build, designs_folder, needs_dot, run_cli, run_process

GOOD = [FIXTURES / "lint" / "spof.yaml", FIXTURES / "render" / "groups.yaml"]
pytestmark = needs_dot


def project(tmp_path: Path, specs=GOOD) -> Path:
    return designs_folder(tmp_path, specs)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def test_a_manifest_naming_a_folder_outside_deletes_nothing_there(tmp_path):
    project(tmp_path, GOOD[:1])
    assert build(tmp_path).code == 0
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "design.md").write_text("mine")
    manifest_path = tmp_path / "output" / ".archgen-manifest.json"
    manifest = json.loads(manifest_path.read_text())
    (entry,) = manifest["designs"].values()
    manifest["designs"]["designs/gone.yaml"] = {**entry, "slug": "../victim"}
    manifest_path.write_text(json.dumps(manifest))
    result = build(tmp_path)
    assert result.code == 0
    assert "is not a manifest archgen wrote; ignoring it and rebuilding every design" in result.err
    assert (victim / "design.md").read_text() == "mine"


@pytest.mark.parametrize("field", [{"next_expiry": "soon"}, {"counts": "many"}, {"files": ["design.md"]}])
def test_a_manifest_of_the_wrong_shape_is_ignored_with_a_warning(tmp_path, field):
    project(tmp_path, GOOD[:1])
    assert build(tmp_path).code == 0
    manifest_path = tmp_path / "output" / ".archgen-manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for entry in manifest["designs"].values():
        entry.update(field)
    manifest_path.write_text(json.dumps(manifest))
    check = build(tmp_path, "--check")
    assert check.code == 1 and "ignoring it" in check.err
    assert build(tmp_path).code == 0 and build(tmp_path, "--check").code == 0


def test_a_symlinked_design_folder_is_refused_and_the_others_are_built(tmp_path):
    project(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / slugify("Single database")).symlink_to(outside)
    result = build(tmp_path)
    assert result.code == 2
    assert "designs/spof.yaml:2:7: refusing to write through the symbolic link" in result.err
    assert list(outside.iterdir()) == []
    assert (tmp_path / "output" / "two-groups" / "design.md").exists()
    assert "Two groups" in (tmp_path / "output" / "index.md").read_text()
    assert (tmp_path / "output" / ".archgen-manifest.json").exists()


def test_a_symlinked_output_file_is_refused(tmp_path):
    project(tmp_path)
    target = tmp_path / "precious.txt"
    target.write_text("keep")
    folder = tmp_path / "output" / "two-groups"
    folder.mkdir(parents=True)
    (folder / "design.md").symlink_to(target)
    result = build(tmp_path)
    assert result.code == 2 and "output/two-groups/design.md exists and archgen did not write it" in result.err
    forced = build(tmp_path, "--force")
    assert forced.code == 2 and "refusing to write through the symbolic link" in forced.err
    assert target.read_text() == "keep"
    assert (tmp_path / "output" / "single-database" / "design.md").exists()


def test_a_file_archgen_did_not_write_is_neither_replaced_nor_deleted(tmp_path):
    designs = project(tmp_path, GOOD[:1])
    own = tmp_path / "output" / "single-database" / "design.md"
    own.parent.mkdir(parents=True)
    own.write_text("my notes")
    result = build(tmp_path)
    assert result.code == 2
    assert f"{own.relative_to(tmp_path)} exists and archgen did not write it" in result.err
    assert own.read_text() == "my notes"
    assert build(tmp_path, "--force").code == 0 and own.read_text() != "my notes"

    own.write_text("edited after the build")
    (designs / "spof.yaml").unlink()
    result = build(tmp_path)
    assert result.code == 0 and "changed since archgen wrote it" in result.err
    assert own.read_text() == "edited after the build"


def test_a_failed_design_keeps_its_slug(tmp_path):
    designs = project(tmp_path, GOOD[:1])
    assert build(tmp_path).code == 0
    (designs / "spof.yaml").write_text((designs / "spof.yaml").read_text().replace("kind: client", "kind: clint"))
    (designs / "another.yaml").write_text((FIXTURES / "lint" / "spof.yaml").read_text())
    result = build(tmp_path)
    assert result.code == 2
    assert "designs/another.yaml:2:7: name: 'single-database' already names the outputs of designs/spof.yaml" in (
        result.err
    )
    manifest = json.loads((tmp_path / "output" / ".archgen-manifest.json").read_text())
    assert [entry["slug"] for entry in manifest["designs"].values()] == ["single-database"]


def test_graphviz_failures_name_the_design(tmp_path):
    project(tmp_path)
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "dot").write_text("#!/bin/sh\necho 'Error: syntax error in line 1' >&2\nexit 1\n")
    (fake / "dot").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    result = run_cli("build", "designs", "-o", "output", cwd=tmp_path, env=env)
    assert result.code == 2
    assert "designs/spof.yaml:2:7: Graphviz failed: Error: syntax error in line 1" in result.err
    assert "designs/groups.yaml:2:7: Graphviz failed" in result.err
    assert (tmp_path / "output" / "index.md").exists()


def test_leftovers_of_a_killed_build_make_check_fail_and_are_cleaned(tmp_path):
    project(tmp_path)
    assert build(tmp_path).code == 0
    leftover = tmp_path / "output" / "two-groups" / ".diagram.png.4242.0badcafe.tmp"
    leftover.write_bytes(b"half a png")
    check = build(tmp_path, "--check")
    assert check.code == 1 and "stale: two-groups/.diagram.png.4242.0badcafe.tmp" in check.out
    assert build(tmp_path).code == 0 and not leftover.exists()
    assert build(tmp_path, "--check").code == 0


def test_reserved_names_on_windows_are_not_slugs():
    assert [slugify(name) for name in ("CON", "nul", "Com1", "lpt9", "console")] == [
        "con-design",
        "nul-design",
        "com1-design",
        "lpt9-design",
        "console",
    ]


def test_a_second_build_into_one_folder_waits_for_the_first(tmp_path):
    project(tmp_path, GOOD[:1])
    with locked(tmp_path / "output"):  # the first build, holding the folder
        second = subprocess.Popen(
            [sys.executable, "-m", "archgen", "build", "designs", "-o", "output"],
            cwd=tmp_path,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert second.stderr is not None
        said = second.stderr.readline()
        assert said == "waiting for another build into the output folder to finish\n"
        time.sleep(0.2)
        assert second.poll() is None, "it waits while the folder is held"
        assert not (tmp_path / "output" / "index.md").exists()
    rest = second.stderr.read()
    assert second.wait(timeout=60) == 0, rest
    assert "built 1, unchanged 0" in rest and (tmp_path / "output" / "index.md").exists()


def test_a_build_killed_at_any_moment_leaves_output_that_check_judges_truly_and_the_next_build_repairs(tmp_path):
    designs = project(tmp_path)
    spec = designs / "groups.yaml"
    versions = [spec.read_text(), spec.read_text().replace("name: Two groups", "name: Two groups\ndescription: B.")]
    references = []
    for index, text in enumerate(versions):
        spec.write_text(text)
        references.append(snapshot_of_build(designs, tmp_path / f"reference-{index}"))
    output = tmp_path / "output"
    api.build([designs], output)
    timing = time.monotonic()
    api.build([designs], tmp_path / "timing", jobs=1)
    window = time.monotonic() - timing
    chance = random.Random(20261130)
    for kill in range(20):
        version = (kill + 1) % 2
        spec.write_text(versions[version])
        child = os.fork()
        if child == 0:  # pragma: no cover - runs in the child, which is killed or leaves at once
            try:
                api.build([designs], output, jobs=1)
            finally:
                os._exit(0)
        time.sleep(chance.uniform(0, window))
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        left = {name: data for name, data in snapshot(output).items() if not name.endswith(".tmp")}
        for name, data in left.items():  # each file whole: as before or as after, never torn
            assert data in (references[0].get(name), references[1].get(name)), (kill, name)
        if not api.build([designs], output, check=True).stale:
            assert left == references[version], f"--check said current after kill {kill}, but output/ is not"
        repaired = api.build([designs], output, jobs=1)
        assert not repaired.errors
        assert snapshot(output) == references[version]
        assert api.build([designs], output, check=True).stale == []


def snapshot_of_build(designs: Path, folder: Path) -> dict[str, bytes]:
    # Built beside output/, so the manifest names the specs as output/'s does.
    api.build([designs], folder)
    return snapshot(folder)


def test_a_design_that_crashes_archgen_is_reported_and_the_others_are_built(tmp_path):
    designs = project(tmp_path)
    # A hostile Python spec can reach into archgen; here it makes archgen fail on its own design only.
    (designs / "crash.py").write_text(
        "import archgen.render.docs as docs\n"
        "from archgen.dsl import Design, Service\n"
        "original = docs.doc_context\n"
        "def crash(loaded, *rest):\n"
        "    if loaded.design.name == 'Crash':\n"
        "        raise ZeroDivisionError('boom')\n"
        "    return original(loaded, *rest)\n"
        "docs.doc_context = crash\n"
        "with Design('Crash'):\n"
        "    Service('app')\n"
    )
    result = run_process("build", "designs", "-o", "output", "--jobs", "1", cwd=tmp_path)
    assert result.code == 2 and "Traceback" not in result.err
    assert "designs/crash.py:1:1: archgen failed on this design (ZeroDivisionError: boom)" in result.err
    assert "built 2, unchanged 0, 1 failed" in result.err
    index = (tmp_path / "output" / "index.md").read_text()
    assert "Two groups" in index and "Crash" not in index


@pytest.mark.parametrize("command", ["docs", "render", "build"])
def test_every_command_refuses_rule_codes_that_match_no_rule(tmp_path, command):
    project(tmp_path, GOOD[:1])
    (tmp_path / "archgen.toml").write_text('select = ["ZZZ"]\n')
    result = run_cli(command, "designs", "-o", "out", cwd=tmp_path)
    assert result.code == 2 and "select: no rule matches 'ZZZ'" in result.err


def test_an_output_folder_that_cannot_be_made_is_one_clear_error(tmp_path):
    project(tmp_path, GOOD[:1])
    (tmp_path / "afile").write_text("")
    result = run_cli("build", "designs", "-o", "afile/output", cwd=tmp_path)
    assert result.code == 2
    assert result.err.strip() == "cannot use afile/output as the output folder: Not a directory"


@needs_dot
def test_an_unchanged_build_is_decided_before_the_model_or_renderers_load(tmp_path):
    designs_folder(tmp_path, [FIXTURES / "lint" / "clean.yaml", FIXTURES / "lint" / "spof.yaml"])
    assert build(tmp_path).code == 0
    code = (
        "import sys\nfrom archgen.cli import main\n"
        "try:\n    main(['build', 'designs', '-o', 'output'])\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    modules = set(done.stdout.split())
    assert "built 0, unchanged 2" in done.stderr
    assert not {name for name in modules if name.split(".")[0] in ("pydantic", "jinja2", "diagrams", "yaml")}
    (tmp_path / "output" / "index.md").write_text("edited by hand\n")
    again = build(tmp_path)
    assert again.code == 0 and "built 0, unchanged 2" in again.err
    assert (tmp_path / "output" / "index.md").read_text().startswith("# Designs"), "a stale index is not a no-op"


def test_a_design_whose_new_files_cannot_be_written_keeps_what_it_published(tmp_path):
    designs = project(tmp_path)
    assert build(tmp_path).code == 0
    before = snapshot(tmp_path / "output")
    index = (tmp_path / "output" / "index.md").read_text()
    spec = designs / "spof.yaml"
    spec.write_text(spec.read_text().replace("name: Single database", "name: Single database\nviews: [flow:order]"))
    spec.write_text(spec.read_text() + "flows:\n  order: {path: [users, lb, app, db]}\n")
    in_the_way = tmp_path / "output" / "single-database" / "diagram--flow-order.svg"
    in_the_way.write_text("the owner's own file")
    result = build(tmp_path)
    assert result.code == 2
    assert (
        f"designs/spof.yaml:2:7: {in_the_way.relative_to(tmp_path)} exists and archgen did not write it" in result.err
    )
    after = snapshot(tmp_path / "output")
    for name, data in before.items():
        if name.startswith("single-database/"):
            assert after[name] == data, f"{name} is what the last build published"
    assert (tmp_path / "output" / "index.md").read_text() == index, "the index still lists the design"
    assert in_the_way.read_text() == "the owner's own file"
    assert build(tmp_path, "--check").code == 1, "the design is stale until it is built"


def test_an_index_the_last_build_wrote_is_archgens_even_when_every_design_failed(tmp_path):
    designs = project(tmp_path, GOOD[:1])
    spec = designs / "spof.yaml"
    good = spec.read_text()
    spec.write_text(good.replace("kind: client", "kind: clint"))
    assert build(tmp_path).code == 2
    assert (tmp_path / "output" / "index.md").is_file()
    spec.write_text(good)
    result = build(tmp_path)
    assert result.code == 0, result.err
    assert "Single database" in (tmp_path / "output" / "index.md").read_text()


def test_a_read_only_output_folder_names_each_spec_and_the_index(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(output)], capture_output=True
    ).returncode:
        pytest.skip("a read-only folder needs a read-only mount here (the tests run as root)")
    try:
        project(tmp_path)
        result = build(tmp_path)
    finally:
        subprocess.run(["umount", str(output)], check=True)
    assert result.code == 2
    lines = result.err.splitlines()
    assert lines[0].endswith("→ output: 0 designs published, the index could not be written"), lines[0]
    assert f"designs/spof.yaml:2:7: cannot write {output}/single-database: Read-only file system" in lines
    assert f"designs/groups.yaml:2:7: cannot write {output}/two-groups: Read-only file system" in lines
    assert f"cannot write {output}/index.md: Read-only file system" in lines
