r"""Farsighted stability over coalition structures: Chwe's (1994) largest consistent set, farsighted stable sets.

Definitions (``docs/background/formation.md#farsighted-stability``; Chwe 1994, JET 63: 299-325;
Diamantoudi and Xue 2003).  The states are the coalition structures with blocks of at most K; a
state's payoffs are its outcome shared by ``rules.sharing``
(:mod:`~contract_theory.contracting.modifications.coalition_structures`).

* **Moves.**  A coalition S (1 <= |S| <= K) can move from pi to pi' = {S} + {T \ S : T in pi} (the
  empty remnants dropped): its members leave their blocks and form S (|S| = 1: a player stands
  alone); the others stay as they were.  A move to pi itself is not a move.
* **Indirect dominance.**  c indirectly dominates b (c >> b) if there is a chain b = a_0, a_1, ...,
  a_m = c (m >= 1) with a_{j-1} -> a_j a move of S_j and every member of S_j strictly better off at
  c than at a_{j-1} (the movers compare the end of the chain with where they move from).
* **Consistency.**  A set Y of states is consistent if for every a in Y and every move a -> b of a
  coalition S there is c in Y with c = b or c >> b at which some member of S is not strictly better
  off than at a (S is deterred).  The **largest consistent set** (LCS) is the union of all consistent
  sets; it is the limit of removing the inconsistent states from the set of all states, which is
  how it is computed.
* **Farsighted stable sets** (von Neumann-Morgenstern with >>): V such that no state of V
  indirectly dominates another, and every state outside V is indirectly dominated by one in V.
  Only the singletons {a} are searched: a forms one iff a >> b for every other b.

States without a pure outcome are left out (``complete=False``, a note says how many).

Size.  The states are labelled structures: the restricted Bell number (4,140 for N = 8; 877 for N =
7) must be within ``rules.budgets.max_structures`` -- checked first, so a refusal takes
microseconds -- and the moves (states x coalitions of at most K; about 1.06 million for N = K = 8)
within ``max_moves``.  Indirect dominance costs one backward search per target state over the moves
(vectorized); the LCS iteration O(states^2 N) per round.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.contracting.coalitions.partial_contracts import check_k
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.formation.partition_function import player_names
from contract_theory.contracting.modifications.coalition_structures import (
    Structure,
    coalition_structures,
    count_structures,
    structure_engine,
)
from contract_theory.contracting.modifications.shared import SolverRecord
from contract_theory.errors import SizeLimitError

__all__ = ["FarsightedResult", "farsighted_stability", "DEFAULT_MAX_MOVES"]

DEFAULT_MAX_MOVES = 2_000_000


@dataclass(frozen=True)
class FarsightedResult(SolverRecord):
    """The states with their payoffs, the largest consistent set, and the singleton farsighted stable sets."""

    players: tuple[str, ...]
    k: int
    states: tuple[Structure, ...]
    payoffs: dict[Structure, tuple[Fraction, ...]]
    welfare: dict[Structure, Fraction]
    lcs: tuple[Structure, ...]
    stable_singletons: tuple[Structure, ...]
    rounds: int
    dominance: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool), compare=False, repr=False)

    def dominates(self, c: Structure, b: Structure) -> bool:
        """Whether state c indirectly dominates state b."""
        return bool(self.dominance[self.states.index(c), self.states.index(b)])


def _moves(states: list[Structure], k: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every move (source state, coalition bitmask, destination state) between listed states.

    A state is keyed by each player's block as a bitmask; a move of S gives S to its members and
    ``block & ~S`` to the others, so every (state, coalition) pair is keyed at once and matched to
    the states exactly (rows compared as bytes), without a Python loop over moves."""
    coalitions = np.array([sum(1 << i for i in c) for size in range(1, k + 1)
                           for c in itertools.combinations(range(n), size)], dtype=np.int64)
    keys = np.zeros((len(states), n), dtype=np.int64)
    for j, pi in enumerate(states):
        for block in pi:
            keys[j, list(block)] = sum(1 << i for i in block)
    bit = 1 << np.arange(n, dtype=np.int64)
    inside = (coalitions[:, None] & bit[None, :]) != 0                                  # (coalitions, n)
    new = np.where(inside[None], coalitions[None, :, None], keys[:, None, :] & ~coalitions[None, :, None])
    m, c = len(states), len(coalitions)
    rows = np.ascontiguousarray(np.concatenate([keys, new.reshape(m * c, n)])).view(np.dtype((np.void, 8 * n)))
    _, inverse = np.unique(rows.ravel(), return_inverse=True)
    state_of = np.full(int(inverse.max()) + 1, -1, dtype=np.int64)
    state_of[inverse[:m]] = np.arange(m)
    dst = state_of[inverse[m:]]
    src = np.repeat(np.arange(m, dtype=np.int64), c)
    mask = np.tile(coalitions, m)
    keep = (dst >= 0) & (dst != src)
    return src[keep], mask[keep], dst[keep]


def _prefer_masks(U: np.ndarray, c: int) -> np.ndarray:
    """Per state a, the bitmask of players strictly better off at state c than at a."""
    better = U[c][None, :] > U
    return (better * (1 << np.arange(U.shape[1], dtype=np.int64))[None, :]).sum(axis=1)


