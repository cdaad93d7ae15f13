"""`archgen serve` without a browser: its HTTP routes, the workspace redrawing on a save, the port and Ctrl-C."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from archgen.config import Settings, load_settings
from archgen.serve.workspace import Workspace
from tests.conftest import FIXTURES, ROOT, needs_dot

SPOF = FIXTURES / "lint" / "spof.yaml"


@pytest.fixture
def designs(tmp_path: Path) -> Path:
    folder = tmp_path / "designs"
    folder.mkdir()
    shutil.copy(SPOF, folder / "spof.yaml")
    shutil.copy(ROOT / "designs" / "tinyurl.yaml", folder / "tinyurl.yaml")
    (folder / "archgen.schema.json").write_text("{}")
    return folder


@pytest.fixture
def served(designs: Path) -> Iterator[tuple[str, Workspace]]:
    """Run the real server in this process on a free port, without the file watcher."""
    workspace = Workspace([designs], Settings())
    workspace.load_all()
    from archgen.serve.server import ArchgenServer

    server = ArchgenServer(("127.0.0.1", 0), workspace)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", workspace
    workspace.stop.set()
    server.shutdown()
    server.server_close()


def get(url: str, host: str | None = None) -> tuple[int, bytes, str]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read(), response.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers["Content-Type"]


@needs_dot
def test_routes_serve_pages_data_and_pictures_and_nothing_else(served):
    url, _ = served
    status, body, kind = get(f"{url}/api/index")
    assert status == 200 and kind == "application/json"
    index = json.loads(body)
    assert [(item["slug"], item["counts"]["error"]) for item in index] == [("single-database", 2), ("tinyurl", 0)]
    status, body, kind = get(f"{url}/design/single-database/diagram.svg")
    assert status == 200 and kind == "image/svg+xml" and body.startswith(b"<svg")
    design = json.loads(get(f"{url}/api/design/single-database")[1])
    assert {finding["code"] for finding in design["findings"]} == {"REL001", "REL002"}
    assert design["capacity"] and design["failures"] and "<table>" in design["doc"]
    (users,) = (row for row in design["availability"] if row["what"] == "entry point users")
    assert users["percent"].endswith("%") and users["per_year"] and users["contributors"].startswith("db ")
    for page in ("/", "/design/tinyurl/"):
        status, body, kind = get(url + page)
        assert status == 200 and kind.startswith("text/html") and b"/static/app.js" in body
    for path in ("/design/nope/", "/static/app.py", "/designs/spof.yaml", "/api/design/../index"):
        assert get(url + path)[0] == 404, path
    assert get(f"{url}/api/index", host="evil.example:80")[0] == 403, "a rebound host name is refused"


@needs_dot
def test_a_save_redraws_only_that_design_and_a_typo_keeps_the_last_picture(served, designs):
    _, workspace = served
    tinyurl = workspace.design("tinyurl")
    before = workspace.design("single-database")
    seen = workspace.counter
    spec = designs / "spof.yaml"
    good = spec.read_text()
    spec.write_text(good.replace("zones: [az-b], backup: true}", "replicas: 2, zones: [az-a, az-b], backup: true}"))
    workspace.apply({spec.resolve()})
    after = workspace.design("single-database")
    assert "REL001" not in {finding["code"] for finding in after["findings"]}
    assert after["version"] == before["version"] + 1
    assert workspace.design("tinyurl") == tinyurl, "the other design was not redone"
    assert workspace.wait(seen, 0.1)[1] == ["single-database"]
    spec.write_text(good.replace("kind: database", "kind: databse"))
    workspace.apply({spec.resolve()})
    broken = workspace.design("single-database")
    assert broken["errors"][0].startswith("designs/spof.yaml:11:") or ":11:" in broken["errors"][0]
    assert broken["svg"] == after["svg"], "the last good picture stays"
    spec.write_text(good)
    workspace.apply({spec.resolve()})
    assert workspace.design("single-database")["errors"] == []


@needs_dot
def test_the_watcher_sees_a_save(designs):
    workspace = Workspace([designs], Settings())
    workspace.load_all()
    watcher = threading.Thread(target=workspace.watch, daemon=True)
    watcher.start()
    seen = workspace.counter
    spec = designs / "spof.yaml"
    text = spec.read_text()
    counter, slugs = seen, []
    for attempt in range(20):  # the watcher may not be watching yet when the first save lands
        spec.write_text(text.replace("name: Single database", f"name: Single database, renamed {attempt}"))
        counter, slugs = workspace.wait(seen, 0.5)
        if counter > seen:
            break
    workspace.stop.set()
    watcher.join(timeout=5)
    assert counter > seen and any(slug.startswith("single-database-renamed") for slug in slugs)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_serving(cwd: Path, *options: str) -> subprocess.Popen[str]:
    """Start `archgen serve` as a terminal would: with Ctrl-C's default handling, even if this run ignores it.

    A shell starts background jobs with SIGINT ignored, and children inherit that; a server
    started so rightly ignores Ctrl-C, which is not what these tests are about.
    """
    return subprocess.Popen(
        [sys.executable, "-m", "archgen", "serve", "designs", *options],
        cwd=cwd,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@needs_dot
def test_a_port_in_use_is_one_clear_error_and_ctrl_c_exits_0(designs):
    port = free_port()
    first = start_serving(designs.parent, "--port", str(port))
    assert first.stderr is not None
    assert first.stderr.readline().startswith(f"serving 2 designs at http://127.0.0.1:{port}/")
    second = subprocess.run(
        [sys.executable, "-m", "archgen", "serve", "designs", "--port", str(port)],
        cwd=designs.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 2
    assert second.stderr.strip() == f"port {port} on 127.0.0.1 is in use; choose another with --port"
    before = sorted(path.name for path in designs.parent.rglob("*"))
    first.send_signal(signal.SIGINT)
    assert first.wait(timeout=10) == 0
    assert "Traceback" not in first.stderr.read()
    assert sorted(path.name for path in designs.parent.rglob("*")) == before, "no files left behind"


@needs_dot
def test_another_host_is_served_with_a_warning(designs):
    process = start_serving(designs.parent, "--host", "0.0.0.0", "--port", "0")
    assert process.stderr is not None
    assert process.stderr.readline().startswith("warning: serving on 0.0.0.0: anyone who can reach it")
    assert process.stderr.readline().startswith("serving 2 designs at http://0.0.0.0:")
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0


@needs_dot
def test_a_template_change_redoes_every_design(designs, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "design.md.j2").write_text("# {{ name }}\n\nfirst version\n")
    workspace = Workspace([designs], Settings(templates=templates))
    workspace.load_all()
    assert "first version" in workspace.design("tinyurl")["doc"]
    (templates / "design.md.j2").write_text("# {{ name }}\n\nsecond version\n")
    workspace.apply({(templates / "design.md.j2").resolve()})
    for slug in ("tinyurl", "single-database"):
        design = workspace.design(slug)
        assert "second version" in design["doc"] and design["version"] == 2, slug


def watching(workspace: Workspace) -> threading.Thread:
    watcher = threading.Thread(target=workspace.watch, daemon=True)
    watcher.start()
    return watcher


def until(condition, seconds: float = 20.0, touch=None) -> bool:
    """Wait for `condition`, calling `touch` now and then (the watcher may not be watching yet)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        if touch:
            touch()
        time.sleep(0.25)
    return condition()


