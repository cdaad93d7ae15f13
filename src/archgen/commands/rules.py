"""`archgen rules` and `archgen explain`: the rule catalogue and each rule's page.

Both read the catalogue from the rule modules' source, so they load neither the spec model
nor the analyses.
"""

from __future__ import annotations

from archgen.errors import ArchgenError
from archgen.rules.catalogue import RulePage, catalogue, catalogue_markdown, page_of

__all__ = ["RulePage", "catalogue_markdown", "explain", "rules"]


def rules() -> dict[str, RulePage]:
    """Return every rule by code, sorted."""
    return catalogue()


def explain(code: str) -> RulePage:
    """Return the rule of a code (any case); an unknown code is an error with a did-you-mean."""
    found = page_of(code.upper())
    if found is None:
        from archgen.text import suggest

        raise ArchgenError(f"no rule {code!r}{suggest(code.upper(), catalogue())}")
    return found
