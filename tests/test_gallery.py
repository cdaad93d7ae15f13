"""The gallery in designs/: one reviewed design per checklist question, clean under lint, schema current."""

from __future__ import annotations

import json
import shutil

import pytest

from archgen import api
from archgen.api import load_design
from archgen.files import discover
from tests.conftest import ROOT, needs_dot, run_cli

DESIGNS = ROOT / "designs"
GALLERY = discover([DESIGNS])
QUESTIONS = {
    "facebook-news-feed",
    "facebook-status-search",
    "live-comments",
    "messenger",
    "instagram",
    "proximity-server",
    "typeahead-suggestions",
    "top-n-songs",
    "privacy-settings",
    "web-crawler",
    "dropbox",
    "tinyurl",
    "uber",
    "twitter",
    "ticketmaster",
    "api-rate-limiter",
    "youtube",
}


def test_one_design_per_checklist_question_and_some_in_python():
    assert {path.stem for path in GALLERY} == QUESTIONS
    assert len([path for path in GALLERY if path.suffix == ".py"]) >= 2


def test_the_gallery_lints_clean():
    result = run_cli("lint", DESIGNS, "--fail-on", "info")
    assert result.code == 0, result.out


def test_the_schema_beside_the_gallery_is_current():
    assert json.loads((DESIGNS / "archgen.schema.json").read_text()) == json.loads(run_cli("schema").out), (
        "run: archgen schema > designs/archgen.schema.json"
    )


@pytest.mark.parametrize("path", GALLERY, ids=lambda path: path.stem)
def test_each_design_is_a_real_design(path):
    design = load_design(path).design
    if path.suffix == ".yaml":
        assert path.read_text().startswith("# yaml-language-server: $schema=archgen.schema.json\n")
    assert design.description and len(design.description) > 80
    requirements = design.requirements
    assert requirements and len(requirements.functional) >= 2
    targets = requirements.non_functional
    assert targets.availability and targets.consistency and targets.cap
    capacity = design.capacity
    assert capacity and (capacity.writes_per_day or capacity.entities)
    # Several kinds of write are counted each with its own rate, size and stores.
    assert all(entity.stored_in for entity in capacity.entities.values())
    assert design.api and all(endpoint.auth and endpoint.rate_limit for endpoint in design.api)
    assert design.data and all(entity.primary_key for entity in design.data)
    assert len(design.tradeoffs) >= 2 and all(tradeoff.alternatives for tradeoff in design.tradeoffs)
    assert design.zones and any(component.kind == "monitoring" for component in design.components.values())
    assert all(len(waiver.reason) > 60 for waiver in design.waivers)
    stores = [component for component in design.components.values() if component.kind in ("database", "search")]
    assert stores and all(store.replicas >= 2 and store.zones for store in stores)


@needs_dot
def test_a_fresh_build_of_the_gallery_is_byte_identical_to_output(tmp_path):
    """output/ is what the code makes of designs/, byte for byte: the check behind every refactoring."""
    shutil.copytree(DESIGNS, tmp_path / "designs")
    run = api.build([tmp_path / "designs"], tmp_path / "output")
    assert not run.errors and len(run.built) == len(QUESTIONS)
    published = ROOT / "output"
    made = sorted(path.relative_to(tmp_path / "output") for path in (tmp_path / "output").rglob("*") if path.is_file())
    assert made == sorted(path.relative_to(published) for path in published.rglob("*") if path.is_file())
    differ = [
        str(name) for name in made if (tmp_path / "output" / name).read_bytes() != (published / name).read_bytes()
    ]
    assert differ == [], "output/ is not what the code makes of designs/: run `make regen`"
