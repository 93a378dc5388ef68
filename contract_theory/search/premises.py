r"""Premises: named classes of games, each a linear predicate in the payoffs and an exact check.

Model: MODEL.md section 10, premises, conditions and guarantees (and ``docs/background/deciding-claims.md``).
A **premise** is a predicate on a game of a fixed shape (and the claim's K) that is a Boolean
combination of homogeneous linear inequalities in the payoffs, so ``prove --assuming P`` conjoins
it with the claim's failure formula (:mod:`contract_theory.search.encoding`): "CLAIM holds under P"
means no game of the shape that satisfies every premise in P violates CLAIM.

Every premise is registered twice over, and the two are tested equal on every game of small
integer grids (``tests/test_premises.py``):

* ``formula(enc, k)``: the :data:`~contract_theory.search.encoding.Formula` over the payoff
  variables of ``enc`` that is true exactly on the games satisfying it;
* ``check(game, k)``: a plain exact check on a concrete game, written independently of the formula
  (the registered assumption check itself for B1 and A4, the library's own predicates for symmetry
  and dominance, loops over exact payoffs otherwise).  ``analyze`` reports these
  (:func:`satisfied_premises`).

The registered premises (:data:`PREMISES`, in this order):

``B1``
    the registered B1, by the name
    :func:`~contract_theory.contracting.protocol.assumption_names.assumption_name` gives it: some
    optimal profile has at least N - K players best-responding (so a coalition of at most K contains
    every other player); at K = N there are no outsiders and the premise is vacuous (true), as the
    registered check is "not applicable";
``A4``
    the registered A4 at K, with unbounded transfers (its name read from the same registry): the A4
    check with no cap.  With unbounded transfers it is the same class as B1 (both ask for a
    coalition of at most K whose outsiders best-respond at an optimal profile); a cap would add a
    constant bound, which a cone cannot express;
``B2`` / ``B2-negative``
    the registered B2 (its name read from the registry) with either sign, under the default rules
    (Stackelberg, pessimistic, equal): ``B2`` holds when no outsider of the best coalition of size
    exactly K (the first in player order among those of the largest W(S)) is below its no-contract
    payoff there, or when the check is not applicable (K = N, K < 2, no pure no-contract
    equilibrium, no outcome); ``B2-negative`` when some outsider is strictly below (the registered
    check fails).  The formula encodes the best coalition's choice as well (its outcome's welfare
    against every other size-K coalition's, with ties to the earlier coalition).  Pure
    continuations only: one outsider (K = N - 1) or none; with two or more outsiders the registered
    check may use a mixed equilibrium of the outsiders, which is not linear, and the formula raises
    :class:`PremiseError`.  ``conditions`` leaves both out of its default lattice (``lattice``).
``symmetric``
    u_{pi(i)}(a o pi^{-1}) = u_i(a) for every permutation pi (all players share one action count):
    equalities between the payoffs of the same own action and the same counts of the others;
``dominant-strategies``
    every player has an action that weakly dominates each other action (>= everywhere, > somewhere:
    :func:`~contract_theory.equilibria.dominance.dominant_strategies` with ``strict=False``);
``positive-externalities`` / ``negative-externalities``
    for every coalition S with 2 <= |S| <= min(K, N - 1), every outsiders' profile and every two
    bloc actions, if the members' total is strictly higher at the first, every outsider's payoff is
    weakly higher (lower) there; vacuous without outsiders;
``potential``
    an exact potential exists (Monderer and Shapley 1996): every 4-cycle of unilateral deviations
    by two players has zero total payoff change for the deviators;
``nonnegative-payoffs``
    every payoff is >= 0;
``generic``
    general position (section 9): each player's payoffs, the welfare and every bloc total U_S
    (2 <= |S| <= K, S != N) differ across profiles -- the class ``prove --generic`` decides over.

Not registered: B3 and B4 (they compare two coalition analyses under different rules), A3 with a
cap and A10 (a constant bound, and a statement about the protocol's default rule).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from contract_theory.contracting.coalitions.normal_form import is_symmetric
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.protocol.assumption_names import assumption_name
from contract_theory.contracting.protocol.assumptions import ASSUMPTIONS, AssumptionInputs
from contract_theory.equilibria.dominance import dominant_strategies
from contract_theory.errors import ParameterError
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.search.certificates import joint_profile
from contract_theory.search.encoding import (
    FALSE,
    TRUE,
    Encoding,
    Formula,
    claim_blocks,
    conjunction,
    disjunction,
    ge,
    gt,
    negate,
)

__all__ = ["Premise", "PREMISES", "PremiseError", "parse_premises", "premise_formula", "satisfied_premises",
           "premise_holds"]


class PremiseError(ParameterError):
    """An unknown premise name, or a premise that does not apply to the shape (the message says which)."""


@dataclass(frozen=True)
class Premise:
    """One registered premise: its name, its definition in words, the assumption it encodes (if any),
    its formula ``(enc, k) -> Formula``, its exact check ``(game, k) -> bool``, and ``same_as``: an
    earlier premise of the same class (``conditions`` leaves it out by default)."""

    name: str
    definition: str
    assumption: str | None
    formula: Callable[[Encoding, int], Formula] = field(repr=False)
    check: Callable[[NormalFormGame, int], bool] = field(repr=False)
    same_as: str | None = None
    #: part of ``conditions``' default lattice of premise sets
    lattice: bool = True


def _assumption_status(game: NormalFormGame, k: int, aid: str) -> str:
    """The registered check ``aid`` on ``game`` at K = ``k``, unbounded transfers, default rules."""
    inputs = AssumptionInputs(game, k, Rules(), cap=None, lump_sums=True, observes="members", contracts=None)
    return next(a for a in ASSUMPTIONS if a.id == aid).check(inputs).status


# ---------------------------------------------------------------------------- formulas
def _deviation(p: tuple[int, ...], i: int, b: int) -> tuple[int, ...]:
    return p[:i] + (b,) + p[i + 1:]


def _best_responds(enc: Encoding, p: tuple[int, ...], i: int) -> Formula:
    return conjunction(ge(enc.u(p, i), enc.u(_deviation(p, i, b), i)) for b in range(enc.shape[i]) if b != p[i])


def _b1_formula(enc: Encoding, k: int) -> Formula:
    """Some optimal profile at which some N - K players all best-respond."""
    if k >= enc.n:
        return TRUE
    branches = []
    for p in enc.profiles:
        optimal = conjunction(ge(enc.W(p), enc.W(q)) for q in enc.profiles if q != p)
        responders = disjunction(conjunction(_best_responds(enc, p, o) for o in outs)
                                 for outs in itertools.combinations(range(enc.n), enc.n - k))
        branches.append(conjunction([optimal, responders]))
    return disjunction(branches)


def _b2_cases(enc: Encoding, k: int) -> list[tuple[Formula, list[tuple[np.ndarray, np.ndarray]]]]:
    """Per (no-contract outcome b, size-K coalition S, outcome q): "b is the no-contract outcome, q is S's
    outcome and S is the best coalition of size K" and the outsiders' (u_o(q), u_o(b)) pairs."""
    if len(enc.shape) - k >= 2:
        raise PremiseError(f"B2 is encoded with pure continuations only: at K = {k} with {enc.n} players the "
                           f"{enc.n - k} outsiders may answer with a mixed equilibrium; use K = N - 1")
    c = claim_blocks(enc.shape, (("k", k), ("timing", "stackelberg"), ("selection", "pessimistic"),
                                 ("sharing", "equal")))
    blocs = [S for S in c.coalitions if len(S) == k]
    memo: dict[int, Formula] = {}
    cases = []
    for b, fb in c.nc.items():
        for j, S in enumerate(blocs):
            for q, fq in c.oc[S].items():  # q beats every earlier coalition's outcome strictly, a later one weakly
                unbeaten = [disjunction([negate(fr, memo), (gt if i < j else ge)(enc.W(q), enc.W(r))])
                            for i, T in enumerate(blocs) if T != S for r, fr in c.oc[T].items()]
                best = conjunction([fb, fq, *unbeaten])
                cases.append((best, [(enc.u(q, o), enc.u(b, o)) for o in range(enc.n) if o not in S]))
    return cases


