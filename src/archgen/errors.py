"""Errors that stop the pipeline: bad specs, bad configuration, failed renders."""

from __future__ import annotations

from typing import NamedTuple


class Problem(NamedTuple):
    """One thing wrong with an input, at a position (1-based line and column); sorts by position.

    A named tuple rather than a dataclass: every command imports this module, and a tuple
    class costs a fifth of a dataclass to define.
    """

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class ArchgenError(Exception):
    """Base of every error archgen reports as a message, never as a traceback."""

    def lines(self) -> list[str]:
        """Return the error as the lines the CLI prints."""
        return [str(self)]


class SpecError(ArchgenError):
    """A design spec cannot be loaded; carries every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @classmethod
    def at(cls, file: str, line: int, column: int, message: str) -> SpecError:
        """Build an error of a single problem."""
        return cls([Problem(file, line, column, message)])

    def lines(self) -> list[str]:
        """Return one line per problem."""
        return [str(problem) for problem in self.problems]


class ConfigError(ArchgenError):
    """The configuration file or the command-line options are wrong."""


class RenderError(ArchgenError):
    """A diagram or document could not be produced."""
