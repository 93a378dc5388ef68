"""The one registry of assumption names (``docs/background/model.md#6-assumptions``).

Every assumption ID has exactly one name, stated positively: the name says what *holds*, so a
check's status ``"holds"`` / ``"fails"`` is about that sentence (B3 "insensitive to outsiders'
equilibrium selection" fails when the selection changes W_K).  Every output reads the name from
here: the checks (:mod:`contract_theory.contracting.protocol.assumptions`, the compact checks),
``analyze --help``, JSON, text, Markdown and LaTeX reports and the table in
``docs/background/theorem.md``.  A test greps the package for these names outside this module.

:data:`QUESTIONS` words each check as the question it answers (used where a reader needs the
test, not the verdict: the report's legends).
"""

from __future__ import annotations

from contract_theory.errors import ParameterError

__all__ = ["NAMES", "QUESTIONS", "assumption_name"]

#: ID -> the one positive name, in report order (A1-A12, then B1-B4 for K < N).
NAMES: dict[str, str] = {
    "A1": "contractibility",
    "A2": "budget balance",
    "A3": "transfers large enough",
    "A4": "an enforcing contract for the optimum exists",
    "A5": "lump-sum closure",
    "A6": "binding",
    "A7": "voluntary participation with veto",
    "A8": "quasi-linear utility",
    "A9": "SPE as the solution",
    "A10": "disagreement payoff independent of the proposal",
    "A11": "no coordination failure in voting",
    "A12": "the optimum exists",
    "B1": "outsiders already best-respond at an optimum",
    "B2": "no outsider harmed by the coalition",
    "B3": "insensitive to outsiders' equilibrium selection",
    "B4": "insensitive to timing",
}

#: ID -> what the check asks (the parenthetical of ``docs/background/model.md#6-assumptions``).
QUESTIONS: dict[str, str] = {
    "A1": "does the contract observe each signatory's action?",
    "A2": "do the transfers sum to zero at every outcome?",
    "A3": "is the penalty needed within the cap?",
    "A4": "does some contract among at most K agents make an optimal profile an equilibrium?",
    "A5": "can unconditional budget-balanced transfers be added?",
    "A6": "are accepted transfers applied automatically?",
    "A7": "can every agent whose payoff the contract changes veto it?",
    "A8": "are transfers added to payoffs in payoff units?",
    "A9": "is the contracting game solved for subgame-perfect equilibria?",
    "A10": "is the payoff after a rejection fixed, whatever was proposed?",
    "A11": "does a vote never fail only because no single vote is pivotal?",
    "A12": "is maximum welfare attained?",
    "B1": "does every outsider already best-respond at some optimal profile?",
    "B2": "does no outsider lose at the best coalition's outcome against no contract?",
    "B3": "is W_K the same under optimistic and pessimistic selection?",
    "B4": "is W_K the same under Stackelberg and Nash timing?",
}


def assumption_name(aid: str) -> str:
    """The one name of assumption ``aid`` (``"A1"`` .. ``"A12"``, ``"B1"`` .. ``"B4"``).

    Complexity: one dictionary look-up.

    Examples
    --------
    >>> assumption_name("B4")
    'insensitive to timing'
    >>> assumption_name("B9")
    Traceback (most recent call last):
    ...
    contract_theory.errors.ParameterError: unknown assumption 'B9'; the registry has A1..A12 and B1..B4
    """
    try:
        return NAMES[aid]
    except KeyError:
        raise ParameterError(f"unknown assumption {aid!r}; the registry has A1..A12 and B1..B4") from None