def _b2_formula(sign: int) -> Callable[[Encoding, int], Formula]:
    """sign +1: no outsider of the best size-K coalition loses (or not applicable); -1: some outsider loses."""
    def formula(enc: Encoding, k: int) -> Formula:
        if k >= enc.n or k < 2:
            return TRUE if sign > 0 else FALSE
        cases = _b2_cases(enc, k)
        if sign > 0:  # the negation of each case is built once (its memo lives as long as the cases)
            memo: dict[int, Formula] = {}
            return conjunction(disjunction([negate(best, memo), conjunction(ge(uq, ub) for uq, ub in outs)])
                               for best, outs in cases)
        return disjunction(conjunction([best, disjunction(gt(ub, uq) for uq, ub in outs)]) for best, outs in cases)
    return formula


def _symmetric_formula(enc: Encoding, k: int) -> Formula:
    """Equal payoffs for equal (own action, others' counts); no symmetric games with unequal action counts."""
    if len(set(enc.shape)) > 1:
        return FALSE
    m = enc.shape[0]
    classes: dict[tuple[int, tuple[int, ...]], list[np.ndarray]] = {}
    for p in enc.profiles:
        for i in range(enc.n):
            others = tuple(sum(1 for j, a in enumerate(p) if j != i and a == b) for b in range(m))
            classes.setdefault((p[i], others), []).append(enc.u(p, i))
    parts = []
    for members in classes.values():
        for a, b in zip(members, members[1:]):
            parts += [ge(a, b), ge(b, a)]
    return conjunction(parts)


