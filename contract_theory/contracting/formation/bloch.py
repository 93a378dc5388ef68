r"""Bloch's (1996) sequential game of coalition formation, solved by backward induction, exact.

Definition (``docs/background/formation.md#blochs-sequential-game``; Bloch 1996, GEB 14: 90-123).
Players are ranked by a fixed protocol ``order``.  The first player in the order among those not yet
in a coalition proposes a coalition S of at most K of the remaining players containing itself; the
members answer in turn; if all accept, S forms and leaves and the game goes on with the rest; the
first to reject becomes the next proposer.  When every player is in a coalition the structure pi is
played as in :mod:`~contract_theory.contracting.formation.partition_function` and each member of a
block B gets the per-capita value v(B; pi) / |B| (equal sharing inside coalitions, Bloch's
assumption, whatever ``rules.sharing`` says).  Solution: a stationary perfect equilibrium without
delay, by backward induction over the states (coalitions formed, players remaining):

* the continuation after S forms is the equilibrium of the smaller state, so every proposal has a
  known final structure and per-capita payoffs u_i(S);
* a responder i accepts S iff u_i(S) >= V_i, its value as the proposer at the same state (rejecting
  makes it the proposer; **an indifferent responder accepts**);
* V_i = max over the proposals S containing i that all other members accept of u_i(S) (S = {i}
  needs no one's consent).  These reservation values are a fixed point, found by iterating the map
  from the singletons' values; the map is antitone, so the iterates alternate between a lower and an
  upper sequence, and a state where they do not meet has no pure stationary equilibrium without
  delay (``complete=False``, the lower sequence's values are used, a note names the state);
* **proposer's tie rule** (``tie``): among its best acceptable proposals the proposer takes the
  ``"smallest"`` coalition (then the lexicographically smallest members) or the ``"largest"``.

In a symmetric game (and a compact one) all remaining players are alike, the reservation values are
equal, and the game reduces to Bloch's size announcements (his Theorem 1.1): the first remaining
player picks the size s of its coalition, maximizing its per-capita value given the later choices;
its partners are the next players in the order.  That is computed over classes of structures
(``by_composition``; N = 100 works), the dense game's labelled version otherwise (N <= 8).

Complexity: dense, one step per (state, coalition): sum_r C(N, r) Bell_K(N - r) 2^r (about 95,000
for N = 8) plus one structure solve per final structure; symmetric, one step per (partition of the
formed players, remaining count, size).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any

from contract_theory.contracting.coalitions.partial_contracts import check_k
from contract_theory.contracting.coalitions.rules import Rules, check_choice
from contract_theory.contracting.formation.partition_function import player_names
from contract_theory.contracting.modifications.coalition_structures import Structure, StructureEngine, structure_engine
from contract_theory.contracting.modifications.shared import SolverRecord
from contract_theory.errors import ParameterError, SizeLimitError

__all__ = ["BlochOutcome", "bloch_sequential", "PROPOSER_TIES", "MAX_DENSE_PLAYERS"]

PROPOSER_TIES: tuple[str, ...] = ("smallest", "largest")
#: Largest dense game without exchangeable players solved coalition by coalition.
MAX_DENSE_PLAYERS = 8
_MAX_ROUNDS = 200


@dataclass(frozen=True)
class BlochOutcome(SolverRecord):
    """The structure that forms, the coalitions in the order they form, and each player's per-capita payoff."""

    structure: Structure
    formed: tuple[tuple[int, ...], ...]
    payoffs: tuple[Fraction, ...]
    welfare: Fraction
    order: tuple[int, ...]
    players: tuple[str, ...]
    tie: str
    by_composition: bool = False


def _per_capita(engine: StructureEngine, structure: Structure) -> tuple[Fraction, ...]:
    """Each player's block value divided by its block's size (equal sharing)."""
    vals = engine.outcome(structure).block_values()
    if vals is None:
        raise ParameterError(f"structure {[list(b) for b in structure]} has no pure equilibrium between its blocks: "
                             "Bloch's game needs every structure's values (try the other timing)")
    out = [Fraction(0)] * engine.n
    for b, v in zip(structure, vals):
        for i in b:
            out[i] = v / len(b)
    return tuple(out)


def _pick(cands: list[tuple[Fraction, tuple[int, ...]]], tie: str) -> tuple[int, ...]:
    best = max(v for v, _ in cands)
    tied = [s for v, s in cands if v == best]
    return min(tied, key=lambda s: (len(s), s)) if tie == "smallest" else min(tied, key=lambda s: (-len(s), s))


