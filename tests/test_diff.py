"""`archgen diff` through the real CLI: hand-written changes to a design, and each spec against a git ref."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, run_cli

BASE = (FIXTURES / "diff" / "base.yaml").read_text()

#: Each change: how the new spec differs from the base, what the diff must report, which findings it
#: must introduce and resolve (code, subject).
DB = "  pastes_db: {kind: database, engine: postgresql,"
READ_API = "  read_api: {kind: service, replicas: 2, zones: "
VIEW = "view_paste: {mode: read, path: [users, web, read_api, "
METRICS = "  metrics: {kind: monitoring, managed: true}"
CASES = {
    "replica removed": (
        [(f"{DB} replicas: 2,", DB)],
        [("changed", "component", "pastes_db", [("replicas", 2, 1)])],
        [("REL001", "pastes_db")],
        [],
    ),
    "zone lost": (
        [(f"{READ_API}[az-a, az-b],", f"{READ_API}[az-a],")],
        [("changed", "component", "read_api", [("zones", ["az-a", "az-b"], ["az-a"])])],
        [("REL002", "az-a")],
        [],
    ),
    "call made optional": (
        [("calls: [pastes_db, {blobs", "calls: [{pastes_db: {optional: true}}, {blobs")],
        [("changed", "call", "write_api → pastes_db", [("optional", False, True)])],
        [],
        [],
    ),
    "engine swapped": (
        [("  cache: {kind: cache, engine: redis,", "  cache: {kind: cache, engine: memcached,")],
        [("changed", "component", "cache", [("engine", "redis", "memcached")])],
        [],
        [],
    ),
    "flow rerouted": (
        [(f"{VIEW}pastes_db]}}", f"{VIEW}cache]}}")],
        [
            (
                "changed",
                "flow",
                "view_paste",
                [("path", ["users", "web", "read_api", "pastes_db"], ["users", "web", "read_api", "cache"])],
            )
        ],
        [],
        [],
    ),
    "a component added and a call to it": (
        [
            (METRICS, f"{METRICS}\n  search: {{kind: search}}"),
            ("calls: [read_api, write_api]}", "calls: [read_api, write_api, search]}"),
        ],
        [("added", "component", "search", [("kind", None, "search")]), ("added", "call", "web → search", [])],
        [("REL001", "search")],
        [],
    ),
}


def write_pair(tmp_path: Path, changes: list[tuple[str, str]]) -> tuple[Path, Path]:
    new = BASE
    for before, after in changes:
        assert before in new, before
        new = new.replace(before, after)
    (tmp_path / "old.yaml").write_text(BASE)
    (tmp_path / "new.yaml").write_text(new)
    return tmp_path / "old.yaml", tmp_path / "new.yaml"


@pytest.mark.parametrize("case", CASES)
def test_each_change_is_reported_by_meaning_with_the_findings_it_brings_and_removes(tmp_path, case):
    edits, changes, introduced, resolved = CASES[case]
    old, new = write_pair(tmp_path, edits)
    done = run_cli("diff", old, new, "--format", "json")
    assert done.code == 0, done.err
    (design,) = json.loads(done.out)
    reported = [
        (c["action"], c["kind"], c["name"], [(f["path"], f["before"], f["after"]) for f in c["fields"]])
        for c in design["changes"]
    ]
    assert reported == [
        (action, kind, name, [tuple(field) for field in fields]) for action, kind, name, fields in changes
    ]
    subject = lambda f: f["component"] or f.get("zone") or f.get("region")  # noqa: E731
    assert [(f["code"], subject(f)) for f in design["introduced"]] == introduced
    assert [(f["code"], subject(f)) for f in design["resolved"]] == resolved


def test_the_reports_lead_with_what_the_change_does_and_fail_on_what_it_introduces(tmp_path):
    old, new = write_pair(tmp_path, CASES["replica removed"][0])
    text = run_cli("diff", old, new)
    assert text.code == 0
    headline = (
        "Paste bin: introduces 1 error, among them REL001 on pastes_db; "
        "lowers the availability of flow view_paste 99.9922% → 99.485%; changes 1 component."
    )
    assert text.out.splitlines()[0] == headline
    assert "  ~ component pastes_db: replicas 2 → 1" in text.out
    assert "  ~ availability of flow new_paste 99.9922% → 99.485%" in text.out
    (design,) = json.loads(run_cli("diff", old, new, "--format", "json").out)
    figures = {item["name"]: (item["before"], item["after"]) for item in design["availability"]}
    # The blobs pipeline reads no database, but its producer write_api does: down more often, it feeds blobs less.
    assert set(figures) == {"users", "view_paste", "new_paste", "blobs"}
    assert figures["blobs"][1] > figures["blobs"][0]
    assert figures["new_paste"][0] > 99.99 > 99.5 > figures["new_paste"][1]
    markdown = run_cli("diff", old, new, "--format", "markdown")
    assert "| flow view\\_paste | 99.9922% | 99.485% |" in markdown.out
    assert markdown.out.startswith("### Paste bin\n\nPaste bin: introduces 1 error")
    assert "| introduced error | [REL001](https://github.com/archgen/archgen/blob/main/docs/rules.md#rel001-" in (
        markdown.out
    )
    assert run_cli("diff", old, new, "--fail-on", "error").code == 1
    assert run_cli("diff", new, old, "--fail-on", "error").code == 0, "resolving a finding fails nothing"
    back = run_cli("diff", new, old)
    assert "resolves 1 error" in back.out.splitlines()[0]
    same = run_cli("diff", old, old)
    assert same.code == 0 and same.out == "Paste bin: no changes.\n"


def test_a_rename_is_said_once_as_maybe_a_rename(tmp_path):
    renamed = [
        ("  blobs: {kind: object_storage,", "  files: {kind: object_storage,"),
        ("{blobs: {async", "{files: {async"),
    ]
    old, new = write_pair(tmp_path, renamed)
    done = run_cli("diff", old, new)
    assert "  (files may be blobs renamed: same fields)" in done.out
    assert "  - component blobs" in done.out and "  + component files" in done.out


def test_bad_input_is_one_clear_error_each(tmp_path):
    old, _ = write_pair(tmp_path, [])
    missing = run_cli("diff", old, tmp_path / "nowhere.yaml")
    assert missing.code == 2 and "nowhere.yaml:1:1: cannot read the spec" in missing.err
    broken = tmp_path / "broken.yaml"
    broken.write_text(BASE.replace("kind: cache,", "kind: cahce,"))
    loaded = run_cli("diff", old, broken)
    assert loaded.code == 2 and "broken.yaml:12:17: components.cache.kind: unknown kind 'cahce'" in loaded.err
    other = tmp_path / "other.yaml"
    shutil.copy(ROOT / "designs" / "tinyurl.yaml", other)
    unrelated = run_cli("diff", old, other)
    assert unrelated.code == 2 and "almost no component in common: two different designs?" in unrelated.err
    usage = run_cli("diff", old)
    assert usage.code == 2 and "give OLD and NEW spec files, or --git REF" in usage.err


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with designs/ committed on main."""
    git("init", "-q", "-b", "main", cwd=tmp_path)
    git("config", "user.email", "dev@example.com", cwd=tmp_path)
    git("config", "user.name", "Dev", cwd=tmp_path)
    (tmp_path / "designs").mkdir()
    (tmp_path / "designs" / "paste.yaml").write_text(BASE)
    shutil.copy(ROOT / "designs" / "tinyurl.yaml", tmp_path / "designs" / "tinyurl.yaml")
    git("add", ".", cwd=tmp_path)
    git("commit", "-q", "-m", "designs", cwd=tmp_path)
    return tmp_path