def _others(enc: Encoding, i: int) -> list[tuple[int, ...]]:
    return list(itertools.product(*(range(m) for j, m in enumerate(enc.shape) if j != i)))


def _with(rest: tuple[int, ...], i: int, a: int) -> tuple[int, ...]:
    return rest[:i] + (a,) + rest[i:]


def _dominant_formula(enc: Encoding, k: int) -> Formula:
    """Every player has an action a with, for each b != a: u_i(a, .) >= u_i(b, .) everywhere, > somewhere."""
    players = []
    for i in range(enc.n):
        rests = _others(enc, i)
        options = []
        for a in range(enc.shape[i]):
            beats = []
            for b in range(enc.shape[i]):
                if b != a:
                    ua = [enc.u(_with(r, i, a), i) for r in rests]
                    ub = [enc.u(_with(r, i, b), i) for r in rests]
                    beats.append(conjunction([conjunction(ge(x, y) for x, y in zip(ua, ub)),
                                              disjunction(gt(x, y) for x, y in zip(ua, ub))]))
            options.append(conjunction(beats))
        players.append(disjunction(options))
    return conjunction(players)


def _bloc_pairs(shape: Sequence[int], k: int) -> Iterable[tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]]:
    """``(S, p, q)``: coalitions 2 <= |S| <= min(k, n - 1) and profiles p != q that differ only on S."""
    n = len(shape)
    for size in range(2, min(k, n - 1) + 1):
        for S in itertools.combinations(range(n), size):
            outs = [i for i in range(n) if i not in S]
            for a_o in itertools.product(*(range(shape[o]) for o in outs)):
                blocs = list(itertools.product(*(range(shape[i]) for i in S)))
                for a_s, b_s in itertools.permutations(blocs, 2):
                    yield S, joint_profile(n, S, a_s, outs, a_o), joint_profile(n, S, b_s, outs, a_o)


def _externality_formula(sign: int) -> Callable[[Encoding, int], Formula]:
    def formula(enc: Encoding, k: int) -> Formula:
        parts = []
        for S, p, q in _bloc_pairs(enc.shape, k):
            for o in range(enc.n):
                if o not in S:  # U_S(p) > U_S(q)  implies  sign * (u_o(p) - u_o(q)) >= 0
                    follows = ge(enc.u(p, o), enc.u(q, o)) if sign > 0 else ge(enc.u(q, o), enc.u(p, o))
                    parts.append(disjunction([ge(enc.total(q, S), enc.total(p, S)), follows]))
        return conjunction(parts)
    return formula


def _potential_formula(enc: Encoding, k: int) -> Formula:
    """Zero change around every 4-cycle a -> (b_i) -> (b_i, b_j) -> (b_j) -> a of two players' deviations."""
    parts = []
    for i, j in itertools.combinations(range(enc.n), 2):
        for p in enc.profiles:
            for bi in range(p[i] + 1, enc.shape[i]):
                for bj in range(p[j] + 1, enc.shape[j]):
                    q_i = _deviation(p, i, bi)
                    q_ij = _deviation(q_i, j, bj)
                    q_j = _deviation(p, j, bj)
                    v = (enc.u(q_i, i) - enc.u(p, i) + enc.u(q_ij, j) - enc.u(q_i, j)
                         + enc.u(q_j, i) - enc.u(q_ij, i) + enc.u(p, j) - enc.u(q_j, j))
                    zero = np.zeros_like(v)
                    parts += [ge(v, zero), ge(zero, v)]
    return conjunction(parts)