class _Dense:
    """Backward induction over (formed structure, remaining players) of a dense game."""

    def __init__(self, engine: StructureEngine, k: int, order: tuple[int, ...], tie: str) -> None:
        self.engine, self.k, self.order, self.tie = engine, k, order, tie
        self.rank = {p: r for r, p in enumerate(order)}
        self.undecided: list[str] = []
        self.solve = cache(self._solve)

    def _solve(self, formed: Structure, remaining: tuple[int, ...]) -> Structure:
        """The final structure from a state (the first remaining player in the order proposes)."""
        if not remaining:
            return formed
        finals: dict[tuple[int, ...], Structure] = {}
        pays: dict[tuple[int, ...], tuple[Fraction, ...]] = {}
        for size in range(1, min(self.k, len(remaining)) + 1):
            for S in itertools.combinations(remaining, size):
                rest = tuple(i for i in remaining if i not in S)
                final = self.solve(tuple(sorted(formed + (S,))), rest)
                finals[S], pays[S] = final, _per_capita(self.engine, final)
        values = self._reservations(remaining, pays, formed)
        proposer = min(remaining, key=lambda i: self.rank[i])
        acceptable = [(pays[S][proposer], S) for S in pays if proposer in S
                      and all(pays[S][j] >= values[j] for j in S if j != proposer)]
        return finals[_pick(acceptable, self.tie)]

    def _reservations(self, remaining: tuple[int, ...], pays: dict[tuple[int, ...], tuple[Fraction, ...]],
                      formed: Structure) -> dict[int, Fraction]:
        """The responders' reservation values V_i: the fixed point of the proposers' best acceptable payoffs."""
        def step(v: dict[int, Fraction]) -> dict[int, Fraction]:
            return {i: max(pays[S][i] for S in pays if i in S and all(pays[S][j] >= v[j] for j in S if j != i))
                    for i in remaining}

        low = {i: pays[(i,)][i] for i in remaining}
        for _ in range(_MAX_ROUNDS):
            high = step(low)
            new_low = step(high)
            if high == new_low == low or high == low:
                return low
            if new_low == low:
                self.undecided.append(f"formed {[list(b) for b in formed]}, remaining {list(remaining)}")
                return low
            low = new_low
        self.undecided.append(f"formed {[list(b) for b in formed]}, remaining {list(remaining)}")  # pragma: no cover
        return low  # pragma: no cover


class _Symmetric:
    """Size announcements (Bloch's Theorem 1.1) over formed sizes; partners are the next players in order."""

    def __init__(self, engine: StructureEngine, k: int, n: int, tie: str) -> None:
        self.engine, self.k, self.n, self.tie = engine, k, n, tie
        self.solve = cache(self._solve)

    def structure(self, sizes: tuple[int, ...]) -> Structure:
        out, start = [], 0
        for s in sizes:
            out.append(tuple(range(start, start + s)))
            start += s
        return tuple(sorted(out))

    def _value(self, sizes: tuple[int, ...], index: int) -> Fraction:
        """Per-capita value of the ``index``-th formed coalition (consecutive players) in the final structure.

        From the class's outcome when it is untied (every block of a size has the same value then),
        else from the labelled structure."""
        cls = tuple((s,) for s in sorted(sizes, reverse=True))
        by_kind = self.engine.kind_values(cls)
        if by_kind is not None:
            return by_kind[(sizes[index],)] / sizes[index]
        structure = self.structure(sizes)
        start = sum(sizes[:index])
        block = tuple(range(start, start + sizes[index]))
        vals = self.engine.outcome(structure).block_values()
        if vals is None:
            raise ParameterError(f"a structure with blocks of sizes {list(sizes)} has no pure equilibrium between its "
                                 "blocks: Bloch's game needs every structure's values (try the other timing)")
        return vals[structure.index(block)] / len(block)

    def _solve(self, formed: tuple[int, ...]) -> tuple[int, ...]:
        """The sizes chosen from a state on; the state is the multiset of formed sizes (sorted), since
        every payoff depends on the final structure's class only (a tied class is evaluated on the
        labelled structure with the formed coalitions in this sorted order)."""
        left = self.n - sum(formed)
        if not left:
            return ()
        cands = []
        for s in range(1, min(self.k, left) + 1):
            cont = (s,) + self.solve(tuple(sorted(formed + (s,), reverse=True)))
            cands.append((self._value(formed + cont, len(formed)), s, cont))
        best = max(v for v, _, _ in cands)
        tied = [c for c in cands if c[0] == best]
        pick = min(tied, key=lambda c: c[1]) if self.tie == "smallest" else max(tied, key=lambda c: c[1])
        return pick[2]