@needs_dot
def test_a_config_change_applies_the_new_settings(designs):
    config = designs.parent / "archgen.toml"
    config.write_text("python = true\n")
    (designs / "sketch.py").write_text(
        "from archgen.dsl import Client, Design, Service\n"
        "with Design('Sketch') as design:\n    Client('users') >> Service('app', replicas=2)\n"
    )
    reload = lambda: load_settings(designs, None)  # noqa: E731 - what the CLI's reload does
    workspace = Workspace([designs], reload(), reload)
    workspace.load_all()
    assert workspace.design("sketch") is not None
    assert {f["code"] for f in workspace.design("single-database")["findings"]} >= {"REL001"}
    watcher = watching(workspace)
    config.write_text('python = false\nignore = ["REL001"]\n')
    assert until(lambda: workspace.design("sketch") is None), "python = false stops Python specs"
    # The other designs are redrawn one after another once the Python spec is dropped.
    assert until(lambda: "REL001" not in {f["code"] for f in workspace.design("single-database")["findings"]})
    workspace.stop.set()
    watcher.join(timeout=5)


@needs_dot
def test_serving_one_file_follows_saves_by_rename(designs):
    spec = designs / "spof.yaml"
    workspace = Workspace([spec], Settings())
    workspace.load_all()
    watcher = watching(workspace)
    text = spec.read_text()

    def save(name: str) -> None:  # as vim, Emacs and JetBrains save: a new file renamed over the old one
        fresh = designs / ".spof.yaml.swp"
        fresh.write_text(text.replace("name: Single database", f"name: {name}"))
        os.replace(fresh, spec)

    for name in ("First save", "Second save", "Third save"):
        slug = name.lower().replace(" ", "-")
        assert until(lambda slug=slug: workspace.design(slug) is not None, touch=lambda name=name: save(name)), name
    workspace.stop.set()
    watcher.join(timeout=5)