def _nonnegative_formula(enc: Encoding, k: int) -> Formula:
    zero = np.zeros(enc.size, dtype=np.int64)
    return conjunction(ge(enc.u(p, i), zero) for p in enc.profiles for i in range(enc.n))


def _blocs(n: int, k: int) -> list[tuple[int, ...]]:
    return [S for size in range(2, min(k, n) + 1) for S in itertools.combinations(range(n), size) if size < n]


def _generic_formula(enc: Encoding, k: int) -> Formula:
    groups = [(i,) for i in range(enc.n)] + [tuple(range(enc.n))] + _blocs(enc.n, k)
    return conjunction(disjunction([gt(enc.total(p, g), enc.total(q, g)), gt(enc.total(q, g), enc.total(p, g))])
                       for g in groups for p, q in itertools.combinations(enc.profiles, 2))


# ---------------------------------------------------------------------------- exact checks
def _payoffs(game: NormalFormGame) -> dict[tuple[int, ...], tuple[Fraction, ...]]:
    table = game.table.reshape(-1, game.n_players).tolist()
    return {p: tuple(Fraction(v) for v in row) for p, row in zip(game.profiles(), table)}


def _b1_check(game: NormalFormGame, k: int) -> bool:
    return _assumption_status(game, k, "B1") in ("holds", "not applicable")


def _a4_check(game: NormalFormGame, k: int) -> bool:
    return _assumption_status(game, k, "A4") == "holds"


def _b2_check(sign: int) -> Callable[[NormalFormGame, int], bool]:
    def check(game: NormalFormGame, k: int) -> bool:
        if k < 2 or k >= game.n_players:  # no coalition of size 2..K with outsiders: not applicable
            return sign > 0
        status = _assumption_status(game, k, "B2")
        return status in ("holds", "not applicable") if sign > 0 else status == "fails"
    return check


def _dominant_check(game: NormalFormGame, k: int) -> bool:
    return all(a is not None for a in dominant_strategies(game, strict=False).values())


def _externality_check(sign: int) -> Callable[[NormalFormGame, int], bool]:
    def check(game: NormalFormGame, k: int) -> bool:
        u = _payoffs(game)
        for S, p, q in _bloc_pairs(game.shape, k):
            if sum(u[p][i] for i in S) > sum(u[q][i] for i in S):
                if any(sign * (u[p][o] - u[q][o]) < 0 for o in range(game.n_players) if o not in S):
                    return False
        return True
    return check


def _potential_check(game: NormalFormGame, k: int) -> bool:
    """Build the candidate potential along coordinate paths from the all-zero profile, then verify it
    against every unilateral deviation (independent of the 4-cycle formula)."""
    u = _payoffs(game)
    P: dict[tuple[int, ...], Fraction] = {}
    for p in game.profiles():
        value, cur = Fraction(0), (0,) * game.n_players
        for i in range(game.n_players):
            nxt = _deviation(cur, i, p[i])
            value += u[nxt][i] - u[cur][i]
            cur = nxt
        P[p] = value
    return all(u[_deviation(p, i, b)][i] - u[p][i] == P[_deviation(p, i, b)] - P[p]
               for p in game.profiles() for i in range(game.n_players) for b in range(game.shape[i]))


def _nonnegative_check(game: NormalFormGame, k: int) -> bool:
    return all(v >= 0 for row in _payoffs(game).values() for v in row)


def _generic_check(game: NormalFormGame, k: int) -> bool:
    u = _payoffs(game)
    n = game.n_players
    groups = [(i,) for i in range(n)] + [tuple(range(n))] + _blocs(n, k)
    for g in groups:
        values = [sum(row[i] for i in g) for row in u.values()]
        if len(set(values)) < len(values):
            return False
    return True


