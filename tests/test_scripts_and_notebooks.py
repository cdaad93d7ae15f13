"""A Python spec run as a script draws beside itself; designs and results display themselves in notebooks."""

from __future__ import annotations

import shutil
import subprocess
import sys

from archgen import dsl
from archgen.api import lint_loaded, load_design
from tests.conftest import FIXTURES, SPECS, needs_dot, run_cli, unresolved_references

TWIN = SPECS / "valid" / "url-shortener.py"


@needs_dot
def test_python_spec_py_writes_its_pictures_beside_it_and_prints_its_findings(tmp_path):
    script = tmp_path / "url-shortener.py"
    shutil.copy(TWIN, script)
    done = subprocess.run([sys.executable, script.name], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("url-shortener.py:") and " REL009 " in lines[0]  # errors first
    assert "Found 8 findings (1 error, 7 warnings)." in lines  # REL009: users miss the 99.99% target
    assert lines[-2:] == [f"wrote {tmp_path / 'url-shortener.png'}", f"wrote {tmp_path / 'url-shortener.svg'}"]
    assert (tmp_path / "url-shortener.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "url-shortener.svg").read_text().startswith("<?xml")


@needs_dot
def test_loading_a_python_spec_through_archgen_only_builds_the_model(tmp_path):
    script = tmp_path / "url-shortener.py"
    shutil.copy(TWIN, script)
    assert run_cli("lint", script).code == 1
    assert sorted(path.name for path in tmp_path.iterdir()) == ["url-shortener.py"]


@needs_dot
def test_designs_and_results_display_themselves_in_a_notebook():
    with dsl.Design("Notebook sketch") as design:
        users = dsl.Client("users")
        app = dsl.Service("app")
        db = dsl.Database("db")
        users >> app >> db
    svg = design._repr_svg_()
    assert svg.startswith("<?xml") and "SPOF" in svg and "Notebook sketch" in svg
    loaded = load_design(FIXTURES / "lint" / "spof.yaml")
    assert "SPOF: zone az&#45;a" in loaded._repr_svg_()
    assert "SPOF" in lint_loaded(loaded)._repr_svg_()


@needs_dot
def test_two_designs_in_one_notebook_each_show_their_own_icons():
    """A notebook puts every output in one HTML page: each picture's ids must be its own."""
    with dsl.Design("Notebook sketch") as design:
        dsl.Client("users") >> dsl.LoadBalancer("lb") >> dsl.Service("app") >> dsl.Database("db")
    page = "\n".join(
        [design._repr_svg_(), load_design(FIXTURES / "lint" / "spof.yaml")._repr_svg_(), load_design(TWIN)._repr_svg_()]
    )
    assert page.count("<svg") == 3
    assert unresolved_references(page) == []
