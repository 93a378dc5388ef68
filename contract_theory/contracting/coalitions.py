r"""What a K-coalition achieves with a rich contract (MODEL.md section 4).

A coalition S (2 <= |S| <= K) signs a rich, budget-balanced contract.  Fining a deviating
member and paying the others lets S enforce any joint action a_S of its members (see
:mod:`contract_theory.contracting.enforcement` for the transfers that do it), so S acts as **one
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

Tie rule (named, applied everywhere).  Outcomes are ranked lexicographically by
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

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import numpy as np

from contract_theory.equilibria.pure import best_response_masks
from contract_theory.errors import ParameterError
from contract_theory.games.normal_form import NormalFormGame, Profile

__all__ = [
    "TIMINGS", "SELECTIONS", "SHARINGS", "Outcome", "CoalitionOutcome", "no_contract_outcome",
    "coalition_outcome", "all_coalition_outcomes", "is_symmetric", "check_coalition", "share", "Shared",
]

Timing = Literal["stackelberg", "nash"]
Selection = Literal["pessimistic", "optimistic"]
Sharing = Literal["equal", "lump_sum", "none"]
#: A mixed profile as per-player probability tuples (exact).
Strategies = tuple[tuple[Fraction, ...], ...]
TIMINGS: tuple[str, ...] = ("stackelberg", "nash")
SELECTIONS: tuple[str, ...] = ("pessimistic", "optimistic")
SHARINGS: tuple[str, ...] = ("equal", "lump_sum", "none")


def _check_choice(value: str, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise ParameterError(f"unknown {name} {value!r}; choose one of {list(allowed)}")
    return value


def check_coalition_sizes(n: int, min_size: int, max_size: int, max_coalitions: int) -> int:
    """Validate a range of coalition sizes (2 <= min <= max <= n) and return how many coalitions it holds.

    More than ``max_coalitions`` raises :class:`~contract_theory.errors.SizeLimitError`.

    >>> check_coalition_sizes(4, 2, 4, 100)
    11
    """
    from contract_theory.errors import SizeLimitError

    if not 2 <= min_size <= max_size <= n:
        raise ParameterError(f"coalition sizes must satisfy 2 <= min_size <= max_size <= n={n}; "
                             f"got min_size={min_size}, max_size={max_size}")
    count = sum(math.comb(n, k) for k in range(min_size, max_size + 1))
    if count > max_coalitions:
        raise SizeLimitError(f"{count} coalitions exceed max_coalitions={max_coalitions}")
    return count


def check_coalition(game: NormalFormGame, coalition: Iterable[int | str]) -> tuple[int, ...]:
    """Validate a coalition (indices or names) and return its sorted player indices.

    A coalition needs at least two distinct members: a single agent cannot sign a
    budget-balanced transfer with anyone (MODEL.md section 4).
    """
    members = [game.player_index(p) for p in coalition]
    if len(set(members)) != len(members):
        raise ParameterError(f"coalition {list(coalition)} names a player twice")
    if len(members) < 2:
        raise ParameterError(
            f"coalition {list(coalition)} has {len(members)} member(s); a contract needs at least 2 signatories "
            "(|S| = 1 means no contract)")
    return tuple(sorted(members))


@dataclass(frozen=True)
class Outcome:
    """An outcome with exact payoffs (the no-contract reference).

    ``profile`` is the pure profile, or ``None`` when the outcome is mixed; then
    ``strategies`` holds the exact mixed profile and ``payoffs`` are expected payoffs.
    """

    profile: Profile | None
    payoffs: tuple[Fraction, ...] | None
    welfare: Fraction | None
    ties: tuple[Profile, ...] = ()
    notes: tuple[str, ...] = ()
    strategies: Strategies | None = None


@dataclass(frozen=True)
class CoalitionOutcome:
    """What coalition S achieves (MODEL.md section 4).

    ``profile`` is the representative outcome (see the module's tie rule), ``payoffs``
    are final payoffs after the bloc total is shared (``raw_payoffs`` before), ``welfare``
    is the social welfare W(S) (invariant under sharing), ``bloc_value`` is U_S.
    ``members_accept`` is ``None`` when the no-contract payoffs are unknown (no pure
    equilibrium).  ``gains`` = (members' total, outsiders' total, social) over no contract.
    """

    coalition: tuple[int, ...]
    timing: str
    selection: str
    sharing: str
    profile: Profile | None
    raw_payoffs: tuple[Fraction, ...] | None
    payoffs: tuple[Fraction, ...] | None
    bloc_value: Fraction | None
    welfare: Fraction | None
    members_accept: bool | None
    gains: tuple[Fraction, Fraction, Fraction] | None
    ties: tuple[Profile, ...] = ()
    complete: bool = True
    notes: tuple[str, ...] = field(default=())
    strategies: Strategies | None = None

    @property
    def outsiders(self) -> tuple[int, ...]:
        n = len(self.raw_payoffs) if self.raw_payoffs is not None else 0
        return tuple(i for i in range(n) if i not in self.coalition)


# ---------------------------------------------------------------------------- kernels
def _lex_select(primary: np.ndarray, secondary: np.ndarray, mask: np.ndarray,
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


def _canonical_order(members: Sequence[int], outsiders: Sequence[int]) -> list[int]:
    return list(members) + list(outsiders)


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
    sub = game.fractions[tuple(idx)]  # (m_o1, m_o2, n): outsiders in increasing index order
    o1, o2 = outsiders
    res = vertex_enumeration_solve(NormalFormGame.from_bimatrix(sub[..., o1], sub[..., o2]))
    if not res.equilibria:
        return None
    bloc_m = sub[..., list(members)].sum(axis=-1)
    wel_m = sub.sum(axis=-1)
    best = None
    for eq in res.equilibria:
        x = np.array(eq.strategies[0], dtype=object)
        y = np.array(eq.strategies[1], dtype=object)
        key = (Fraction(x @ bloc_m @ y), Fraction(x @ wel_m @ y))
        if best is None or (key < best[0] if pess else key > best[0]):
            best = (key, eq)
    (bv, wv), eq = best  # type: ignore[misc]
    strat: list[tuple[Fraction, ...]] = []
    for i in range(game.n_players):
        if i in members:
            a = int(a_s[members.index(i)])
            strat.append(tuple(Fraction(int(k == a)) for k in range(game.shape[i])))
        else:
            strat.append(eq.strategies[0] if i == o1 else eq.strategies[1])
    return bv, wv, tuple(strat)


def _stackelberg(game: NormalFormGame, members: tuple[int, ...], br: np.ndarray, selection: str,
                 mixed: bool = True) -> tuple[list[Any], list[str], bool]:
    """Bloc-optimal outcomes under Stackelberg timing, ranked by the tie rule (best first).

    Outcomes are pure profiles, or (when the outsiders' game after some commitment has no
    pure equilibrium, there are two outsiders and ``mixed``) mixed profiles as tuples of
    per-player probability tuples.  Pure outcomes come before mixed ones among exact ties.
    """
    n = game.n_players
    outsiders = tuple(i for i in range(n) if i not in members)
    bloc, wel = _bloc_and_welfare(game, members)
    mask = br[..., list(outsiders)].all(axis=-1) if outsiders else np.ones(game.shape, dtype=bool)
    order = _canonical_order(members, outsiders)
    shp_s = [game.shape[i] for i in members]
    shp_o = [game.shape[i] for i in outsiders]
    rows, cols = math.prod(shp_s), math.prod(shp_o)
    B = np.transpose(bloc, order).reshape(rows, cols)
    W = np.transpose(wel, order).reshape(rows, cols)
    M = np.transpose(mask, order).reshape(rows, cols)
    pess = selection == "pessimistic"
    pick = _lex_select(B, W, M, "min" if pess else "max", "min" if pess else "max")
    notes: list[str] = []
    valid = pick >= 0
    mixed_rows: dict[int, tuple[Fraction, Fraction, Strategies]] = {}
    if not valid.all():
        bad_rows = np.nonzero(~valid)[0]
        if mixed and len(outsiders) == 2:
            for r in bad_rows:
                got = _mixed_outsider_outcome(game, members, outsiders, np.unravel_index(int(r), shp_s), pess)
                if got is not None:
                    mixed_rows[int(r)] = got
            notes.append(f"{len(bad_rows)} of {rows} member joint actions leave the two outsiders a game without a "
                         "pure equilibrium; their exact mixed equilibria (extreme points) were used there")
        else:
            a_s = np.unravel_index(int(bad_rows[0]), shp_s)
            labels = [game.actions[m][int(a)] for m, a in zip(members, a_s)]
            why = ("mixed continuations are computed for two outsiders only" if mixed
                   else "mixed continuations are disabled")
            notes.append(
                f"{len(bad_rows)} of {rows} member joint actions leave the outsiders a game without a pure "
                f"equilibrium (first: members {list(members)} playing {labels}); those commitments were excluded "
                f"({why})")
    complete = bool(valid.all()) or len(mixed_rows) == int((~valid).sum())
    if not valid.any() and not mixed_rows:
        return [], notes, False
    den = game.denominator
    cands: list[tuple[Fraction, Fraction, int, Any]] = []  # (bloc, welfare, 0 pure / 1 mixed, outcome)
    for r in np.nonzero(valid)[0]:
        c = int(pick[r])
        a_s = np.unravel_index(int(r), shp_s)
        a_o = np.unravel_index(c, shp_o) if outsiders else ()
        prof = [0] * n
        for m, a in zip(members, a_s):
            prof[m] = int(a)
        for o, a in zip(outsiders, a_o):
            prof[o] = int(a)
        cands.append((Fraction(int(B[r, c]), den), Fraction(int(W[r, c]), den), 0, tuple(prof)))
    for r in sorted(mixed_rows):
        bv, wv, strat = mixed_rows[r]
        cands.append((bv, wv, 1, strat))
    # The bloc maximizes its value; ties by welfare per selection, then pure before mixed,
    # then the smallest profile (pure) or member commitment (mixed, already in row order).
    best_b = max(c[0] for c in cands)
    tied = [c for c in cands if c[0] == best_b]
    best_w = (min if pess else max)(c[1] for c in tied)
    tied = [c for c in tied if c[1] == best_w]
    pure = sorted(c[3] for c in tied if c[2] == 0)
    mixed_out = [c[3] for c in tied if c[2] == 1]
    return pure + mixed_out, notes, complete


def _nash(game: NormalFormGame, members: tuple[int, ...], br: np.ndarray, selection: str
          ) -> tuple[list[Profile], list[str], bool]:
    """Equilibria of the bloc-versus-outsiders game, the selected ones (tied) first."""
    n = game.n_players
    outsiders = tuple(i for i in range(n) if i not in members)
    bloc, wel = _bloc_and_welfare(game, members)
    bloc_br = bloc == bloc.max(axis=tuple(members), keepdims=True)
    mask = bloc_br & (br[..., list(outsiders)].all(axis=-1) if outsiders else True)
    notes: list[str] = []
    if not mask.any():
        notes.append("the game between the bloc and the outsiders has no pure equilibrium")
        return [], notes, False
    pess = selection == "pessimistic"
    pick = _lex_select(bloc.reshape(1, -1), wel.reshape(1, -1), mask.reshape(1, -1),
                       "min" if pess else "max", "min" if pess else "max")
    keep = mask.reshape(-1).copy()
    b0, w0 = bloc.reshape(-1)[pick[0]], wel.reshape(-1)[pick[0]]
    keep &= (bloc.reshape(-1) == b0) & (wel.reshape(-1) == w0)
    profiles = [tuple(int(v) for v in np.unravel_index(int(k), game.shape)) for k in np.nonzero(keep)[0]]
    return sorted(profiles), notes, True


def no_contract_outcome(game: NormalFormGame, selection: str = "pessimistic", *, mixed: bool = True) -> Outcome:
    """The default (no-contract) equilibrium used as the disagreement point (A10).

    Among the pure Nash equilibria, the one with the lowest (``"pessimistic"``) or highest
    (``"optimistic"``) social welfare; ties to the smallest profile.  A two-player game
    without a pure equilibrium uses its exact extreme mixed equilibria (welfare is bilinear,
    so the extremes over the equilibrium set are attained there) when ``mixed``; otherwise
    ``profile`` and ``payoffs`` are ``None`` with a note.

    >>> from contract_theory.games.library import matching_pennies
    >>> o = no_contract_outcome(matching_pennies())
    >>> o.profile, o.strategies[0], o.payoffs
    (None, (Fraction(1, 2), Fraction(1, 2)), (Fraction(0, 1), Fraction(0, 1)))

    >>> from contract_theory.games.library import stag_hunt
    >>> no_contract_outcome(stag_hunt()).profile, no_contract_outcome(stag_hunt(), "optimistic").profile
    ((1, 1), (0, 0))
    """
    _check_choice(selection, SELECTIONS, "selection")
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
    pick = _lex_select(flat_w, flat_w, mask.reshape(1, -1), how, how)
    k = int(pick[0])
    prof = tuple(int(v) for v in np.unravel_index(k, game.shape))
    ties_mask = mask & (wel == wel.reshape(-1)[k])
    ties = tuple(tuple(int(v) for v in row) for row in np.argwhere(ties_mask))
    pay = game.payoff(prof)
    return Outcome(prof, pay, Fraction(sum(pay)), ties)


def coalition_outcome(
    game: NormalFormGame, coalition: Iterable[int | str], *, timing: str = "stackelberg",
    selection: str = "pessimistic", sharing: str = "equal", baseline: Outcome | None = None,
    mixed: bool = True, _br: np.ndarray | None = None,
) -> CoalitionOutcome:
    """The outcome a coalition reaches with a rich contract (MODEL.md section 4).

    Parameters are described in the module docstring.  ``baseline`` is the no-contract
    outcome (computed with the same ``selection`` when omitted).  ``mixed``: under
    Stackelberg timing, a commitment that leaves *two* outsiders without a pure equilibrium
    is evaluated at their exact mixed equilibria (then ``profile`` is ``None`` and
    ``strategies`` holds the outcome); with ``mixed=False``, or more outsiders, such
    commitments are excluded and ``complete`` is ``False``.  Complexity O(n * prod(m_i))
    vectorized operations, plus one two-player vertex enumeration per such commitment.

    >>> from contract_theory.games.library import public_goods
    >>> g = public_goods(4, "8/5", 20)          # a member of k contributes iff 8k/20 > 1
    >>> coalition_outcome(g, [0, 1]).profile, coalition_outcome(g, [0, 1, 2]).profile
    ((0, 0, 0, 0), (1, 1, 1, 0))
    >>> coalition_outcome(g, [0, 1, 2]).welfare
    Fraction(116, 1)
    """
    _check_choice(timing, TIMINGS, "timing")
    _check_choice(selection, SELECTIONS, "selection")
    _check_choice(sharing, SHARINGS, "sharing")
    members = check_coalition(game, coalition)
    br = best_response_masks(game.table) if _br is None else _br
    if baseline is None:
        baseline = no_contract_outcome(game, selection, mixed=mixed)
    if timing == "stackelberg":
        profiles, notes, complete = _stackelberg(game, members, br, selection, mixed)
    else:
        profiles, notes, complete = _nash(game, members, br, selection)
    if not profiles:
        return CoalitionOutcome(members, timing, selection, sharing, None, None, None, None, None, None, None,
                                (), False, tuple(notes))
    return _finish(game, members, timing, selection, sharing, profiles[0], tuple(profiles), baseline, notes,
                   complete)


@dataclass(frozen=True)
class Shared:
    """The bloc total divided by a sharing rule, with acceptance and gains (MODEL.md section 4)."""

    payoffs: tuple[Fraction, ...]
    bloc_value: Fraction
    welfare: Fraction
    members_accept: bool | None
    gains: tuple[Fraction, Fraction, Fraction] | None


def share(raw: Sequence[Fraction], members: Sequence[int], sharing: str,
          baseline: Sequence[Fraction] | None) -> Shared:
    """Divide the bloc total U_S = sum_{i in S} raw_i by ``sharing`` and compare with ``baseline``.

    ``"equal"``: each member gets U_S/|S|; ``"lump_sum"``: each member gets its baseline
    payoff plus an equal share of the surplus, and members accept iff U_S covers their
    baseline total; ``"none"``: members keep raw_i.  Acceptance (each member at least its
    baseline payoff) and gains (members' total, outsiders' total, social) are ``None``
    when ``baseline`` is.  Used for normal-form and Markov outcomes alike.

    >>> share([0, 5], [0, 1], "none", [1, 1]).members_accept
    False
    >>> share([0, 5], [0, 1], "lump_sum", [1, 1]).payoffs
    (Fraction(5, 2), Fraction(5, 2))
    """
    raw = [Fraction(v) for v in raw]
    bloc = sum((raw[i] for i in members), Fraction(0))
    wel = sum(raw, Fraction(0))
    pay = list(raw)
    if sharing == "equal":
        for i in members:
            pay[i] = bloc / len(members)
    elif sharing == "lump_sum" and baseline is not None:
        surplus = bloc - sum(baseline[i] for i in members)
        for i in members:
            pay[i] = baseline[i] + surplus / len(members)
    if baseline is None:
        return Shared(tuple(pay), bloc, wel, None, None)
    if sharing == "lump_sum":
        accept = bloc >= sum(baseline[i] for i in members)
    else:
        accept = all(pay[i] >= baseline[i] for i in members)
    outs = [i for i in range(len(raw)) if i not in members]
    gains = (sum((pay[i] - baseline[i] for i in members), Fraction(0)),
             sum((pay[i] - baseline[i] for i in outs), Fraction(0)),
             wel - sum(baseline, Fraction(0)))
    return Shared(tuple(pay), bloc, wel, accept, gains)


def _is_mixed(outcome: Any) -> bool:
    return bool(outcome) and isinstance(outcome[0], tuple)


def _finish(game: NormalFormGame, members: tuple[int, ...], timing: str, selection: str, sharing: str,
            prof: Any, ties: tuple[Any, ...], baseline: Outcome, notes: list[str],
            complete: bool) -> CoalitionOutcome:
    """Payoffs, sharing, acceptance and gains of a pure profile or a mixed one (per-player tuples)."""
    mixed = _is_mixed(prof)
    raw = game.expected_payoffs(prof) if mixed else game.payoff(prof)
    sh = share(raw, members, sharing, baseline.payoffs)
    if baseline.payoffs is None:
        notes = notes + ["no no-contract equilibrium: acceptance and gains are undefined"]
    return CoalitionOutcome(members, timing, selection, sharing, None if mixed else prof, tuple(raw), sh.payoffs,
                            sh.bloc_value, sh.welfare, sh.members_accept, sh.gains,
                            tuple(t for t in ties if not _is_mixed(t)), complete, tuple(notes),
                            strategies=prof if mixed else None)


# ---------------------------------------------------------------------------- symmetry
def is_symmetric(game: NormalFormGame) -> bool:
    """Whether payoffs are invariant under every permutation of the players.

    u_{sigma(i)}(a o sigma^{-1}) = u_i(a) for all sigma; checked on the two generators of
    the symmetric group (a transposition and an n-cycle), O(n * prod(m_i)).  Labels are
    ignored; all players must have the same number of actions.

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


def _transport(profile: Profile, canon_members: Sequence[int], members: Sequence[int], n: int) -> Profile:
    """Map a profile of the canonical coalition {0..k-1} to coalition ``members``.

    Order-preserving bijection: the j-th canonical member plays as the j-th member, the
    j-th canonical outsider as the j-th outsider.
    """
    canon_out = [i for i in range(n) if i not in canon_members]
    outs = [i for i in range(n) if i not in members]
    new = [0] * n
    for c, m in zip(canon_members, members):
        new[m] = profile[c]
    for c, o in zip(canon_out, outs):
        new[o] = profile[c]
    return tuple(new)


def all_coalition_outcomes(
    game: NormalFormGame, max_size: int, *, min_size: int = 2, timing: str = "stackelberg",
    selection: str = "pessimistic", sharing: str = "equal", baseline: Outcome | None = None,
    use_symmetry: bool = True, max_coalitions: int = 200_000, mixed: bool = True,
) -> dict[tuple[int, ...], CoalitionOutcome]:
    """:func:`coalition_outcome` for every coalition with ``min_size <= |S| <= max_size``.

    In a symmetric game (and with ``use_symmetry``) the canonical coalition {0..k-1} is
    solved once per size and its outcome transported to every other coalition of that size
    by the order-preserving permutation; W(S), U_S and the multisets of members' and
    outsiders' payoffs are the same as a direct solve (tested), the representative profile
    may differ among outcomes tied on (U_S, W).  More than ``max_coalitions`` coalitions
    raises :class:`~contract_theory.errors.SizeLimitError`.
    """
    n = game.n_players
    check_coalition_sizes(n, min_size, max_size, max_coalitions)
    if baseline is None:
        baseline = no_contract_outcome(game, selection, mixed=mixed)
    br = best_response_masks(game.table)
    out: dict[tuple[int, ...], CoalitionOutcome] = {}
    sym = use_symmetry and is_symmetric(game)
    for k in range(min_size, max_size + 1):
        if sym:
            canon = tuple(range(k))
            base = coalition_outcome(game, canon, timing=timing, selection=selection, sharing=sharing,
                                     baseline=baseline, mixed=mixed, _br=br)
            outcome = base.profile if base.strategies is None else base.strategies
            for S in itertools.combinations(range(n), k):
                if S == canon or outcome is None:
                    out[S] = base if S == canon else CoalitionOutcome(
                        S, timing, selection, sharing, None, None, None, None, None, None, None, (),
                        base.complete, base.notes)
                    continue
                prof = _transport(outcome, canon, S, n)
                ties = tuple(sorted(_transport(p, canon, S, n) for p in base.ties))
                out[S] = _finish(game, S, timing, selection, sharing, prof, ties, baseline,
                                 list(base.notes) + ["symmetric game: outcome transported from coalition "
                                                     f"{list(canon)}"], base.complete)
        else:
            for S in itertools.combinations(range(n), k):
                out[S] = coalition_outcome(game, S, timing=timing, selection=selection, sharing=sharing,
                                           baseline=baseline, mixed=mixed, _br=br)
    return out
