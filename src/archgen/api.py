"""archgen as a library: every command as a function that returns values and never prints.

    from archgen import api

    run = api.lint([Path("designs")])
    for finding in run.findings:
        print(finding.file, finding.line, finding.code, finding.message)

The command-line interface is a thin layer over these functions. Settings are optional
everywhere (`api.load_settings(Path.cwd())` reads archgen.toml or pyproject.toml; flags
are `settings.merged(fail_on="error")`). Errors in the input are raised as, or collected
in `errors` as, `ArchgenError`s whose `lines()` are what the CLI prints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archgen.baseline import apply_baseline, write_baseline
    from archgen.build_state import BuildRun, unchanged
    from archgen.commands.build import Progress, build
    from archgen.commands.diff import diff, diff_git, write_diff_picture
    from archgen.commands.docs import docs
    from archgen.commands.estimate import DesignEstimate, EstimateRun, estimate_all
    from archgen.commands.importing import Drift, check_drift, import_spec
    from archgen.commands.lint import LintRun, ValidateRun, lint, lint_loaded, lint_text, validate
    from archgen.commands.new import new_design
    from archgen.commands.render import WriteRun, measure, render
    from archgen.commands.rules import RulePage, catalogue_markdown, explain, rules
    from archgen.config import Settings, load_settings
    from archgen.errors import ArchgenError, ConfigError, RenderError, SpecError
    from archgen.files import display_path
    from archgen.findings import Finding, Skipped, at_or_above
    from archgen.lint_cache import lint_from_cache
    from archgen.loaded import LoadedDesign
    from archgen.loader import load_design, load_model, load_text
    from archgen.model import Design, json_schema
    from archgen.render import check_picture, render_design
    from archgen.render.check import PictureCheck
    from archgen.render.spec_reference import spec_reference
    from archgen.report import format_report, summary
    from archgen.report.diff import format_diff
    from archgen.rules.base import Rule
    from archgen.rules.engine import LintResult
    from archgen.serve import serve
    from archgen.text import suggest


_WHERE = {
    "ArchgenError": "archgen.errors",
    "BuildRun": "archgen.build_state",
    "ConfigError": "archgen.errors",
    "Design": "archgen.model",
    "PictureCheck": "archgen.render.check",
    "DesignEstimate": "archgen.commands.estimate",
    "EstimateRun": "archgen.commands.estimate",
    "Finding": "archgen.findings",
    "LintResult": "archgen.rules.engine",
    "LintRun": "archgen.commands.lint",
    "LoadedDesign": "archgen.loader",
    "Progress": "archgen.commands.build",
    "RenderError": "archgen.errors",
    "Rule": "archgen.rules.base",
    "Settings": "archgen.config",
    "Skipped": "archgen.findings",
    "SpecError": "archgen.errors",
    "ValidateRun": "archgen.commands.lint",
    "WriteRun": "archgen.commands.render",
    "apply_baseline": "archgen.baseline",
    "at_or_above": "archgen.findings",
    "build": "archgen.commands.build",
    "catalogue_markdown": "archgen.commands.rules",
    "check_picture": "archgen.render",
    "diff": "archgen.commands.diff",
    "diff_git": "archgen.commands.diff",
    "display_path": "archgen.files",
    "docs": "archgen.commands.docs",
    "estimate_all": "archgen.commands.estimate",
    "explain": "archgen.commands.rules",
    "format_diff": "archgen.report.diff",
    "import_spec": "archgen.commands.importing",
    "check_drift": "archgen.commands.importing",
    "Drift": "archgen.commands.importing",
    "format_report": "archgen.report",
    "json_schema": "archgen.model",
    "lint": "archgen.commands.lint",
    "lint_from_cache": "archgen.lint_cache",
    "lint_loaded": "archgen.commands.lint",
    "lint_text": "archgen.commands.lint",
    "measure": "archgen.commands.render",
    "load_design": "archgen.loader",
    "load_model": "archgen.loader",
    "load_settings": "archgen.config",
    "load_text": "archgen.loader",
    "new_design": "archgen.commands.new",
    "render": "archgen.commands.render",
    "render_design": "archgen.render",
    "rules": "archgen.commands.rules",
    "serve": "archgen.serve",
    "RulePage": "archgen.commands.rules",
    "spec_reference": "archgen.render.spec_reference",
    "summary": "archgen.report",
    "suggest": "archgen.text",
    "unchanged": "archgen.build_state",
    "validate": "archgen.commands.lint",
    "write_baseline": "archgen.baseline",
    "write_diff_picture": "archgen.commands.diff",
}


def __getattr__(name: str) -> Any:
    """Import what a name needs when it is first used, so `api.lint` does not load the renderers."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'archgen.api' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "ArchgenError",
    "BuildRun",
    "ConfigError",
    "Design",
    "DesignEstimate",
    "Drift",
    "EstimateRun",
    "Finding",
    "LintResult",
    "LintRun",
    "LoadedDesign",
    "PictureCheck",
    "Progress",
    "RenderError",
    "Rule",
    "RulePage",
    "Settings",
    "Skipped",
    "SpecError",
    "ValidateRun",
    "WriteRun",
    "apply_baseline",
    "at_or_above",
    "build",
    "catalogue_markdown",
    "check_drift",
    "check_picture",
    "diff",
    "diff_git",
    "display_path",
    "docs",
    "estimate_all",
    "explain",
    "format_diff",
    "format_report",
    "import_spec",
    "json_schema",
    "lint",
    "lint_from_cache",
    "lint_loaded",
    "lint_text",
    "load_design",
    "load_model",
    "load_settings",
    "load_text",
    "measure",
    "new_design",
    "render",
    "render_design",
    "rules",
    "serve",
    "spec_reference",
    "suggest",
    "summary",
    "unchanged",
    "validate",
    "write_baseline",
    "write_diff_picture",
]
