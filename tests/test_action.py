"""The GitHub Action: its inputs, and its steps' scripts run here with a fake `$GITHUB_STEP_SUMMARY`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import FIXTURES, ROOT

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = {step["name"]: step for step in ACTION["runs"]["steps"] if "name" in step}


def test_the_action_takes_the_inputs_it_documents():
    assert ACTION["runs"]["using"] == "composite"
    assert {"paths", "fail-on", "python", "sarif", "check-output"} <= set(ACTION["inputs"])
    assert ACTION["inputs"]["python"]["default"] == "false" and ACTION["inputs"]["sarif"]["default"] == "true"
    assert all("shell" in step for step in ACTION["runs"]["steps"] if "run" in step)


def run_step(
    name: str, tmp_path: Path, extra_env: dict[str, str] | None = None, **inputs: str
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run one step's script as the runner would: bash, the step's env filled from `inputs`, in the workspace.

    `extra_env` holds what the runner itself sets (GITHUB_BASE_REF on a pull request, …).
    """
    step = STEPS[name]
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier steps wrote this\n")
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")},
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_STEP_SUMMARY": str(summary),
        **(extra_env or {}),
    }
    for key, expression in step.get("env", {}).items():
        field = expression.removeprefix("${{ inputs.").removesuffix(" }}")
        env[key] = inputs.get(field, ACTION["inputs"][field].get("default", ""))
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    return done, summary


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    designs = tmp_path / "designs"
    designs.mkdir()
    for name in ("clean.yaml", "spof.yaml"):
        shutil.copy(FIXTURES / "lint" / name, designs / name)
    return tmp_path


def test_the_summary_lists_every_design_and_its_errors_and_fails_on_them(workspace):
    done, summary = run_step("Job summary", workspace)
    assert done.returncode == 1, done.stderr
    text = summary.read_text()
    assert text.startswith("earlier steps wrote this\n## archgen: 2 designs, 2 errors, 0 warnings, 0 infos\n")
    assert "| Clean | `designs/clean.yaml` | 0 | 0 | 0 |" in text
    assert "| Single database | `designs/spof.yaml` | 2 | 0 | 0 |" in text
    assert "[REL001](https://github.com/archgen/archgen/blob/main/docs/rules.md#rel001-single-point-of-failure)" in text
    anchors = {
        line.split(" ", 2)[1].lower() + "-" + line.split(" ", 2)[2].strip()
        for line in (ROOT / "docs" / "rules.md").read_text().splitlines()
        if line.startswith("## ")
    }
    assert "rel001-single-point-of-failure" in anchors and "rel002-zone-single-point-of-failure" in anchors


def test_fail_on_never_only_reports(workspace):
    done, summary = run_step("Job summary", workspace, **{"fail-on": "never"})
    assert done.returncode == 0, done.stderr
    assert "### Errors" in summary.read_text()


def test_bad_input_fails_whatever_fail_on_says(workspace):
    (workspace / "designs" / "broken.yaml").write_text("archgen: 1\nname: Broken\ncomponents:\n  a: {kind: servce}\n")
    done, summary = run_step("Job summary", workspace, **{"fail-on": "never"})
    assert done.returncode == 2
    assert "designs/broken.yaml:4:" in done.stderr
    assert "### Specs that did not load" in summary.read_text()


def test_the_sarif_step_writes_a_log_and_fails_only_on_bad_input(workspace):
    done, _ = run_step("Lint (SARIF)", workspace)
    assert done.returncode == 0, done.stderr
    log = json.loads((workspace / "archgen.sarif").read_text())
    assert {result["ruleId"] for result in log["runs"][0]["results"]} == {"REL001", "REL002"}


def test_no_flag_arrives_through_paths(workspace):
    (workspace / "designs" / "hook.py").write_text("import pathlib\npathlib.Path('ran').write_text('code ran')\n")
    for paths in ("designs --python", "--python designs", "designs --config=evil.toml"):
        done, _ = run_step("Job summary", workspace, paths=paths)
        assert done.returncode == 2, (paths, done.stderr)
        assert not (workspace / "ran").exists(), paths
        assert "Python specs run code and are disabled here" in done.stderr or "does not exist" in done.stderr
    done, _ = run_step("Lint (SARIF)", workspace, paths="designs --python")
    assert done.returncode != 0 and not (workspace / "ran").exists()


def test_paths_may_be_shell_patterns(workspace):
    done, summary = run_step("Job summary", workspace, paths="designs/c*.yaml")
    assert done.returncode == 0, done.stderr
    assert "## archgen: 1 design, 0 errors" in summary.read_text()


@pytest.mark.parametrize(("step", "report"), [("Job summary", "archgen-summary.md"), ("Lint (SARIF)", "archgen.sarif")])
def test_a_report_committed_as_a_link_is_replaced_not_written_through(workspace, step, report):
    target = workspace / "precious.txt"
    target.write_text("keep me\n")
    (workspace / report).symlink_to(target)
    done, _ = run_step(step, workspace)
    assert done.returncode in (0, 1), done.stderr
    assert target.read_text() == "keep me\n"
    assert not (workspace / report).is_symlink() and "archgen" in (workspace / report).read_text()


def test_names_reach_the_job_summary_as_text(workspace):
    hostile = 'name: "<img src=x onerror=alert(1)> [x](javascript:y)"'
    spec = (FIXTURES / "lint" / "clean.yaml").read_text().replace("name: Clean", hostile)
    (workspace / "designs" / "clean.yaml").write_text(spec)
    _, summary = run_step("Job summary", workspace)
    text = summary.read_text()
    assert "| &lt;img src=x onerror=alert(1)&gt; \\[x\\](javascript:y) | `designs/clean.yaml` |" in text, text
    assert "<img" not in text


