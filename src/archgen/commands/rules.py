"""`archgen rules` and `archgen explain`: the rule catalogue and each rule's page.

Both read archgen's own catalogue from the generated pages, so they load neither the spec
model nor the analyses; the rules of installed plugins are read from the plugins themselves,
and only when some are installed.
"""

from __future__ import annotations

from archgen.errors import ArchgenError
from archgen.rules.catalogue import RulePage, catalogue, catalogue_markdown

__all__ = ["RulePage", "catalogue_markdown", "explain", "rules"]


def rules(plugins: bool = True) -> dict[str, RulePage]:
    """Return every rule by code, sorted: archgen's own and, with `plugins`, those of installed plugins."""
    pages = catalogue()
    if plugins:
        from archgen.rules import plugins as installed

        if installed.installed():
            from archgen.rules.base import all_rules

            for code, rule in all_rules().items():
                if rule.origin:
                    doc = rule.doc
                    pages[code] = RulePage(code, rule.name, rule.severity, rule.summary, rule.section, doc, rule.origin)
    return dict(sorted(pages.items()))


def explain(code: str, plugins: bool = True) -> RulePage:
    """Return the rule of a code (any case); an unknown code is an error with a did-you-mean."""
    known = rules(plugins) if plugins else catalogue()
    found = known.get(code.upper())
    if found is None:
        from archgen.text import suggest

        raise ArchgenError(f"no rule {code!r}{suggest(code.upper(), known)}")
    return found
