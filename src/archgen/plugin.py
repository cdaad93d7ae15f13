"""What a rule plugin may use: the `@rule` decorator, what a check is given, and what it yields.

A plugin is an installed distribution with a module registered under the entry point group
`archgen.rules` (in its pyproject.toml: `[project.entry-points."archgen.rules"]`,
`acme = "acme_rules"`). Importing the module runs its `@rule` decorators; each check takes a
`Context` (the design, its graph, the failure analysis, the capacity estimate) and yields
`Issue`s. Codes are 2 to 10 capitals and 3 digits (ACME001) and may not be archgen's own.
The module's docstring is the rule's page, as for archgen's rules (Why / How to fix / Bad /
Good). See CONTRIBUTING.md, "Writing a rule for your team".
"""

from __future__ import annotations

from archgen.analysis.capacity import Estimate
from archgen.analysis.failure import FailureAnalysis, Outage
from archgen.graph import DesignGraph
from archgen.model import Design
from archgen.rules.base import Context, Issue, rule

__all__ = ["Context", "Design", "DesignGraph", "Estimate", "FailureAnalysis", "Issue", "Outage", "rule"]
