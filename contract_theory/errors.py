"""Exceptions raised by :mod:`contract_theory`.

Every error a user can trigger with bad input is a :class:`ValueError` subclass, so
``except ValueError`` catches all of them; the command line turns each into one line on
stderr and exit status 2.
"""

from __future__ import annotations

__all__ = [
    "ContractTheoryError",
    "GameError",
    "ParseError",
    "UnknownPlayerError",
    "SizeLimitError",
    "DegenerateGameError",
    "ContractError",
    "ParameterError",
    "ObservesError",
    "ClaimFileError",
]


class ContractTheoryError(ValueError):
    """Base class of every input error raised by this package."""


class GameError(ContractTheoryError):
    """A game is malformed: ragged or mis-shaped payoffs, NaN/inf, duplicate labels, ..."""


class ParseError(ContractTheoryError):
    """A file or a textual specification cannot be read.

    ``line`` and ``token`` (when known) locate the problem; they are part of the message.
    """

    def __init__(self, message: str, *, line: int | None = None, token: str | None = None) -> None:
        where = []
        if line is not None:
            where.append(f"line {line}")
        if token is not None:
            where.append(f"token {token!r}")
        super().__init__(f"{message} ({', '.join(where)})" if where else message)
        self.line = line
        self.token = token


class UnknownPlayerError(ContractTheoryError):
    """A player name or index does not belong to the game."""


class SizeLimitError(ContractTheoryError):
    """The input is larger than a solver's stated limit; the message gives the limit."""


class DegenerateGameError(ContractTheoryError):
    """A solver that requires a nondegenerate game was given a degenerate one."""


class ContractError(ContractTheoryError):
    """A contract is invalid, e.g. not budget-balanced or paying a non-signatory."""


class ParameterError(ContractTheoryError):
    """A parameter is outside its documented domain (K out of range, unknown option, ...)."""


class ObservesError(ContractError, ParameterError):
    """A contract's ``observes`` is neither ``"members"`` nor ``"all"`` (both a contract and a parameter error)."""


class ClaimFileError(ContractTheoryError):
    """A user's claim file (``search --claim-file``) failed: the message names the file, the line and what it raised."""
