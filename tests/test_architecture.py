"""How the package is put together: imports point one way, the CLI is a thin layer, rules register safely."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from archgen import api
from archgen.rules import base
from tests.conftest import ROOT

PACKAGE = ROOT / "src" / "archgen"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, modules: set[str]) -> set[str]:
    """Return the archgen modules a file imports, lazily or not, leaving out `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text())
    checking = {
        id(node)
        for branch in ast.walk(tree)
        if isinstance(branch, ast.If) and "TYPE_CHECKING" in ast.unparse(branch.test)
        for inner in branch.body
        for node in ast.walk(inner)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in checking:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {f"{node.module}.{alias.name}" for alias in node.names} | {node.module}
    return {name for name in found if name in modules}


def import_graph() -> dict[str, set[str]]:
    files = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    modules = set(files)
    graph = {name: imported(path, modules) - {name} for name, path in files.items()}
    # A package's __init__ is imported on the way to its submodules; that edge is not a dependency.
    return {
        name: {target for target in targets if not name.startswith(f"{target}.")} for name, targets in graph.items()
    }


#: The front ends users start archgen from: the command line, the MkDocs plugin, and a Python
#: spec run as a script or shown in a notebook. They reach the rest of archgen through archgen.api.
FRONT_ENDS = {"archgen.__main__", "archgen.cli", "archgen.mkdocs_plugin", "archgen.script"}
#: The imports up into a front end, each made inside a function: a design of the Python
#: front-end ending in a script, and a design or a result displayed in a notebook.
UPWARDS = {
    ("archgen.dsl", "archgen.script"),
    ("archgen.loaded", "archgen.script"),
    ("archgen.rules.engine", "archgen.script"),
}


def test_the_import_graph_has_no_cycle():
    graph = {name: targets - {up for down, up in UPWARDS if down == name} for name, targets in import_graph().items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycle = [*stack[stack.index(target) :], target]
                pytest.fail(f"import cycle: {' → '.join(cycle)}")
            if target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_only_the_cli_imports_click_and_it_reaches_archgen_through_the_api():
    graph = import_graph()
    for path in PACKAGE.rglob("*.py"):
        if module_name(path) != "archgen.cli":
            assert "import click" not in path.read_text(), path
    assert graph["archgen.cli"] <= {"archgen", "archgen.api", "archgen.errors", "archgen.vocabulary"}


def test_nothing_imports_the_cli_or_the_api():
    for name, targets in import_graph().items():
        if name not in FRONT_ENDS:
            assert not targets & {"archgen.cli", "archgen.api"}, name
            upwards = {target for target in targets if target in FRONT_ENDS}
            assert upwards <= {up for down, up in UPWARDS if down == name}, name


def test_the_imports_up_into_a_front_end_are_made_when_used():
    for down, up in UPWARDS:
        relative = Path(*down.split(".")[1:])
        path = PACKAGE / relative.with_suffix(".py")
        tree = ast.parse((path if path.exists() else PACKAGE / relative / "__init__.py").read_text())
        at_the_top = {node.module for node in tree.body if isinstance(node, ast.ImportFrom)}
        assert up not in at_the_top, f"{down} imports {up} at the top"


def test_the_api_lists_what_it_offers_and_imports_it_when_first_used():
    assert sorted(api.__all__) == api.__all__
    assert set(api.__all__) == set(api._WHERE) == set(dir(api))
    for name in api.__all__:
        assert getattr(api, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'lint_everything'"):
        api.lint_everything  # noqa: B018
    modules = imports_after("from archgen import api\napi.lint")
    assert "archgen.commands.lint" in modules and "archgen.commands.build" not in modules


def imports_after(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(done.stdout.split())


def test_lint_does_not_import_diagrams_or_jinja2():
    modules = imports_after(
        "from archgen.cli import main\n"
        "try:\n    main(['lint', '--no-cache', 'tests/fixtures/lint/clean.yaml'])\nexcept SystemExit:\n    pass"
    )
    assert "archgen.rules.engine" in modules, "the lint ran"
    assert not {"diagrams", "jinja2", "archgen.render.docs", "archgen.commands.build"} & modules


def test_small_commands_load_no_spec_model_and_no_rule_engine():
    for argv in (
        ["--version"],
        ["--help"],
        ["lint", "--help"],
        ["rules"],
        ["explain", "REL001"],
        ["rules", "--markdown"],
    ):
        modules = imports_after(f"from archgen.cli import main\ntry:\n    main({argv!r})\nexcept SystemExit:\n    pass")
        heavy = {"archgen.model", "pydantic", "archgen.rules.base", "archgen.rules.engine", "yaml"} & modules
        assert not heavy, (argv, heavy)


def test_the_written_catalogue_is_what_the_rule_modules_say():
    from archgen.rules.catalogue import catalogue, catalogue_from_source

    assert catalogue() == catalogue_from_source(), "src/archgen/rules/pages.py is stale: run `make regen`"


def test_the_catalogue_agrees_with_the_registry():
    from archgen.rules.catalogue import catalogue

    registry = base.all_rules()
    pages = catalogue()
    assert list(pages) == list(registry)
    for code, rule in registry.items():
        page = pages[code]
        assert (page.name, page.severity, page.summary, page.section, page.doc) == (
            rule.name,
            rule.severity,
            rule.summary,
            rule.section,
            rule.doc,
        )
        assert page.page == rule.page


def test_the_registry_refuses_a_second_rule_of_one_code_and_a_misnamed_module():
    rules = base.all_rules()
    existing = rules["REL001"]
    with pytest.raises(ValueError, match="registered twice"):
        base.register(existing, "archgen.rules.rel001_copy")
    with pytest.raises(ValueError, match="must be named scl001_"):
        base.register(rules["SCL001"]._replace(), "archgen.rules.rel009_wrong")
    assert base.all_rules() == rules


def test_every_rule_module_registers_the_code_it_is_named_after():
    for code, rule in base.all_rules().items():
        assert rule.check.__module__.rsplit(".", 1)[-1].startswith(code.lower() + "_")


def test_every_kind_has_a_python_class_and_a_role_icon():
    from archgen import dsl
    from archgen.icons import ROLE_ICONS
    from archgen.model import KINDS

    classes = {cls.kind for cls in vars(dsl).values() if isinstance(cls, type) and issubclass(cls, dsl.Component)}
    assert classes - {""} == set(KINDS)
    assert all(set(icons) == set(KINDS) for icons in ROLE_ICONS.values())
