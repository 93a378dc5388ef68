r"""The rules of a partial-contract study, as one validated value (``docs/background/model.md#4-partial-contracts``).

MODEL.md leaves several choices open and asks that each be a named parameter with a documented
default.  :class:`Rules` holds all of them, so that a study passes **one** argument through the
layers (contracting, markov, report, cli) instead of four to nine loose keywords:

* ``timing``: ``"stackelberg"`` (default; the bloc commits first) or ``"nash"`` (it moves with the
  outsiders);
* ``selection``: ``"pessimistic"`` (default; the equilibrium worst for the bloc) or ``"optimistic"``;
* ``sharing``: ``"equal"`` (default), ``"lump_sum"`` or ``"none"`` -- how the bloc total is divided;
* ``tie``: ``"inside"`` (default), ``"outside"``, ``"both-weak"``, ``"both-strict"`` -- which
  stability inequalities are strict (:mod:`contract_theory.contracting.coalitions.stability`);
* ``protocol``: :class:`ProtocolRules`, the voting rules
  (``docs/background/model.md#5-the-contracting-protocol``);
* ``budgets``: :class:`Budgets`, size limits beyond which a clear ``SizeLimitError`` is raised.

Every field is checked when the value is built (a :class:`~contract_theory.errors.ParameterError`
names the bad value and the choices), so a function that receives a :class:`Rules` never
re-validates it.  Values are frozen and hashable; :meth:`Rules.replace` gives a changed copy.

The coalition bound is not a rule: it is the argument ``k`` of every study function (2 <= k <= N).

Examples
--------
>>> r = Rules(timing="nash", tie="outside")
>>> r.timing, r.selection, r.sharing, r.tie
('nash', 'pessimistic', 'equal', 'outside')
>>> r.replace(selection="optimistic").selection
'optimistic'
>>> Rules(timing="later")
Traceback (most recent call last):
...
contract_theory.errors.ParameterError: unknown timing 'later'; choose one of ['stackelberg', 'nash']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from contract_theory.errors import ParameterError

__all__ = [
    "Timing", "Selection", "Sharing", "Tie", "Refinement", "VoterTie", "Default",
    "TIMINGS", "SELECTIONS", "SHARINGS", "TIES", "REFINEMENTS", "VOTER_TIES", "DEFAULTS",
    "DEFAULT_MAX_COALITIONS", "DEFAULT_MAX_POLICIES", "DEFAULT_MAX_COMPOSITIONS", "MAX_PAIRS",
    "DEFAULT_MAX_STRUCTURES",
    "check_choice", "check_voting", "ProtocolRules", "Budgets", "Rules",
]

Timing = Literal["stackelberg", "nash"]
Selection = Literal["pessimistic", "optimistic"]
Sharing = Literal["equal", "lump_sum", "none"]
#: Which stability inequalities are strict (``docs/background/model.md#4-partial-contracts``).
Tie = Literal["inside", "outside", "both-weak", "both-strict"]
#: Voting-stage refinements, the indifferent voter's vote, the continuation after rejection (section 5).
Refinement = Literal["simultaneous", "sequential", "undominated"]
VoterTie = Literal["accept", "reject"]
Default = Literal["pessimistic", "optimistic", "any"]

TIMINGS: tuple[Timing, ...] = ("stackelberg", "nash")
SELECTIONS: tuple[Selection, ...] = ("pessimistic", "optimistic")
SHARINGS: tuple[Sharing, ...] = ("equal", "lump_sum", "none")
TIES: tuple[Tie, ...] = ("inside", "outside", "both-weak", "both-strict")
REFINEMENTS: tuple[Refinement, ...] = ("simultaneous", "sequential", "undominated")
VOTER_TIES: tuple[VoterTie, ...] = ("accept", "reject")
DEFAULTS: tuple[Default, ...] = ("pessimistic", "optimistic", "any")

#: Default budgets (see :class:`Budgets`).
DEFAULT_MAX_COALITIONS = 200_000
DEFAULT_MAX_POLICIES = 200_000
DEFAULT_MAX_COMPOSITIONS = 1_000_000
MAX_PAIRS = 20_000_000
DEFAULT_MAX_STRUCTURES = 10_000


def check_choice(value: str, allowed: Sequence[str], name: str) -> str:
    """``value`` if it is one of ``allowed``, else a :class:`~contract_theory.errors.ParameterError` naming both.

    Examples
    --------
    >>> check_choice("nash", TIMINGS, "timing")
    'nash'
    """
    if value not in allowed:
        raise ParameterError(f"unknown {name} {value!r}; choose one of {list(allowed)}")
    return value


def check_voting(voting: Any) -> tuple[str, int | None]:
    """``(rule, committee size or None)`` of a voting rule: ``"unanimous"``, ``"majority"`` or ``("committee", c)``.

    Examples
    --------
    >>> check_voting(("committee", 2))
    ('committee', 2)
    """
    if voting in ("unanimous", "majority"):
        return voting, None
    if isinstance(voting, (tuple, list)) and len(voting) == 2 and voting[0] == "committee":
        c = voting[1]
        if isinstance(c, int) and not isinstance(c, bool) and c >= 1:
            return "committee", c
    raise ParameterError(f"unknown voting rule {voting!r}; use 'unanimous', 'majority' or ('committee', c)")


def _positive(value: Any, name: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ParameterError(f"{name} must be a positive integer, got {value!r}")


@dataclass(frozen=True)
class ProtocolRules:
    """The contracting protocol's open choices (``docs/background/model.md#5-the-contracting-protocol``).

    ``voting``: ``"unanimous"`` (the paper's rule, default), ``"majority"`` or ``("committee", c)``;
    ``refinement`` of the voting stage: ``"sequential"`` (default), ``"simultaneous"`` (admits the
    everyone-rejects trap, A11) or ``"undominated"``; ``voter_tie``: how an indifferent voter votes
    (``"accept"``, default); ``default``: the equilibrium after rejection, ``"pessimistic"``
    (default) or ``"optimistic"`` (fixed, A10) or ``"any"`` (proposal-contingent threats).
    Who proposes is an argument of the solver (``proposer``), not a rule.

    Examples
    --------
    >>> ProtocolRules(voting=("committee", 2)).voting
    ('committee', 2)
    >>> ProtocolRules(default="maybe")
    Traceback (most recent call last):
    ...
    contract_theory.errors.ParameterError: unknown default equilibrium 'maybe'; choose one of ['pessimistic', 'optimistic', 'any']
    """

    voting: Any = "unanimous"
    refinement: Refinement = "sequential"
    voter_tie: VoterTie = "accept"
    default: Default = "pessimistic"

    def __post_init__(self) -> None:
        if isinstance(self.voting, list):  # a JSON/CLI committee rule: keep the value hashable
            object.__setattr__(self, "voting", tuple(self.voting))
        check_voting(self.voting)
        check_choice(self.refinement, REFINEMENTS, "voting refinement")
        check_choice(self.voter_tie, VOTER_TIES, "voter tie")
        check_choice(self.default, DEFAULTS, "default equilibrium")


@dataclass(frozen=True)
class Budgets:
    """Size limits of a study; exceeding one raises :class:`~contract_theory.errors.SizeLimitError` naming it.

    ``max_coalitions`` (200 000): coalitions enumerated by a study; ``max_policies`` (200 000):
    joint stationary policies enumerated per Markov equilibrium search; ``max_compositions``
    (1 000 000) and ``max_pairs`` (20 000 000): coalition compositions, and member x outsider count
    pairs per composition, of a compact game; ``max_structures`` (10 000): coalition structures
    solved (labelled structures, or classes of structures when they are enumerated by composition;
    the CLI's ``--max-structures``).  (Limits used by one function only -- LPs of the
    modifications, contracts of the theorem's space -- stay keyword arguments of that function.)

    Examples
    --------
    >>> Budgets(max_coalitions=10).max_coalitions
    10
    """

    max_coalitions: int = DEFAULT_MAX_COALITIONS
    max_policies: int = DEFAULT_MAX_POLICIES
    max_compositions: int = DEFAULT_MAX_COMPOSITIONS
    max_pairs: int = MAX_PAIRS
    max_structures: int = DEFAULT_MAX_STRUCTURES

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            _positive(getattr(self, f.name), f.name)


@dataclass(frozen=True)
class Rules:
    """The modelling choices of a partial-contract study and its budgets (see the module docstring).

    Defaults: ``Rules()`` is Stackelberg timing, pessimistic selection, equal sharing, the
    ``"inside"`` tie rule, the paper's protocol (:class:`ProtocolRules`) and the default
    :class:`Budgets` -- the defaults of every function and of the command line.

    Examples
    --------
    >>> Rules().as_dict()
    {'timing': 'stackelberg', 'selection': 'pessimistic', 'sharing': 'equal', 'tie': 'inside'}
    """

    timing: Timing = "stackelberg"
    selection: Selection = "pessimistic"
    sharing: Sharing = "equal"
    tie: Tie = "inside"
    protocol: ProtocolRules = field(default_factory=ProtocolRules)
    budgets: Budgets = field(default_factory=Budgets)

    def __post_init__(self) -> None:
        check_choice(self.timing, TIMINGS, "timing")
        check_choice(self.selection, SELECTIONS, "selection")
        check_choice(self.sharing, SHARINGS, "sharing")
        check_choice(self.tie, TIES, "tie rule")
        if not isinstance(self.protocol, ProtocolRules):
            raise ParameterError(f"protocol must be a ProtocolRules, got {type(self.protocol).__name__}")
        if not isinstance(self.budgets, Budgets):
            raise ParameterError(f"budgets must be a Budgets, got {type(self.budgets).__name__}")

    def replace(self, **changes: Any) -> Rules:
        """A copy with ``changes`` applied (validated again); ``protocol``/``budgets`` fields may be
        given by name too (``voting=...``, ``max_policies=...``).

        Examples
        --------
        >>> Rules().replace(timing="nash", max_policies=10).budgets.max_policies
        10
        """
        proto = {k: changes.pop(k) for k in list(changes) if k in _PROTOCOL_FIELDS}
        budget = {k: changes.pop(k) for k in list(changes) if k in _BUDGET_FIELDS}
        if proto:
            changes["protocol"] = dataclasses.replace(changes.get("protocol", self.protocol), **proto)
        if budget:
            changes["budgets"] = dataclasses.replace(changes.get("budgets", self.budgets), **budget)
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ParameterError(f"unknown rule(s) {sorted(unknown)}; Rules has {[f.name for f in dataclasses.fields(self)]}, "
                                 f"ProtocolRules {sorted(_PROTOCOL_FIELDS)}, Budgets {sorted(_BUDGET_FIELDS)}")
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict[str, str]:
        """The four coalition-study rules as a plain dict (the ``parameters`` of JSON outputs)."""
        return {"timing": self.timing, "selection": self.selection, "sharing": self.sharing, "tie": self.tie}


_PROTOCOL_FIELDS = frozenset(f.name for f in dataclasses.fields(ProtocolRules))
_BUDGET_FIELDS = frozenset(f.name for f in dataclasses.fields(Budgets))