def test_the_summary_folds_warnings_and_infos_and_links_rules_where_the_config_says(workspace):
    (workspace / "designs" / "warned.yaml").write_text((FIXTURES / "lint" / "waivers.yaml").read_text())
    (workspace / "archgen.toml").write_text('rules-url = "https://docs.example.com/rules/"\n')
    _, summary = run_step("Job summary", workspace)
    text = summary.read_text()
    assert "[REL001](https://docs.example.com/rules/#rel001-single-point-of-failure)" in text
    assert "github.com/archgen" not in text
    folded = re.findall(r"<details><summary>(\d+) (warnings?|infos?)</summary>\n\n\| Where \| Rule \| Message \|", text)
    assert folded and {kind.rstrip("s") for _, kind in folded} <= {"warning", "info"}
    assert text.index("### Errors") < text.index("<details>")


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def pull_request(workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clone whose `origin` has main with the designs, and a branch that makes one a single point of failure."""
    origin = tmp_path_factory.mktemp("origin")
    git("init", "-q", "-b", "main", cwd=workspace)
    git("config", "user.email", "dev@example.com", cwd=workspace)
    git("config", "user.name", "Dev", cwd=workspace)
    git("add", "designs", cwd=workspace)
    git("commit", "-q", "-m", "designs", cwd=workspace)
    git("clone", "-q", "--bare", str(workspace), str(origin / "repo.git"), cwd=workspace)
    git("remote", "add", "origin", str(origin / "repo.git"), cwd=workspace)
    git("checkout", "-q", "-b", "change", cwd=workspace)
    clean = workspace / "designs" / "clean.yaml"
    clean.write_text(clean.read_text().replace("replicas: 2", "replicas: 1", 1))
    return workspace


class CommentServer:
    """A loopback stand-in for the GitHub REST API's issue comments: records what the step sends."""

    def __init__(self) -> None:
        import http.server
        import threading

        requests: list[tuple[str, str, dict]] = []
        comments: list[dict] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self, value: object) -> None:
                data = json.dumps(value).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                requests.append(("GET", self.path, {}))
                self._answer(comments)

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                requests.append(("POST", self.path, body))
                comments.append({"id": 7, "body": body["body"]})
                self._answer({"id": 7})

            def do_PATCH(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                requests.append(("PATCH", self.path, body))
                self._answer({"id": 7})

            def log_message(self, *args: object) -> None:
                pass

        self.requests, self.comments = requests, comments
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


def test_on_a_pull_request_the_diff_goes_to_the_summary_and_one_comment(pull_request, tmp_path):
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 42}}))
    api = CommentServer()
    env = {
        "GITHUB_BASE_REF": "main",
        "GITHUB_REPOSITORY": "acme/designs",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_API_URL": api.url,
        "GITHUB_ACTION_PATH": str(ROOT),
    }
    for push in ("first", "second"):
        done, summary = run_step("What the change does", pull_request, extra_env=env, **{"github-token": "t0ken"})
        assert done.returncode == 0, (push, done.stderr)
        text = summary.read_text()
        assert "## What this pull request does to the designs" in text
        assert "Clean: introduces" in text and "| introduced error | [REL001]" in text
        assert "Single database" not in text, "designs the change does not touch are left out"
    methods = [(method, path) for method, path, _ in api.requests]
    assert methods == [
        ("GET", "/repos/acme/designs/issues/42/comments?per_page=100"),
        ("POST", "/repos/acme/designs/issues/42/comments"),
        ("GET", "/repos/acme/designs/issues/42/comments?per_page=100"),
        ("PATCH", "/repos/acme/designs/issues/comments/7"),
    ], "one comment, updated on the second push"
    assert api.requests[1][2]["body"].startswith("<!-- archgen-diff -->\n### Clean")
    api.server.shutdown()


def test_off_a_pull_request_the_diff_step_does_nothing_unless_asked(workspace):
    done, summary = run_step("What the change does", workspace)
    assert done.returncode == 0 and summary.read_text() == "earlier steps wrote this\n"
    asked, _ = run_step("What the change does", workspace, diff="true")
    assert asked.returncode == 2 and "diff: true needs a pull request" in asked.stderr


def test_the_drift_step_fails_on_drift_and_says_it_in_the_summary(tmp_path):
    compose = FIXTURES / "import" / "compose" / "nextcloud"
    shutil.copy(compose / "docker-compose.yaml", tmp_path / "docker-compose.yaml")
    shutil.copy(compose / "expected.yaml", tmp_path / "nextcloud.yaml")
    shutil.copy(compose / "drifted.yaml", tmp_path / "drifted.yaml")
    done, summary = run_step("Drift from the deployment", tmp_path, drift="nextcloud.yaml docker-compose.yaml")
    assert done.returncode == 0, done.stderr
    assert "## Drift from the deployment" in summary.read_text()
    done, summary = run_step("Drift from the deployment", tmp_path, drift="drifted.yaml docker-compose.yaml")
    assert done.returncode == 1
    assert "drifted.yaml:7:3: drift: nc runs 2 in the design, 1 deployed" in summary.read_text()
    done, _ = run_step("Drift from the deployment", tmp_path, drift="drifted.yaml --format=json")
    assert done.returncode == 2, "no flag arrives through the input: `--format=json` is a file that is not there"