def _dominance(U: np.ndarray, src: np.ndarray, mask: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """D[c, b]: c indirectly dominates b -- a breadth-first search from every c backward over the
    moves whose movers all prefer c to where they move from (scipy's csgraph, one C search per c).
    A move out of c itself never qualifies (nobody strictly prefers c to c), so c >> c never holds.
    The moves are sorted by destination once, so each target's graph is a CSR matrix read off
    directly (no conversion), with masks in the narrowest integer type."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import breadth_first_order

    m, n = U.shape
    small = np.int16 if n <= 14 else np.int64
    order = np.argsort(dst, kind="stable")
    s_src, s_dst = src[order].astype(np.int32), dst[order]
    s_mask: np.ndarray = mask[order].astype(small)
    D = np.zeros((m, m), dtype=bool)
    for c in range(m):
        prefer: np.ndarray = _prefer_masks(U, c).astype(small)
        valid = (s_mask & ~prefer[s_src]) == 0
        indptr = np.concatenate([[0], np.cumsum(np.bincount(s_dst[valid], minlength=m))]).astype(np.int32)
        indices = s_src[valid]
        back = csr_matrix((np.ones(len(indices), dtype=np.int8), indices, indptr), shape=(m, m))
        reach = breadth_first_order(back, c, directed=True, return_predecessors=False)
        D[c, reach] = True
        D[c, c] = False
    return D


def _lcs(U: np.ndarray, D: np.ndarray, src: np.ndarray, mask: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, int]:
    """The largest consistent set (as a boolean mask over states) and the number of rounds."""
    m, n = U.shape
    Z = np.ones(m, dtype=bool)
    reach = D | np.eye(m, dtype=bool)  # reach[c, b]: c = b or c >> b
    big = int(U.max()) + 1
    rounds = 0
    while True:
        rounds += 1
        cand = reach & Z[:, None]  # cand[c, b]: c in Z and (c = b or c >> b)
        low = np.stack([np.where(cand, U[:, i][:, None], big).min(axis=0) for i in range(n)], axis=1)  # (b, i)
        empty = np.logical_not(cand.any(axis=0))
        # move (a, S, b) is not deterred iff no candidate, or every member of S does better at every candidate
        undeterred = empty[dst].copy()
        all_better = np.ones(len(src), dtype=bool)
        for i in range(n):
            member = ((mask >> i) & 1).astype(bool)
            all_better &= ~member | (low[dst, i] > U[src, i])
        undeterred |= all_better
        bad = np.zeros(m, dtype=bool)
        bad[src[undeterred & Z[src]]] = True
        if not (bad & Z).any():
            return Z, rounds
        Z &= ~bad


def farsighted_stability(game: Any, k: int, rules: Rules = Rules(), *, max_moves: int = DEFAULT_MAX_MOVES) -> FarsightedResult:
    """The largest consistent set and the singleton farsighted stable sets (module docstring).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> r = farsighted_stability(prisoners_dilemma(), 2, Rules(timing="nash"))
    >>> r.lcs, r.stable_singletons          # cooperating in one contract: (3, 3) against (1, 1)
    ((((0, 1),),), (((0, 1),),))
    """
    check_k(game, k)
    n = game.n_players
    count = count_structures(n, k)
    if count > rules.budgets.max_structures:
        raise SizeLimitError(f"{count} coalition structures of {n} players with blocks of at most {k} exceed "
                             f"max_structures={rules.budgets.max_structures}; farsighted stability needs every "
                             "labelled structure as a state: lower K or raise the budget (--max-structures N)")
    n_moves = count * sum(math.comb(n, s) for s in range(1, k + 1))
    if n_moves > max_moves:
        raise SizeLimitError(f"up to {n_moves} moves between {count} structures exceed max_moves={max_moves}; "
                             "lower K or raise max_moves")
    engine = structure_engine(game, rules)
    outcomes = {s: engine.outcome(s) for s in coalition_structures(n, k, max_structures=rules.budgets.max_structures)}
    states = [s for s, o in outcomes.items() if o.payoffs is not None]
    dropped = len(outcomes) - len(states)
    pay = {s: outcomes[s].payoffs for s in states}
    den = math.lcm(*(v.denominator for s in states for v in pay[s] or ()))
    U = np.array([[int(v * den) for v in pay[s] or ()] for s in states], dtype=np.int64)
    src, mask, dst = _moves(states, k, n)
    D = _dominance(U, src, mask, dst)
    Z, rounds = _lcs(U, D, src, mask, dst)
    others = ~np.eye(len(states), dtype=bool)
    singles = [states[a] for a in range(len(states)) if (D[a] | ~others[a]).all()]
    notes = [f"{dropped} structures without a pure outcome are not states"] if dropped else []
    notes.append("farsighted stable sets: only singletons were searched")
    return FarsightedResult(player_names(game), k, tuple(states), {s: p for s, p in pay.items() if p is not None},
                            {s: outcomes[s].welfare or Fraction(0) for s in states},
                            tuple(states[a] for a in np.nonzero(Z)[0]), tuple(singles), rounds, D,
                            method="indirect dominance by backward search; LCS by elimination (Chwe 1994)",
                            complete=not dropped, notes=tuple(notes), payoffs_exact=bool(getattr(game, "exact", True)),
                            parameters={"k": k, "timing": rules.timing, "selection": rules.selection,
                                        "sharing": rules.sharing, "max_moves": max_moves})
