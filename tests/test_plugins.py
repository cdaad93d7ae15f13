"""Rule plugins, installed as distributions are (a `*.dist-info` with `entry_points.txt` on the path), run by the CLI.

Each test lays out real packages and metadata in a folder on `PYTHONPATH` and runs the real
`python -m archgen` in a subprocess, so discovery reads real files and nothing is mocked.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.conftest import run_process

ACME = '''"""Why: every database names the team that owns it, in its description ("owner: payments").

How to fix: write `description: "owner: <team>"`.

Bad:

    components:
      db: {kind: database}

Good:

    components:
      db: {kind: database, description: "owner: payments"}
"""

from archgen.plugin import Context, Issue, rule


@rule(code="ACME001", name="database-owner", severity="warning", summary="a database names no owner", section="team")
def check(context: Context):
    for component_id, component in context.design.components.items():
        if component.kind == "database" and "owner:" not in (component.description or ""):
            yield Issue(f"{component_id} names no owning team", component_id)
'''
SPEC = """archgen: 1
name: Shop
components:
  users: {kind: client, calls: [app]}
  app: {kind: service, replicas: 2, calls: [db]}
  db: {kind: database, replicas: 2, backup: true}
"""


def install(site: Path, distribution: str, version: str, modules: dict[str, str], entries: dict[str, str]) -> None:
    """Lay out a distribution as an installer would: its modules, and a dist-info with its entry points."""
    for name, source in modules.items():
        (site / f"{name}.py").write_text(source)
    info = site / f"{distribution.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n")
    lines = "".join(f"{name} = {value}\n" for name, value in entries.items())
    (info / "entry_points.txt").write_text(f"[console_scripts]\nother = x:y\n\n[archgen.rules]\n{lines}")


def archgen(site: Path, *args: str, cwd: Path):
    env = {**os.environ, "PYTHONPATH": str(site), "ARCHGEN_CACHE_DIR": str(cwd / "cache")}
    return run_process(*args, cwd=cwd, env=env)


def project(tmp_path: Path) -> tuple[Path, Path]:
    site = tmp_path / "site"
    site.mkdir(parents=True)
    (tmp_path / "shop.yaml").write_text(SPEC)
    return site, tmp_path


def test_a_plugin_rule_runs_in_every_format_and_is_listed_and_explained(tmp_path):
    site, cwd = project(tmp_path)
    install(site, "acme-rules", "1.0", {"acme_rules": ACME}, {"acme": "acme_rules"})
    text = archgen(site, "lint", "shop.yaml", cwd=cwd)
    assert text.code == 1 and "shop.yaml:6:3: ACME001 db names no owning team" in text.out, text.err
    sarif = json.loads(archgen(site, "lint", "shop.yaml", "--format", "sarif", cwd=cwd).out)
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "ACME001"]
    assert rules[result["ruleIndex"]]["id"] == "ACME001"
    for fmt in ("json", "github", "markdown"):
        assert "ACME001" in archgen(site, "lint", "shop.yaml", "--format", fmt, cwd=cwd).out, fmt
    listed = archgen(site, "rules", cwd=cwd).out
    assert "ACME001  database-owner" in listed and "[acme-rules 1.0]" in listed
    page = archgen(site, "explain", "acme001", cwd=cwd).out
    assert page.startswith("# ACME001 database-owner\n\nFrom the plugin acme-rules 1.0.\n") and "How to fix" in page
    off = archgen(site, "lint", "shop.yaml", "--no-plugins", cwd=cwd)
    assert off.code == 1 and "ACME001" not in off.out and "SEC002" in off.out
    assert "ACME001" not in archgen(site, "rules", "--no-plugins", cwd=cwd).out


def test_severity_overrides_apply_to_archgen_and_plugin_rules_and_show_in_rules(tmp_path):
    site, cwd = project(tmp_path)
    install(site, "acme-rules", "1.0", {"acme_rules": ACME}, {"acme": "acme_rules"})
    (cwd / "archgen.toml").write_text('[severity]\nACME001 = "error"\nOPS001 = "off"\nDOC001 = "warning"\n')
    done = archgen(site, "lint", "shop.yaml", "--format", "json", cwd=cwd)
    severities = {finding["code"]: finding["severity"] for finding in json.loads(done.out)}
    assert severities["ACME001"] == "error" and severities["DOC001"] == "warning" and "OPS001" not in severities
    listed = archgen(site, "rules", cwd=cwd).out.splitlines()
    assert any(line.startswith("ACME001") and "error (default warning)" in line for line in listed)
    assert any(line.startswith("OPS001") and "off (default warning)" in line for line in listed)
    (cwd / "archgen.toml").write_text('[severity]\nACME002 = "off"\n')
    wrong = archgen(site, "lint", "shop.yaml", cwd=cwd)
    assert wrong.code == 2 and "severity: no rule matches 'ACME002'; did you mean 'ACME001'?" in wrong.err


def test_a_plugin_rule_that_raises_is_one_error_and_the_other_rules_still_run(tmp_path):
    site, cwd = project(tmp_path)
    broken = ACME.replace('        if component.kind == "database"', "        1 / 0\n        if component.kind")
    install(site, "acme-rules", "1.0", {"acme_rules": broken}, {"acme": "acme_rules"})
    done = archgen(site, "lint", "shop.yaml", "--format", "json", cwd=cwd)
    assert done.code == 2 and "Traceback" not in done.err
    assert "shop.yaml: plugin acme-rules 1.0: rule ACME001 failed: ZeroDivisionError: division by zero" in done.err
    assert {finding["code"] for finding in json.loads(done.out)} >= {"OPS001", "SEC002"}


def test_a_broken_plugin_is_one_clear_error_naming_it(tmp_path):
    cases = {
        "import error": ({"acme_rules": "import nowhere_to_be_found\n"}, "ModuleNotFoundError: No module named"),
        "bad severity": ({"acme_rules": ACME.replace('severity="warning"', 'severity="eror"')}, "'eror' is not one of"),
        "bad code": ({"acme_rules": ACME.replace('code="ACME001"', 'code="acme1"')}, "'acme1' is not 2 to 10 capitals"),
        "archgen's code": ({"acme_rules": ACME.replace('code="ACME001"', 'code="REL001"')}, "REL001 is archgen's own"),
    }
    for name, (modules, message) in cases.items():
        site, cwd = project(tmp_path / name.replace(" ", "-").replace("'", ""))
        install(site, "acme-rules", "1.0", modules, {"acme": "acme_rules"})
        done = archgen(site, "lint", "shop.yaml", cwd=cwd)
        assert done.code == 2 and "Traceback" not in done.err, (name, done.err)
        assert done.err.startswith("plugin acme-rules[acme]:") and message in done.err, (name, done.err)
        assert archgen(site, "lint", "shop.yaml", "--no-plugins", cwd=cwd).code == 1, name


def test_one_code_from_two_plugins_names_both(tmp_path):
    site, cwd = project(tmp_path)
    install(site, "acme-rules", "1.0", {"acme_rules": ACME}, {"acme": "acme_rules"})
    install(site, "other-rules", "2.3", {"other_rules": ACME}, {"other": "other_rules"})
    done = archgen(site, "lint", "shop.yaml", cwd=cwd)
    assert done.code == 2 and "rule ACME001 comes from two plugins: acme-rules 1.0 and other-rules 2.3" in done.err


def test_the_lint_cache_is_keyed_by_the_installed_plugins(tmp_path):
    site, cwd = project(tmp_path)
    install(site, "acme-rules", "1.0", {"acme_rules": ACME}, {"acme": "acme_rules"})
    first = archgen(site, "lint", "shop.yaml", cwd=cwd)
    assert "ACME001" in first.out and list((cwd / "cache").rglob("*.json"))
    assert archgen(site, "lint", "shop.yaml", cwd=cwd).out == first.out, "answered from the cache"
    (site / "acme_rules-1.0.dist-info").rename(site / "acme_rules-1.1.dist-info")
    (site / "acme_rules.py").write_text(ACME.replace("names no owning team", "has no owner"))
    assert "db has no owner" in archgen(site, "lint", "shop.yaml", cwd=cwd).out, "a new version is a miss"