def test_git_compares_each_spec_with_its_version_at_the_ref(repo):
    paste = repo / "designs" / "paste.yaml"
    paste.write_text(BASE.replace(f"{DB} replicas: 2,", DB))
    (repo / "designs" / "tinyurl.yaml").unlink()
    (repo / "designs" / "new.yaml").write_text(BASE.replace("name: Paste bin", "name: New bin"))
    done = run_cli("diff", "--git", "main", "designs", "--format", "json", cwd=repo)
    assert done.code == 0, done.err
    designs = {design["design"]: design for design in json.loads(done.out)}
    paste_bin = designs["Paste bin"]
    assert paste_bin["old"] == "main:designs/paste.yaml" and paste_bin["new"] == "designs/paste.yaml"
    assert [f["code"] for f in designs["Paste bin"]["introduced"]] == ["REL001"]
    assert designs["TinyURL"]["new"] is None and designs["TinyURL"]["headline"] == "TinyURL: the design is deleted."
    assert designs["New bin"]["old"] is None and designs["New bin"]["headline"].startswith("New bin: a new design")
    assert run_cli("diff", "--git", "main", "designs", "--fail-on", "error", cwd=repo).code == 1


def test_git_refuses_a_ref_that_does_not_exist_and_positions_a_side_that_does_not_load(repo):
    option = run_cli("diff", "--git=--output=x", "designs", cwd=repo)
    assert option.code == 2 and "'--output=x' is not a git ref" in option.err and not (repo / "x").exists()
    missing = run_cli("diff", "--git", "no-such-branch", "designs", cwd=repo)
    assert missing.code == 2
    assert missing.err.strip() == "no-such-branch: no such commit, branch or tag in this repository"
    (repo / "designs" / "paste.yaml").write_text(BASE + "  oops: {kind: servce}\n")
    broken = run_cli("diff", "--git", "main", "designs", cwd=repo)
    assert broken.code == 2 and "designs/paste.yaml:16:16: components.oops.kind: unknown kind 'servce'" in broken.err
    assert "TinyURL: no changes." in broken.out, "the other specs are still compared"