def test_a_fifo_named_like_a_spec_is_skipped_without_reading(designs):
    fifo = designs / "pipe.yaml"
    os.mkfifo(fifo)
    workspace = Workspace([designs], Settings())
    loading = threading.Thread(target=lambda: (workspace.load_all(), workspace.apply({fifo.resolve()})), daemon=True)
    loading.start()
    loading.join(timeout=60)
    assert not loading.is_alive(), "reading the FIFO would block for good"
    assert fifo.resolve() not in workspace.designs


@needs_dot
def test_a_removed_and_recreated_folder_is_watched_again(designs):
    workspace = Workspace([designs], Settings())
    workspace.load_all()
    watcher = watching(workspace)
    time.sleep(0.5)
    shutil.rmtree(designs)
    assert until(lambda: workspace.design("single-database") is None)
    designs.mkdir()
    shutil.copy(SPOF, designs / "spof.yaml")
    assert until(lambda: workspace.design("single-database") is not None), "the new folder's spec is loaded"
    text = (designs / "spof.yaml").read_text()
    (designs / "spof.yaml").write_text(text.replace("name: Single database", "name: Saved later"))
    assert until(lambda: workspace.design("saved-later") is not None), "saves in the new folder are seen"
    assert watcher.is_alive()
    workspace.stop.set()
    watcher.join(timeout=5)


def test_the_host_is_checked_on_every_loopback_address(designs):
    from archgen.serve.server import ArchgenServer

    workspace = Workspace([designs], Settings())
    server = ArchgenServer(("127.0.0.2", 0), workspace)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.2:{server.server_address[1]}/api/index"
        assert get(url, host="attacker.example")[0] == 403
        assert get(url, host=f"attacker.example:{server.server_address[1]}")[0] == 403
        assert get(url)[0] == 200
        assert get(url, host=f"localhost:{server.server_address[1]}")[0] == 200
    finally:
        server.shutdown()
        server.server_close()


@needs_dot
def test_a_file_name_that_is_not_utf8_is_served_and_does_not_stop_the_watcher(designs):
    workspace = Workspace([designs], Settings())
    workspace.load_all()
    watcher = watching(workspace)
    odd = Path(os.fsdecode(bytes(designs) + b"/caf\xe9.yaml"))
    odd.write_text(SPOF.read_text().replace("name: Single database", "name: Odd name"))
    assert until(lambda: workspace.design("odd-name") is not None)
    assert workspace.design("odd-name")["source"].endswith("caf\ufffd.yaml")
    json.dumps(workspace.index())
    (designs / "later.yaml").write_text(SPOF.read_text().replace("name: Single database", "name: Later"))
    assert until(lambda: workspace.design("later") is not None), "the watcher lives on"
    workspace.stop.set()
    watcher.join(timeout=5)


@needs_dot
def test_the_index_is_drawn_by_the_server_and_a_favicon_is_served(served):
    url, _ = served
    status, body, _ = get(url + "/")
    page = body.decode()
    assert status == 200
    assert '<li data-slug="single-database"><a href="/design/single-database/">Single database</a>' in page
    assert '<img src="/design/tinyurl/diagram.svg?v=1" alt="TinyURL">' in page
    assert '<div class="counts error">2 errors, 0 warnings, 0 infos</div>' in page
    assert '<div class="counts">0 errors, 0 warnings, 0 infos</div>' in page
    for path in ("/favicon.ico", "/static/favicon.svg"):
        status, body, kind = get(url + path)
        assert status == 200 and kind == "image/svg+xml" and body.startswith(b"<svg"), path


