"""Text helpers for messages: did-you-mean suggestions, shortened user values, plurals, Markdown escapes."""

from __future__ import annotations

import re
from collections.abc import Iterable

_MARKDOWN = re.compile(r"([\\`*_{}\[\]|#~!])")


def suggest(word: str, choices: Iterable[str]) -> str:
    """Return "; did you mean 'x'?" for the closest choice, or an empty string; case does not count (`LRU`, `lru`)."""
    import difflib  # only a mistake needs it

    folded: dict[str, str] = {}
    for choice in map(str, choices):
        folded.setdefault(choice.casefold(), choice)
    close = difflib.get_close_matches(str(word).casefold(), list(folded), n=1, cutoff=0.6)
    return f"; did you mean {folded[close[0]]!r}?" if close else ""


def shorten(text: str, limit: int = 40) -> str:
    """Cut a user value for an error message so a huge one is never echoed whole."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plural(count: int, noun: str) -> str:
    """Return `1 error`, `2 errors`."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def markdown_text(value: object) -> str:
    """Escape a value as Markdown text: markup characters backslashed, HTML as entities, newlines as breaks.

    A backslashed `[` or `]` cannot open or close a link and `&lt;` cannot open a tag or an
    autolink, so a name like `Shop](javascript:…)` stays text on any Markdown site.
    """
    import html

    text = _MARKDOWN.sub(r"\\\1", html.escape(str(value), quote=False))
    return "<br>".join(text.splitlines()) if "\n" in text or "\r" in text else text