def change_pair(tmp_path: Path) -> tuple[Path, Path]:
    """A change that removes a component and a call, adds one of each, and changes a store."""
    return write_pair(
        tmp_path,
        [
            (f"{DB} replicas: 2,", DB),
            ("calls: [pastes_db, {blobs: {async: true}}]", "calls: [pastes_db]"),
            ("  blobs: {kind: object_storage, engine: s3, managed: true}\n", ""),
            ("calls: [read_api, write_api]}", "calls: [read_api, write_api, search]}"),
            (METRICS, f"{METRICS}\n  search: {{kind: search, replicas: 2, zones: [az-a, az-b]}}"),
        ],
    )


def test_the_picture_colours_what_the_change_adds_changes_and_removes(tmp_path):
    old, new = change_pair(tmp_path)
    done = run_cli("diff", old, new, "--picture", tmp_path / "change.svg")
    assert done.code == 0, done.err
    svg = (tmp_path / "change.svg").read_text()
    boxes = dict(re.findall(r"<title>([^<]+)</title>(.*?)</g>", svg, re.S))
    assert ">added</text>" in boxes["search"] and "#2b9348" in boxes["search"].lower()
    assert ">changed</text>" in boxes["pastes_db"] and "SPOF" in boxes["pastes_db"]
    assert ">removed</text>" in boxes["blobs"], "a removed component is a ghost where it was"
    assert "added by the change" in svg and "removed by it (where it was)" in svg
    assert run_cli("diff", old, new, "--picture", tmp_path / "change.png").code == 0
    assert (tmp_path / "change.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    wrong = run_cli("diff", old, new, "--picture", tmp_path / "change.gif")
    assert wrong.code == 2 and "the picture is a .svg or a .png file" in wrong.err


def test_the_change_pictures_pass_the_picture_check(tmp_path):
    from archgen.analysis.compare import compare
    from archgen.api import load_text
    from archgen.render import render_change
    from archgen.render.check import check_layout

    optional = BASE.replace(f"{DB} replicas: 2,", DB).replace("{blobs: {async: true}}", "{blobs: {optional: true}}")
    pairs = [(BASE, optional), tuple(path.read_text() for path in change_pair(tmp_path))]
    for before, after in pairs:
        old, new = load_text(before, "old.yaml").design, load_text(after, "new.yaml").design
        for direction in ("LR", "TB"):
            laid = new.model_copy(update={"layout": new.layout.model_copy(update={"direction": direction})})
            check = check_layout(render_change(old, laid, compare(old, laid), [], ["json"]).files["json"])
            assert check.counts == {"overlaps": 0, "crossings": 0, "clipped": 0}, (direction, check)


def test_the_gallery_against_itself_has_no_changes_and_a_real_edit_is_found(tmp_path):
    gallery = sorted((ROOT / "designs").glob("*.yaml"))
    for spec in gallery:
        done = run_cli("diff", spec, spec)
        assert done.code == 0 and done.out.endswith(": no changes.\n"), (spec.name, done.out, done.err)
    original = ROOT / "designs" / "facebook-news-feed.yaml"
    feed = tmp_path / "feed.yaml"
    feed.write_text(original.read_text().replace("eviction: lru", "eviction: lfu", 1))
    done = run_cli("diff", original, feed, "--format", "json", "--picture", tmp_path / "t.svg")
    assert done.code == 0, done.err
    (design,) = json.loads(done.out)
    assert [(c["kind"], [f["path"] for f in c["fields"]]) for c in design["changes"]] == [("component", ["eviction"])]
    assert ">changed</text>" in (tmp_path / "t.svg").read_text()