def bloch_sequential(game: Any, k: int, rules: Rules = Rules(), *, order: Any = None, tie: str = "smallest",
                     use_symmetry: bool = True) -> BlochOutcome:
    """The structure Bloch's sequential game forms (module docstring).

    ``order``: the protocol, a permutation of the players (default 0, 1, ..., N-1); ``tie``: the
    proposer's tie rule; ``rules``: the blocks' equilibrium (``timing``, ``selection``) and
    ``budgets.max_structures`` (dense: the structures the induction may need, Bell_K(N)).

    Examples
    --------
    >>> from contract_theory.games.library import cournot
    >>> g, nash = cournot(3, 12, 0, (2, 3)), Rules(timing="nash")
    >>> b = bloch_sequential(g, 3, nash)       # firm 0 gets 12 alone against a pair, or 36/3 in N
    >>> b.structure, [str(x) for x in b.payoffs]
    (((0,), (1, 2)), ['12', '10', '10'])
    >>> bloch_sequential(g, 3, nash, tie="largest").structure
    ((0, 1, 2),)
    """
    check_k(game, k)
    check_choice(tie, PROPOSER_TIES, "proposer tie rule")
    n = game.n_players
    engine = structure_engine(game, rules, use_symmetry=use_symmetry)
    prot = tuple(range(n)) if order is None else tuple(int(i) for i in order)
    if sorted(prot) != list(range(n)):
        raise ParameterError(f"order must list every player 0..{n - 1} once, got {list(prot)}")
    notes: list[str] = []
    if engine.type_counts is not None and len(engine.type_counts) == 1:
        sym = _Symmetric(engine, k, n, tie)
        sizes = sym.solve(())  # the sizes in the order the coalitions form
        formed_sizes = list(sizes)
        blocks, start = [], 0
        for s in formed_sizes:  # relabel: the t-th coalition holds the next players of the protocol
            blocks.append(tuple(sorted(prot[start:start + s])))
            start += s
        canon = sym.structure(sizes)
        pay_canon = _per_capita(engine, canon)
        pos = [i for b in (tuple(range(sum(sizes[:j]), sum(sizes[:j + 1]))) for j in range(len(sizes))) for i in b]
        payoffs = [Fraction(0)] * n
        for p, c in zip(prot, pos):
            payoffs[p] = pay_canon[c]
        structure = tuple(sorted(blocks))
        method, by_comp = "size announcements (Bloch 1996, Theorem 1.1) over classes of structures", True
    else:
        if n > MAX_DENSE_PLAYERS:
            raise SizeLimitError(f"Bloch's game of a {n}-player game without exchangeable players is solved for "
                                 f"N <= {MAX_DENSE_PLAYERS}; use a symmetric or compact game")
        from contract_theory.contracting.modifications.coalition_structures import count_structures

        if count_structures(n, k) > rules.budgets.max_structures:
            raise SizeLimitError(f"{count_structures(n, k)} coalition structures exceed max_structures="
                                 f"{rules.budgets.max_structures}; raise it (--max-structures N) or lower K")
        dense = _Dense(engine, k, prot, tie)
        structure = dense.solve((), tuple(sorted(prot, key=lambda i: dense.rank[i])))
        payoffs = list(_per_capita(engine, structure))
        blocks = sorted(structure, key=lambda b: min(dense.rank[i] for i in b))
        method, by_comp = "backward induction over states, stationary reservation values", False
        if dense.undecided:
            notes.append(f"{len(dense.undecided)} states have no pure stationary equilibrium without delay (first: "
                         f"{dense.undecided[0]}); the responders' lower reservation values were used there")
    return BlochOutcome(structure, tuple(blocks), tuple(payoffs), _welfare(engine, structure), prot, player_names(game),
                        tie, by_comp, method=method,
                        complete=not notes, notes=tuple(notes), payoffs_exact=bool(getattr(game, "exact", True)),
                        parameters={"k": k, "timing": rules.timing, "selection": rules.selection, "tie": tie,
                                    "order": list(prot)})


def _welfare(engine: StructureEngine, structure: Structure) -> Fraction:
    vals = engine.outcome(structure).block_values()
    assert vals is not None
    return sum(vals, Fraction(0))
