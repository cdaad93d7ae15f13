"""The picture check over real layouts: no text over text, no edge through text, no text cut off.

Every gallery design in both directions, and the fixture designs kept for it (synthetic shapes
from tests/fixtures/generate_pictures.py, and the hand-written render, failure and spec fixtures).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from archgen.api import lint_loaded, load_design
from archgen.render import check_picture
from archgen.render.check import check_layout
from tests.conftest import FIXTURES, ROOT, needs_dot

SETS = [
    ROOT / "designs",
    FIXTURES / "pictures",
    FIXTURES / "render",
    FIXTURES / "failures",
    FIXTURES / "specs" / "valid",
]
DESIGNS = sorted(path for folder in SETS for path in folder.iterdir() if path.suffix in (".yaml", ".py"))


def test_the_set_is_varied_enough():
    fixtures = [path for path in DESIGNS if ROOT / "designs" not in path.parents]
    assert len(fixtures) >= 30
    sizes = [len(load_design(path, allow_python=True).design.components) for path in fixtures]
    assert min(sizes) == 2 and max(sizes) >= 200


@needs_dot
@pytest.mark.parametrize("direction", ["LR", "TB"])
@pytest.mark.parametrize("path", DESIGNS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_no_text_collides_or_is_cut_off(path, direction):
    loaded = load_design(path, allow_python=True)
    result = lint_loaded(loaded)
    layout = loaded.design.layout.model_copy(update={"direction": direction})
    check = check_picture(loaded.design.model_copy(update={"layout": layout}), result.findings, waived=result.waived)
    assert check.overlaps == []
    assert check.crossings == []
    assert check.clipped == []


@needs_dot
@pytest.mark.parametrize("view", ["flow:read_timeline", "group:Write path"])
def test_views_pass_the_check_too(view):
    loaded = load_design(FIXTURES / "render" / "views.yaml")
    assert check_picture(loaded.design, lint_loaded(loaded).findings, view=view).clean


def pinned(dot: str) -> bytes:
    """Lay out a graph whose nodes are pinned where the test puts them (`neato -n2`)."""
    done = subprocess.run(["neato", "-n2", "-Tjson"], input=dot.encode(), capture_output=True, check=True)
    return done.stdout


@needs_dot
def test_the_check_finds_each_kind_of_problem():
    node = 'shape=box fixedsize=true width=0.6 height=0.4 fontsize=12 label="{}" pos="{},{}"'
    dot = (
        "digraph { "
        + f"a [{node.format('a label far wider than its box', 100, 100)}] "
        + f"b [{node.format('text', 300, 100)}] c [{node.format('text too', 310, 104)}] "
        + f"d [{node.format('d', 200, 300)}] e [{node.format('e', 200, 0)}] "
        + "d -> e }"
    )
    check = check_layout(pinned(dot))
    assert any("'a label far wider than its box' of box 'a' runs outside its box" in line for line in check.clipped)
    assert check.overlaps == ["'text too' of box 'c' and 'text' of box 'b' overlap"]
    assert not check.crossings
    through = 'digraph { a [shape=box label="a" pos="0,0"] b [shape=box label="b" pos="0,300"] '
    through += 'm [shape=plaintext label="in the way" pos="0,150"] a -> b }'
    assert check_layout(pinned(through)).crossings == ["edge a -> b runs through 'in the way' of box 'm'"]


@needs_dot
def test_a_clean_layout_is_clean():
    dot = 'digraph { a [shape=box label="a" pos="0,0"] b [shape=box label="b" pos="0,300"] a -> b }'
    check = check_layout(pinned(dot))
    assert check.clean and check.counts == {"overlaps": 0, "crossings": 0, "clipped": 0}


def test_the_synthetic_fixtures_are_what_the_generator_writes(tmp_path):
    generator = FIXTURES / "generate_pictures.py"
    namespace: dict[str, object] = {"__name__": "generate_pictures", "__file__": str(generator)}
    exec(compile(generator.read_text(), str(generator), "exec"), namespace)
    designs = namespace["DESIGNS"]
    assert isinstance(designs, dict)
    for name, write in designs.items():
        assert (FIXTURES / "pictures" / name).read_text(encoding="utf-8") == write(), name
    assert sorted(path.name for path in (FIXTURES / "pictures").iterdir()) == sorted(designs)


def test_every_fixture_is_a_valid_spec():
    for path in DESIGNS:
        assert load_design(Path(path), allow_python=True).design.components
