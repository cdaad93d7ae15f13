"""Every spec in docs/wiring.md validates and lints with exactly the findings its `# lints:` line names."""

from __future__ import annotations

import re

import pytest

from archgen import api
from tests.conftest import ROOT

GUIDE = (ROOT / "docs" / "wiring.md").read_text()
SPECS = re.findall(r"```yaml\n(# lints: ([^\n]*)\n.*?)```", GUIDE, re.S)


def test_the_guide_has_a_spec_for_each_shape():
    assert len(SPECS) == 7


@pytest.mark.parametrize(("spec", "expected"), SPECS, ids=[re.search(r"name: (.*)", s).group(1) for s, _ in SPECS])
def test_each_spec_in_the_wiring_guide_lints_as_it_says(spec, expected):
    result = api.lint_text(spec, "docs/wiring.md")
    codes = sorted({finding.code for finding in result.findings if finding.severity != "info"})
    assert codes == ([] if expected == "clean" else expected.split(", ")), [f.message for f in result.findings]