def test_counts_are_said_in_the_singular_for_one():
    from archgen.serve.server import counts_text

    assert counts_text({"error": 1, "warning": 1, "info": 1}) == "1 error, 1 warning, 1 info"
    assert counts_text({"error": 2, "warning": 0, "info": 3}) == "2 errors, 0 warnings, 3 infos"


@needs_dot
def test_a_design_page_compares_with_a_git_ref(designs):
    import subprocess as run

    def git(*args: str) -> None:
        run.run(["git", *args], cwd=designs, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("-c", "user.email=dev@example.com", "-c", "user.name=Dev", "add", ".")
    git("-c", "user.email=dev@example.com", "-c", "user.name=Dev", "commit", "-q", "-m", "designs")
    spec = designs / "tinyurl.yaml"
    spec.write_text(spec.read_text().replace("replicas: 3, zones: [az-a, az-b, az-c]", "replicas: 1, zones: [az-a]", 1))
    workspace = Workspace([designs], Settings())
    workspace.load_all()
    from archgen.serve.server import ArchgenServer

    server = ArchgenServer(("127.0.0.1", 0), workspace)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/api/design/tinyurl/against"
        status, body, _ = get(f"{url}?ref=main")
        against = json.loads(body)
        assert status == 200 and against["errors"] == [], against
        assert against["headline"].startswith("TinyURL: introduces 1 error")
        assert ">changed</text>" in against["svg"] and against["changes"][0]["fields"][0]["path"] == "replicas"
        assert json.loads(get(f"{url}?ref=nope")[1])["errors"] == [
            "nope: no such commit, branch or tag in this repository"
        ]
        for ref in ("--output=x", "main..HEAD", ""):
            assert get(f"{url}?ref={ref}")[0] == 400, ref
        assert get(f"http://127.0.0.1:{server.server_address[1]}/api/design/nope/against?ref=main")[0] == 404
    finally:
        server.shutdown()
        server.server_close()


@needs_dot
def test_a_large_designs_page_can_switch_to_its_overview_and_views(served, designs):
    url, workspace = served
    shutil.copy(FIXTURES / "scale" / "microservices-25.yaml", designs / "large.yaml")
    workspace.load_all()
    design = json.loads(get(f"{url}/api/design/microservices-28-components")[1])
    assert design["views"] == ["overview", "group:Data", "group:Edge", "group:Services", "group:Workers"]
    status, body, kind = get(f"{url}/api/design/microservices-28-components/view?name=overview")
    assert status == 200 and kind == "application/json"
    svg = json.loads(body)["svg"]
    assert svg.startswith("<svg") and "Microservices, 28 components: overview" in svg
    status, body, _ = get(f"{url}/api/design/microservices-28-components/view?name=group%3AWorkers")
    assert status == 200 and "group Workers" in json.loads(body)["svg"]
    assert workspace.view("microservices-28-components", "overview") == svg, "drawn once per version"
    for name in ("flow%3Anone", "group%3A%3Cscript%3E", ""):
        assert get(f"{url}/api/design/microservices-28-components/view?name={name}")[0] == 404, name
    assert json.loads(get(f"{url}/api/design/tinyurl")[1])["views"] == []
    assert get(f"{url}/api/design/tinyurl/view?name=overview")[0] == 404, "a small design has no overview"


@needs_dot
def test_a_hostile_group_title_stays_text_in_the_view_choice_and_its_picture(served, designs):
    url, workspace = served
    hostile = '"<img src=x onerror=alert(1)>"'
    text = (FIXTURES / "scale" / "microservices-25.yaml").read_text().replace("group: Workers", f"group: {hostile}")
    (designs / "large.yaml").write_text(text)
    workspace.load_all()
    design = json.loads(get(f"{url}/api/design/microservices-28-components")[1])
    name = "group:<img src=x onerror=alert(1)>"
    assert name in design["views"]
    status, body, _ = get(f"{url}/api/design/microservices-28-components/view?name={urllib.parse.quote(name)}")
    assert status == 200
    svg = json.loads(body)["svg"]
    assert "<img" not in svg and "&lt;img src=x onerror=alert(1)&gt;" in svg
    overview = json.loads(get(f"{url}/api/design/microservices-28-components/view?name=overview")[1])["svg"]
    assert "<img" not in overview and "&lt;img" in overview
