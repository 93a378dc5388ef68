r"""What a K-coalition achieves with a rich contract (``docs/background/model.md#4-partial-contracts``).

A coalition S (2 <= |S| <= K) signs a rich, budget-balanced contract.  Fining a deviating
member and paying the others lets S enforce any joint action a_S of its members (see
:mod:`contract_theory.contracting.contracts.enforcement` for the transfers that do it), so S acts as **one
bloc** maximizing its members' total  U_S(a) = sum_{i in S} u_i(a).  Outsiders
O = N \ S keep u_o and best-respond.  Three parameters change the answer:

``timing``
    ``"stackelberg"`` (default): the signed contract is observed before play; the bloc
    commits to a_S and the outsiders play a pure Nash equilibrium of the game left to
    them, NE_O(a_S).  The bloc picks  argmax_{a_S} sel_{a_O in NE_O(a_S)} U_S.
    ``"nash"``: the bloc (one player with payoff U_S and action set A_S) and the
    outsiders move simultaneously; outcomes are the pure equilibria of that game.
``selection``
    ``"pessimistic"`` (default): among outsiders' equilibria (Stackelberg) or among the
    equilibria of the bloc game (Nash), the worst for the bloc; ``"optimistic"``: the best.
``sharing``
    How the bloc total is divided: ``"equal"`` (U_S/|S| each, default), ``"lump_sum"``
    (members accept iff U_S >= their no-contract total; the reported split gives each
    member its no-contract payoff plus an equal share of the surplus), ``"none"`` (members
    keep u_i; transfers only fine deviations off the path).

Tie rule (named, applied everywhere; :mod:`contract_theory.contracting.coalitions.bloc` applies it to every
kind of game).  Outcomes are ranked lexicographically by
(1) the bloc total U_S — the bloc's objective; (2) social welfare W = sum_i u_i, the
lowest first under pessimistic selection and the highest first under optimistic
selection (``selection`` governs every indeterminacy the bloc's objective leaves
open); (3) the lexicographically smallest joint action (indices).  Every outcome tied on
(1)-(2) is kept in :attr:`CoalitionOutcome.ties`.

Continuations are pure equilibria where they exist.  When the outsiders' game after some
a_S has no pure equilibrium and there are two outsiders, their exact extreme mixed
equilibria are used (``mixed=True``, the default; the bloc's value and welfare are
bilinear, so selecting among extreme equilibria is exact).  Otherwise — more outsiders,
``mixed=False``, or a bloc game (Nash timing) without a pure equilibrium — the branch is
excluded and the result says so in ``notes`` and with ``complete=False``: never a silent
answer.

The no-contract reference outcome is a fixed default equilibrium (assumption A10): the
pure Nash equilibrium of the game with the lowest (pessimistic) or highest (optimistic)
welfare, ties to the smallest profile.  Member acceptance and gains compare with it.

Complexity.  One coalition costs O(n * prod(m_i)) vectorized integer operations.  An
all-coalitions study costs that times C(n, <=K); symmetric games (payoffs invariant under
every permutation of the players) are detected and computed once per coalition size.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.contracting.coalitions.bloc import (
    Candidate,
    CoalitionOutcome,
    Continuations,
    Outcome,
    PlayerBloc,
    Shared,
    Strategies,
    check_coalition,
    check_coalition_sizes,
    share,
    solve_all_coalitions,
    solve_coalition,
)
from contract_theory.contracting.coalitions.rules import SELECTIONS, Rules, Selection, check_choice
from contract_theory.equilibria.pure import best_response_masks
from contract_theory.equilibria.welfare import optimum
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.games.size import check_size

__all__ = [
    "Outcome", "CoalitionOutcome",
    "no_contract_outcome", "coalition_outcome", "all_coalition_outcomes", "is_symmetric", "invariant_outcome",
    "check_coalition",
    "check_coalition_sizes", "share", "Shared", "NormalFormBloc", "Strategies", "lex_select",
]


# ---------------------------------------------------------------------------- kernels
def lex_select(primary: np.ndarray, secondary: np.ndarray, mask: np.ndarray,
                first: str, second: str) -> np.ndarray:
    """Per row, the column index chosen by the lexicographic rule among ``mask``.

    ``primary``/``secondary``/``mask`` have shape (rows, cols); ``first``/``second`` are
    "max" or "min".  Rows without any admissible column get -1.  The last rule is the
    smallest column index (``argmax`` of a boolean returns the first True).
    """
    keep = mask.copy()
    for values, how in ((primary, first), (secondary, second)):
        if not keep.any():
            break
        if how == "max":
            best = np.where(keep, values, _extreme(values, low=True)).max(axis=1, keepdims=True)
        else:
            best = np.where(keep, values, _extreme(values, low=False)).min(axis=1, keepdims=True)
        keep &= values == best
    idx = np.argmax(keep, axis=1)
    idx[~keep.any(axis=1)] = -1
    return idx


def _extreme(values: np.ndarray, *, low: bool) -> int:
    """A sentinel strictly below (low) or above every entry, exact for int64 and object ints."""
    if values.size == 0:
        return 0
    if low:
        return int(values.min()) - 1
    return int(values.max()) + 1


def _bloc_and_welfare(game: NormalFormGame, members: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    t = game.table
    return t[..., list(members)].sum(axis=-1), t.sum(axis=-1)


def _mixed_outsider_outcome(game: NormalFormGame, members: tuple[int, ...], outsiders: tuple[int, ...],
                            a_s: Sequence[int], pess: bool) -> tuple[Fraction, Fraction, Strategies] | None:
    """Selected mixed equilibrium of the two outsiders' game after the members commit to ``a_s``.

    The outsiders' equilibrium set is a finite union of products of polytopes (maximal Nash
    subsets) and the bloc's expected total and the welfare are bilinear in the two mixed
    strategies, so their extremes over the set are attained at extreme equilibria:
    selecting among :func:`~contract_theory.equilibria.vertex_enumeration.vertex_enumeration_solve`'s
    list (worst/best for the bloc, then welfare in the same direction, then that solver's
    lexicographic order) is exact.
    """
    from contract_theory.equilibria.vertex_enumeration import vertex_enumeration_solve

    idx: list[Any] = [slice(None)] * game.n_players
    for m, a in zip(members, a_s):
        idx[m] = int(a)
    sub = game.table[tuple(idx)]  # (m_o1, m_o2, n) integers over game.denominator, outsiders in index order
    o1, o2 = outsiders
    res = vertex_enumeration_solve(NormalFormGame.from_integer_table(sub[..., [o1, o2]], game.denominator))
    if not res.equilibria:
        return None
    bloc_m = sub[..., list(members)].sum(axis=-1).astype(object)
    wel_m = sub.sum(axis=-1).astype(object)

    def key(eq: Any) -> tuple[Fraction, Fraction]:
        x, y = (np.array(s, dtype=object) for s in eq.strategies)
        return Fraction(x @ bloc_m @ y) / game.denominator, Fraction(x @ wel_m @ y) / game.denominator

    # the first extreme equilibrium (solver order) worst (best) for the bloc, then for welfare
    eq = (min if pess else max)(res.equilibria, key=key)
    bv, wv = key(eq)
    strat: list[tuple[Fraction, ...]] = []
    for i in range(game.n_players):
        if i in members:
            a = int(a_s[members.index(i)])
            strat.append(tuple(Fraction(int(k == a)) for k in range(game.shape[i])))
        else:
            strat.append(eq.strategies[0] if i == o1 else eq.strategies[1])
    return bv, wv, tuple(strat)


def _is_mixed(outcome: Any) -> bool:
    return bool(outcome) and isinstance(outcome[0], tuple)


class NormalFormBloc(PlayerBloc):
    """The normal-form game as a :class:`~contract_theory.contracting.coalitions.bloc.BlocGame`.

    The bloc's total U_S and the welfare W are integer tables over the joint actions; the
    outsiders' continuations after a commitment a_S are the pure equilibria of the game left to
    them (vectorized over all commitments at once), or, with ``mixed`` and two outsiders and no
    pure equilibrium, their exact extreme mixed equilibria.  ``br`` (the best-response masks of
    every player) is computed once and shared by every coalition.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> NormalFormBloc(public_goods(4, "8/5", 20)).outsiders_equilibria((0, 1, 2), "pessimistic").complete
    True
    """

    missing_baseline_note = "no no-contract equilibrium: acceptance and gains are undefined"
    continuation_kind = "pure equilibria"

    def __init__(self, game: NormalFormGame, *, mixed: bool = True, br: np.ndarray | None = None) -> None:
        self.game = game
        self.mixed = mixed
        self._br = br

    @property
    def br(self) -> np.ndarray:
        """Best-response masks of every player, ``game.shape + (n,)`` (computed once)."""
        if self._br is None:
            self._br = best_response_masks(self.game.table)
        return self._br

    def no_contract(self, selection: Selection) -> Outcome:
        """:func:`no_contract_outcome` under ``selection``."""
        return no_contract_outcome(self.game, selection, mixed=self.mixed)

    def optimum(self) -> tuple[Fraction, tuple[Any, ...], tuple[str, ...]]:
        """W* and the optimal profiles (:func:`contract_theory.equilibria.welfare.optimum`)."""
        w_star, profiles = optimum(self.game)
        return w_star, tuple(profiles), ()

    def is_symmetric(self) -> bool:
        """:func:`is_symmetric`."""
        return is_symmetric(self.game)

    def check_size(self, members: tuple[int, ...]) -> None:
        """Every coalition of a normal-form game costs O(n prod m_i): no limit per coalition."""

    def coalitions(self, min_size: int, k: int, rules: Rules, symmetric: bool) -> list[tuple[int, ...]]:
        """Every coalition of ``min_size..k`` players; the solves' scans of the payoff tensor are budgeted
        (:func:`~contract_theory.games.size.check_size`; one solve per size in a symmetric game)."""
        n = self.game.n_players
        count = check_coalition_sizes(n, min_size, k, rules.budgets.max_coalitions)
        table = self.game.table
        solves = k - min_size + 1 if symmetric else count
        check_size("coalition solves", solves * table.size,
                   f"{solves:,} coalitions x {table.size // n:,} profiles x {n} players")
        return super().coalitions(min_size, k, rules, symmetric)

    def payoffs_of(self, outcome: Any) -> tuple[tuple[Fraction, ...], dict[str, Any]]:
        """Payoffs of a pure profile or of a mixed one (per-player probability tuples)."""
        if _is_mixed(outcome):
            return tuple(self.game.expected_payoffs(outcome)), {"profile": None, "strategies": outcome}
        return tuple(self.game.payoff(outcome)), {"profile": outcome}

    def is_mixed(self, outcome: Any) -> bool:
        """Whether ``outcome`` is a mixed profile."""
        return _is_mixed(outcome)

    def outsiders_equilibria(self, members: tuple[int, ...], selection: Selection) -> Continuations:
        """Per member commitment a_S, the outsiders' pure equilibrium selected by (U_S, W) under ``selection``.

        Commitments leaving the outsiders no pure equilibrium use the two outsiders' exact mixed
        equilibria (``mixed``) or are excluded with a note and ``complete=False``.
        """
        game = self.game
        n = game.n_players
        outsiders = tuple(i for i in range(n) if i not in members)
        bloc, wel = _bloc_and_welfare(game, members)
        mask = self.br[..., list(outsiders)].all(axis=-1) if outsiders else np.ones(game.shape, dtype=bool)
        order = list(members) + list(outsiders)
        shp_s = [game.shape[i] for i in members]
        shp_o = [game.shape[i] for i in outsiders]
        rows, cols = math.prod(shp_s), math.prod(shp_o)
        B = np.transpose(bloc, order).reshape(rows, cols)
        W = np.transpose(wel, order).reshape(rows, cols)
        M = np.transpose(mask, order).reshape(rows, cols)
        pess = selection == "pessimistic"
        pick = lex_select(B, W, M, "min" if pess else "max", "min" if pess else "max")
        notes: list[str] = []
        valid = pick >= 0
        mixed_rows: dict[int, tuple[Fraction, Fraction, Strategies]] = {}
        if not valid.all():
            bad_rows = np.nonzero(~valid)[0]
            if self.mixed and len(outsiders) == 2:
                for r in bad_rows:
                    commit = tuple(int(a) for a in np.unravel_index(int(r), shp_s))
                    got = _mixed_outsider_outcome(game, members, outsiders, commit, pess)
                    if got is not None:
                        mixed_rows[int(r)] = got
                notes.append(f"{len(bad_rows)} of {rows} member joint actions leave the two outsiders a game "
                             "without a pure equilibrium; their exact mixed equilibria (extreme points) were used "
                             "there")
            else:
                a_s = np.unravel_index(int(bad_rows[0]), shp_s)
                labels = [game.actions[m][int(a)] for m, a in zip(members, a_s)]
                why = ("mixed continuations are computed for two outsiders only" if self.mixed
                       else "mixed continuations are disabled")
                notes.append(
                    f"{len(bad_rows)} of {rows} member joint actions leave the outsiders a game without a pure "
                    f"equilibrium (first: members {list(members)} playing {labels}); those commitments were "
                    f"excluded ({why})")
        complete = bool(valid.all()) or len(mixed_rows) == int((~valid).sum())
        den = game.denominator
        cands: list[Candidate] = []
        for r in np.nonzero(valid)[0]:
            c = int(pick[r])
            prof = [0] * n
            for m, a in zip(members, np.unravel_index(int(r), shp_s)):
                prof[m] = int(a)
            for o, a in zip(outsiders, np.unravel_index(c, shp_o) if outsiders else ()):
                prof[o] = int(a)
            cands.append(Candidate(Fraction(int(B[r, c]), den), Fraction(int(W[r, c]), den), tuple(prof)))
        cands += [Candidate(*mixed_rows[r][:2], mixed_rows[r][2], mixed=True) for r in sorted(mixed_rows)]
        return Continuations(cands, notes, complete and bool(cands))

    def bloc_equilibria(self, members: tuple[int, ...], selection: Selection) -> Continuations:
        """Pure equilibria of the bloc-versus-outsiders game selected by (U_S, W) under ``selection``."""
        game = self.game
        outsiders = tuple(i for i in range(game.n_players) if i not in members)
        bloc, wel = _bloc_and_welfare(game, members)
        bloc_br = bloc == bloc.max(axis=tuple(members), keepdims=True)
        mask = bloc_br & (self.br[..., list(outsiders)].all(axis=-1) if outsiders else True)
        if not mask.any():
            return Continuations([], ["the game between the bloc and the outsiders has no pure equilibrium"], False)
        how = "min" if selection == "pessimistic" else "max"
        pick = lex_select(bloc.reshape(1, -1), wel.reshape(1, -1), mask.reshape(1, -1), how, how)
        b0, w0 = bloc.reshape(-1)[pick[0]], wel.reshape(-1)[pick[0]]
        keep = mask.reshape(-1) & (bloc.reshape(-1) == b0) & (wel.reshape(-1) == w0)
        den = game.denominator
        return Continuations(
            [Candidate(Fraction(int(b0), den), Fraction(int(w0), den),
                       tuple(int(v) for v in np.unravel_index(int(k), game.shape))) for k in np.nonzero(keep)[0]],
            [], True)


def no_contract_outcome(game: NormalFormGame, selection: Selection = "pessimistic", *, mixed: bool = True) -> Outcome:
    """The default (no-contract) equilibrium used as the disagreement point (A10).

    Among the pure Nash equilibria, the one with the lowest (``"pessimistic"``) or highest
    (``"optimistic"``) social welfare; ties to the smallest profile.  A two-player game
    without a pure equilibrium uses its exact extreme mixed equilibria (welfare is bilinear,
    so the extremes over the equilibrium set are attained there) when ``mixed``; otherwise
    ``profile`` and ``payoffs`` are ``None`` with a note.

    Examples
    --------
    >>> from contract_theory.games.library import matching_pennies
    >>> o = no_contract_outcome(matching_pennies())
    >>> o.profile, o.strategies[0], o.payoffs
    (None, (Fraction(1, 2), Fraction(1, 2)), (Fraction(0, 1), Fraction(0, 1)))

    >>> from contract_theory.games.library import stag_hunt
    >>> no_contract_outcome(stag_hunt()).profile, no_contract_outcome(stag_hunt(), "optimistic").profile
    ((1, 1), (0, 0))
    """
    check_choice(selection, SELECTIONS, "selection")
    mask = best_response_masks(game.table).all(axis=-1)
    if not mask.any():
        if mixed and game.n_players == 2:
            from contract_theory.equilibria.vertex_enumeration import vertex_enumeration_solve

            eqs = vertex_enumeration_solve(game).equilibria
            pays = [game.expected_payoffs(e.strategies) for e in eqs]
            target = (min if selection == "pessimistic" else max)(sum(p) for p in pays)
            k = next(i for i, p in enumerate(pays) if sum(p) == target)  # first in the solver's order
            return Outcome(None, pays[k], Fraction(target), (), ("the game has no pure Nash equilibrium; the "
                           f"{selection} extreme mixed equilibrium is the default",), eqs[k].strategies)
        return Outcome(None, None, None, (), ("the game has no pure Nash equilibrium; no-contract payoffs are "
                                              "undefined here (mixed defaults are computed for two players)",))
    wel = game.table.sum(axis=-1)
    how = "min" if selection == "pessimistic" else "max"
    flat_w = wel.reshape(1, -1)
    pick = lex_select(flat_w, flat_w, mask.reshape(1, -1), how, how)
    k = int(pick[0])
    prof = tuple(int(v) for v in np.unravel_index(k, game.shape))
    ties_mask = mask & (wel == wel.reshape(-1)[k])
    ties = tuple(tuple(int(v) for v in row) for row in np.argwhere(ties_mask))
    pay = game.payoff(prof)
    return Outcome(prof, pay, Fraction(sum(pay)), ties)


def coalition_outcome(
    game: NormalFormGame, coalition: Iterable[int | str], rules: Rules = Rules(), *, baseline: Outcome | None = None,
    mixed: bool = True, _br: np.ndarray | None = None,
) -> CoalitionOutcome:
    """The outcome a coalition reaches with a rich contract (``docs/background/model.md#4-partial-contracts``).

    ``rules`` (:class:`~contract_theory.contracting.coalitions.rules.Rules`): ``timing``, ``selection``
    and ``sharing`` as described in the module docstring.  ``baseline`` is the no-contract
    outcome (computed with the same ``selection`` when omitted).  ``mixed``: under
    Stackelberg timing, a commitment that leaves *two* outsiders without a pure equilibrium
    is evaluated at their exact mixed equilibria (then ``profile`` is ``None`` and
    ``strategies`` holds the outcome); with ``mixed=False``, or more outsiders, such
    commitments are excluded and ``complete`` is ``False``.  Complexity O(n * prod(m_i))
    vectorized operations, plus one two-player vertex enumeration per such commitment.
    :func:`contract_theory.contracting.coalitions.bloc.solve_coalition` on :class:`NormalFormBloc`.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> g = public_goods(4, "8/5", 20)          # a member of k contributes iff 8k/20 > 1
    >>> coalition_outcome(g, [0, 1]).profile, coalition_outcome(g, [0, 1, 2]).profile
    ((0, 0, 0, 0), (1, 1, 1, 0))
    >>> coalition_outcome(g, [0, 1, 2]).welfare
    Fraction(116, 1)
    """
    return solve_coalition(NormalFormBloc(game, mixed=mixed, br=_br), coalition, rules, baseline=baseline)


# ---------------------------------------------------------------------------- symmetry
def is_symmetric(game: NormalFormGame) -> bool:
    """Whether payoffs are invariant under every permutation of the players.

    u_{sigma(i)}(a o sigma^{-1}) = u_i(a) for all sigma; checked on the two generators of
    the symmetric group (a transposition and an n-cycle), O(n * prod(m_i)).  Labels are
    ignored; all players must have the same number of actions.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods, prisoners_dilemma, battle_of_the_sexes
    >>> is_symmetric(public_goods(4, "8/5", 20)), is_symmetric(battle_of_the_sexes())
    (True, False)
    """
    n = game.n_players
    if len(set(game.shape)) != 1:
        return False
    t = game.table
    gens = [[1, 0] + list(range(2, n))] if n >= 2 else []
    if n >= 3:
        gens.append(list(range(1, n)) + [0])
    for order in gens:
        moved = np.transpose(t, order + [n])[..., order]
        if not np.array_equal(moved, t):
            return False
    return True


def invariant_outcome(game: NormalFormGame, outcome: Outcome) -> bool:
    """Whether a symmetric ``game`` and its ``outcome`` are both invariant under every permutation of the players.

    True iff :func:`is_symmetric` and the outcome's profile gives every player the same action
    (then every player has the same payoff there).  Only then may one coalition (or one start)
    stand for every coalition of its size in a study whose shares use the outcome's payoffs
    (``sharing="lump_sum"``, acceptance, recruits' comparisons).  Complexity: :func:`is_symmetric`.

    Examples
    --------
    >>> from contract_theory.games.library import cournot, public_goods
    >>> g = public_goods(4, "8/5", 20)
    >>> invariant_outcome(g, no_contract_outcome(g))
    True
    >>> c = cournot(4, grid=[2, 3])
    >>> no_contract_outcome(c).profile, invariant_outcome(c, no_contract_outcome(c))
    ((0, 0, 1, 1), False)
    """
    prof = outcome.profile
    return prof is not None and len(set(prof)) <= 1 and is_symmetric(game)


def all_coalition_outcomes(
    game: NormalFormGame, k: int, rules: Rules = Rules(), *, min_size: int = 2, baseline: Outcome | None = None,
    use_symmetry: bool = True, mixed: bool = True,
) -> dict[tuple[int, ...], CoalitionOutcome]:
    """:func:`coalition_outcome` for every coalition with ``min_size <= |S| <= k``.

    In a symmetric game (and with ``use_symmetry``) the canonical coalition {0..k-1} is
    solved once per size and its outcome transported to every other coalition of that size
    by the order-preserving permutation; W(S), U_S and the multisets of members' and
    outsiders' payoffs are the same as a direct solve (tested), the representative profile
    may differ among outcomes tied on (U_S, W).  More than ``rules.budgets.max_coalitions``
    coalitions raises :class:`~contract_theory.errors.SizeLimitError`.
    :func:`contract_theory.contracting.coalitions.bloc.solve_all_coalitions` on :class:`NormalFormBloc`.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> len(all_coalition_outcomes(public_goods(4, "8/5", 20), 3))
    10
    """
    return solve_all_coalitions(NormalFormBloc(game, mixed=mixed), k, rules, min_size=min_size, baseline=baseline,
                                use_symmetry=use_symmetry)