#: The registered premises by name, in report order (module docstring).
PREMISES: dict[str, Premise] = {p.name: p for p in (
    Premise("B1", f"B1 ({assumption_name('B1')}): some optimal profile has at least N - K players best-responding",
            "B1", _b1_formula, _b1_check),
    Premise("A4", f"A4 at K ({assumption_name('A4')}, unbounded transfers)", "A4", _b1_formula, _a4_check, "B1"),
    Premise("B2", f"B2 ({assumption_name('B2')}): no outsider of the best coalition of size K loses against no "
            "contract (default rules)", "B2", _b2_formula(1), _b2_check(1), lattice=False),
    Premise("B2-negative", f"B2 fails ({assumption_name('B2')} does not hold): some outsider of the best coalition "
            "of size K loses against no contract (default rules)", "B2", _b2_formula(-1), _b2_check(-1),
            lattice=False),
    Premise("symmetric", "every permutation of the players leaves the payoffs unchanged", None,
            _symmetric_formula, lambda g, k: is_symmetric(g)),
    Premise("dominant-strategies", "every player has a weakly dominant action", None, _dominant_formula,
            _dominant_check),
    Premise("positive-externalities", "raising a bloc's total weakly raises every outsider's payoff", None,
            _externality_formula(1), _externality_check(1)),
    Premise("negative-externalities", "raising a bloc's total weakly lowers every outsider's payoff", None,
            _externality_formula(-1), _externality_check(-1)),
    Premise("potential", "an exact potential exists", None, _potential_formula, _potential_check),
    Premise("nonnegative-payoffs", "every payoff is nonnegative", None, _nonnegative_formula, _nonnegative_check),
    Premise("generic", "no two profiles tie in a player's payoff, the welfare or a bloc total", None,
            _generic_formula, _generic_check),
)}


# ---------------------------------------------------------------------------- entry points
def parse_premises(names: str | Iterable[str] | None) -> tuple[str, ...]:
    """Validated premise names, in registry order, without repeats (``"B1,symmetric"`` or a list).

    Examples
    --------
    >>> parse_premises("symmetric,B1")
    ('B1', 'symmetric')
    >>> parse_premises("convex")
    Traceback (most recent call last):
    ...
    contract_theory.search.premises.PremiseError: unknown premise 'convex'; registered premises: B1, A4, B2, \
B2-negative, symmetric, dominant-strategies, positive-externalities, negative-externalities, potential, nonnegative-payoffs, generic
    """
    if names is None:
        return ()
    items = [t.strip() for t in names.split(",")] if isinstance(names, str) else [str(t).strip() for t in names]
    items = [t for t in items if t]
    for t in items:
        if t not in PREMISES:
            raise PremiseError(f"unknown premise {t!r}; registered premises: {', '.join(PREMISES)}")
    return tuple(name for name in PREMISES if name in items)


def premise_formula(names: Iterable[str], shape: Sequence[int], k: int) -> Formula:
    """The conjunction of the named premises over the payoff variables of ``shape``
    (:class:`~contract_theory.search.encoding.Encoding` order) at K = ``k``: true exactly on the
    games that satisfy every one.

    Complexity: the largest is ``generic``, O((N + C) P^2) atoms for P profiles and C coalitions;
    ``B1`` has O(P (P + C(N, K) N m)) atoms.

    Examples
    --------
    >>> from contract_theory.search.encoding import Encoding, holds_at
    >>> f = premise_formula(["symmetric"], (2, 2), 2)
    >>> holds_at(Encoding((2, 2)), f, [[[3, 3], [0, 5]], [[5, 0], [1, 1]]])   # the prisoner's dilemma
    True
    """
    enc = Encoding(shape)
    return conjunction(PREMISES[name].formula(enc, int(k)) for name in parse_premises(list(names)))


def premise_holds(name: str, game: NormalFormGame, k: int) -> bool:
    """The exact check of premise ``name`` on ``game`` at K = ``k``.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> premise_holds("dominant-strategies", prisoners_dilemma(), 2), premise_holds("B1", prisoners_dilemma(), 2)
    (True, True)
    """
    parse_premises([name])
    return PREMISES[name].check(game, int(k))


def satisfied_premises(game: NormalFormGame, k: int, names: Iterable[str] | None = None) -> dict[str, bool]:
    """Every registered premise (or the named ones) and whether ``game`` satisfies it at K = ``k``:
    what ``analyze`` reports and what ``conditions`` uses to prune (a counterexample satisfying
    premises Q refutes the claim under every subset of Q).

    Complexity: dominated by ``generic`` (O((N + C) P log P)) and ``B1`` (an optimum and a
    no-contract outcome).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> [name for name, ok in satisfied_premises(prisoners_dilemma(), 2).items() if ok]
    ['B1', 'A4', 'B2', 'symmetric', 'dominant-strategies', 'positive-externalities', 'negative-externalities', \
'potential', 'nonnegative-payoffs']
    """
    chosen = parse_premises(list(names)) if names is not None else tuple(PREMISES)
    return {name: PREMISES[name].check(game, int(k)) for name in chosen}
