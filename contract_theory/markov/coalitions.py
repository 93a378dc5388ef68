r"""What a K-coalition achieves in a Markov game (``docs/background/model.md#4-partial-contracts``, Markov part).

The Markov adapter (:class:`MarkovBloc`) of the coalition study of
:mod:`contract_theory.contracting.coalitions.bloc`, which serves normal-form games too: the same parameters
(``timing``, ``selection``, ``sharing``), the same tie rule and the same outcome classes
(subclassed only to carry the values V_i(s)).

**The bloc game.**  A coalition S (2 <= |S|) signs a rich state-dependent contract (fine a
deviating member, pay the others: :func:`contract_theory.markov.contracts.deviation_penalty`),
so it acts as one player -- the *bloc* -- choosing its members' joint action in every state
and maximizing its members' total reward.  :func:`bloc_game` builds that Markov game: players
``[bloc] + outsiders`` (outsiders in index order), the bloc's actions are the members' joint
actions (labels joined by ``|``, lexicographic, lowest member most significant), its reward is
sum_{i in S} R_i(s, a), outsiders' rewards and the transitions are unchanged.  Values are
compared at the initial distribution: the bloc's value of a joint policy pi is
U_S(pi) = sum_{i in S} sum_s rho0(s) V_i^pi(s), the welfare W(pi) = sum_i sum_s rho0(s) V_i^pi(s).

``timing``
    ``"stackelberg"`` (default): the bloc commits (at the start of the episode, observed by
    everyone) to a deterministic stationary policy pi_B; the outsiders then play a stationary
    pure MPE among themselves given pi_B.  The bloc picks
    argmax_{pi_B} sel_{pi_O in MPE_O(pi_B)} U_S.  ``"nash"``: the bloc and the outsiders are
    players of one Markov game; outcomes are the stationary pure MPE of the bloc game (the bloc
    has no profitable one-shot deviation to another joint action of its members).
``selection``
    ``"pessimistic"`` (default): among the outsiders' MPE (Stackelberg) or the bloc game's MPE
    (Nash) the worst for the bloc; ``"optimistic"``: the best.
``sharing``
    ``"equal"``, ``"lump_sum"``, ``"none"`` exactly as :mod:`contract_theory.contracting.coalitions.normal_form`, applied to
    the rho0-weighted values (a member's "payoff" is sum_s rho0(s) V_i(s)).

**Tie rule** (the one of :mod:`contract_theory.contracting.coalitions.normal_form`).  Outcomes are ranked
lexicographically by (1) U_S; (2) W, lowest first under pessimistic selection, highest first
under optimistic selection; (3) the smallest policy of the original game, comparing the tuple
``((pi_0(s_0), pi_0(s_1), ...), (pi_1(s_0), ...), ...)`` of action indices (player-major, then
state).  The same rule picks the outsiders' MPE for each bloc policy under Stackelberg.  Every
outcome tied on (1)-(2) is kept in ``ties``.

**How it is computed.**  Rather than one :func:`~contract_theory.markov.mpe.mpe_solve` call per
bloc policy, one enumeration of the bloc game's joint policies covers them all, with the machinery
of ``mpe_solve`` (float screening, exact re-check) but only the *outsiders'* one-shot deviations
tested (Stackelberg): the policies that pass are exactly the pairs (pi_B, pi_O) with pi_O an MPE of
the outsiders given pi_B (the tests cross-check with ``mpe_solve(game, players=outsiders,
fixed=members' policies)`` on the original game).  Under Nash timing every player of the bloc game
is tested.  Float values only order the candidates; each candidate that can win or tie is
re-checked and re-evaluated exactly, so the outcome is exact (see ``_Scan``).

Only pure stationary continuations are used: bloc policies after which the outsiders have no
pure stationary MPE are excluded, listed in ``notes``, and the outcome says ``complete=False``.

**No contract** (:func:`_markov_no_contract_outcome`): the stationary pure MPE of the game with
the lowest (pessimistic) or highest (optimistic) welfare, ties to the smallest policy (A10).

**Size limit.**  Each coalition enumerates prod_i m_i^|S_states| joint policies of the bloc game
(the same count for both timings: bloc policies x outsiders' policies); beyond ``max_policies``
:class:`~contract_theory.errors.SizeLimitError` is raised with the count and the limit.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

import numpy as np

from contract_theory.contracting.coalitions.bloc import (
    Candidate,
    CoalitionOutcome,
    Continuations,
    Outcome,
    PlayerBloc,
    check_coalition,
)
from contract_theory.contracting.coalitions.rules import SELECTIONS, Selection, check_choice
from contract_theory.errors import SizeLimitError
from contract_theory.games.markov import MarkovGame
from contract_theory.markov.mixed_mpe import mixed_mpe_solve, select_mixed
from contract_theory.markov.mpe import DEFAULT_MAX_POLICIES, POLICY_CHUNK, ReducedGame, mpe_solve
from contract_theory.markov.policy import is_deterministic
from contract_theory.markov.values import evaluate, team_optimum

__all__ = ["MarkovOutcome", "MarkovCoalitionOutcome", "MarkovBloc", "bloc_game", "expand_bloc_policy",
           "markov_check_coalition", "is_symmetric_markov", "policy_payoffs", "team_optimal_policies",
           "MAX_LISTED_OPTIMA"]

Policy = tuple[tuple[int, ...], ...]
#: Largest number of team-optimal policies listed in ``optimum_profiles``.
MAX_LISTED_OPTIMA = 256
#: Most bloc commitments without a pure outsiders' MPE for which mixed continuations are solved.
MAX_MIXED_COMMITMENTS = 16


@dataclass(frozen=True)
class MarkovOutcome(Outcome):
    """The no-contract outcome: :class:`~contract_theory.contracting.coalitions.bloc.Outcome` with ``profile`` a policy.

    ``payoffs[i]`` = sum_s rho0(s) V_i(s); ``values[i][s]`` = V_i(s).
    """

    values: tuple[tuple[Fraction, ...], ...] | None = None

    @property
    def policy(self) -> Policy | None:
        """``profile``: the deterministic stationary policy."""
        return cast("Policy | None", self.profile)


@dataclass(frozen=True)
class MarkovCoalitionOutcome(CoalitionOutcome):
    """:class:`~contract_theory.contracting.coalitions.bloc.CoalitionOutcome` of a Markov game.

    ``profile`` (alias ``policy``) is a deterministic stationary policy of the original game,
    ``policy[i][s]`` an action index; ``raw_payoffs[i]`` = sum_s rho0(s) V_i(s);
    ``values[i][s]`` = V_i(s) exactly; the other fields mean what they mean for normal-form games.
    """

    values: tuple[tuple[Fraction, ...], ...] | None = None

    @property
    def policy(self) -> Policy | None:
        """``profile``: the deterministic stationary policy, ``policy[i][s]`` an action index."""
        return cast("Policy | None", self.profile)


def markov_check_coalition(game: MarkovGame, coalition: Iterable[int | str]) -> tuple[int, ...]:
    """Sorted member indices; at least two distinct members (|S| = 1 is no contract).

    Examples
    --------
    >>> from contract_theory.games.markov_library import commons_markov
    >>> markov_check_coalition(commons_markov(3), ["P2", 0])
    (0, 2)
    """
    return check_coalition(game, coalition)


def bloc_game(game: MarkovGame, coalition: Iterable[int | str]) -> MarkovGame:
    """The Markov game between the bloc S and the outsiders (see the module docstring).

    Player 0 is the bloc (named ``"P0+P1"`` from its members' names), then the outsiders in
    index order.  O(|S| J (|S| + n)) exact operations (numpy transposes and reshapes).

    Examples
    --------
    >>> from contract_theory.games.markov_library import commons_markov
    >>> b = bloc_game(commons_markov(3), [0, 2])
    >>> b.players, b.actions[0], b.reward("Full", ("Restrain|Greedy", "Greedy"))
    (('P0+P2', 'P1'), ('Restrain|Restrain', 'Restrain|Greedy', 'Greedy|Restrain', 'Greedy|Greedy'), (Fraction(3, 1), Fraction(2, 1)))
    """
    members = markov_check_coalition(game, coalition)
    n, S = game.n_players, game.n_states
    outs = [i for i in range(n) if i not in members]
    order = list(members) + outs
    axes = [0] + [1 + i for i in order] + [n + 1]
    M = math.prod(game.shape[i] for i in members)
    oshape = tuple(game.shape[i] for i in outs)
    P = np.transpose(game.transitions, axes).reshape((S, M) + oshape + (S,))
    R = np.transpose(game.rewards, axes).reshape((S, M) + oshape + (n,))
    bloc_r = R[..., list(members)].sum(axis=-1)[..., None]
    Rb = np.concatenate([bloc_r, R[..., outs]], axis=-1) if outs else bloc_r
    labels = ["|".join(game.actions[m][a] for m, a in zip(members, joint))
              for joint in itertools.product(*(range(game.shape[m]) for m in members))]
    name = "+".join(game.players[m] for m in members)
    return MarkovGame([name] + [game.players[o] for o in outs], game.states,
                      [labels] + [game.actions[o] for o in outs], P, Rb, game.discount, cast(Any, game.initial),
                      title=f"{game.title} (bloc {name})".strip())


def expand_bloc_policy(game: MarkovGame, members: Sequence[int], bloc_policy: Any) -> Policy:
    """The original game's policy from a bloc-game policy ``(bloc, outsider...)`` (deterministic).

    Examples
    --------
    >>> from contract_theory.games.markov_library import commons_markov
    >>> expand_bloc_policy(commons_markov(3), (0, 2), ((1, 2), (0, 1)))
    ((0, 1), (0, 1), (1, 0))
    """
    n = game.n_players
    outs = [i for i in range(n) if i not in members]
    mshape = tuple(game.shape[m] for m in members)
    parts: dict[int, tuple[int, ...]] = {}
    digits = np.array(bloc_policy[0], dtype=np.int64)
    unr = np.unravel_index(digits, mshape)
    for t, m in enumerate(members):
        parts[m] = tuple(int(x) for x in unr[t])
    for t, o in enumerate(outs):
        parts[o] = tuple(int(x) for x in bloc_policy[1 + t])
    return tuple(parts[i] for i in range(n))


def policy_payoffs(game: MarkovGame, policy: Any) -> tuple[np.ndarray, tuple[Fraction, ...]]:
    """Exact values ``V[i][s]`` and the rho0-weighted "payoffs" sum_s rho0(s) V_i(s) of a policy.

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> policy_payoffs(repeated_prisoners_dilemma(discount="1/2"), [["C"], ["D"]])[1]
    (Fraction(0, 1), Fraction(10, 1))
    """
    V = evaluate(game, policy)
    pay = tuple(_exact(sum((V[i] * game.initial).tolist(), Fraction(0))) for i in range(game.n_players))
    return V, pay


def _exact(x: Any) -> Fraction:
    """A Fraction with Python-int parts (library arrays may hold Fractions of numpy ints)."""
    f = Fraction(x)
    return Fraction(int(f.numerator), int(f.denominator))


def _values_tuple(V: np.ndarray) -> tuple[tuple[Fraction, ...], ...]:
    return tuple(tuple(_exact(x) for x in row) for row in V)


def team_optimal_policies(game: MarkovGame, limit: int = MAX_LISTED_OPTIMA) -> tuple[tuple[Policy, ...], bool]:
    """Every deterministic stationary policy attaining V*(s) in every state (sorted), and whether all are listed.

    They are the product over states of the optimal joint actions (:class:`TeamOptimum`); when
    that product exceeds ``limit`` only the policy found by policy iteration is returned.

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> team_optimal_policies(repeated_prisoners_dilemma())
    ((((0,), (0,)),), True)
    """
    opt = team_optimum(game)
    count = math.prod(len(a) for a in opt.optimal_joint_actions)
    if count > limit:
        return (opt.policy,), False
    out = []
    for choice in itertools.product(*opt.optimal_joint_actions):
        out.append(tuple(tuple(choice[s][i] for s in range(game.n_states)) for i in range(game.n_players)))
    return tuple(sorted(out)), True


def _markov_no_contract_outcome(game: MarkovGame, selection: Selection = "pessimistic", *,
                               max_policies: int = DEFAULT_MAX_POLICIES) -> MarkovOutcome:
    """The default (no-contract) stationary pure MPE (A10): lowest/highest welfare, then smallest policy.

    Without a stationary pure MPE the outcome is the exact stationary *mixed* MPE of lowest (highest)
    welfare (:func:`contract_theory.markov.mixed_mpe.select_mixed`; ``profile`` a mixed policy, a
    note says so); ``profile`` is ``None`` with a note when no rational mixed MPE is found exactly
    (irrational ones only, or a game beyond the exact limits).  Complexity: one
    :func:`~contract_theory.markov.mpe.mpe_solve` (prod_i m_i^|S| policies, ``max_policies``).

    Examples
    --------
    >>> from contract_theory.games.markov_library import commons_markov
    >>> o = _markov_no_contract_outcome(commons_markov(3))
    >>> o.profile, o.welfare
    (((1, 1), (1, 1), (1, 1)), Fraction(39, 2))
    """
    check_choice(selection, SELECTIONS, "selection")
    eqs = mpe_solve(game, max_policies=max_policies)
    if not eqs:
        return _mixed_no_contract(game, selection)
    target = (min if selection == "pessimistic" else max)(e.welfare for e in eqs)
    tied = sorted(e.policy for e in eqs if e.welfare == target)
    pol = tied[0]
    V, pay = policy_payoffs(game, pol)
    return MarkovOutcome(pol, pay, Fraction(sum(pay)), tuple(tied), (), values=_values_tuple(V))


def _mixed_no_contract(game: MarkovGame, selection: Selection) -> MarkovOutcome:
    """The no-contract outcome of a game without stationary pure MPE: its selected exact mixed MPE."""
    r = mixed_mpe_solve(game)
    pick = select_mixed(r, selection) if r.exact else None
    if pick is None:
        why = ("only irrational stationary mixed MPE (no exact rational payoffs to compare)" if r.algebraic
               else "no exact stationary mixed MPE within the solver's limits")
        return MarkovOutcome(None, None, None, (), (f"the game has no stationary pure MPE and {why}; no-contract "
                                                    "values are undefined",))
    V, pay = policy_payoffs(game, pick.policy)
    note = (f"the game has no stationary pure MPE: the no-contract outcome is its {selection} stationary mixed MPE "
            f"({r.method}, {'complete list' if r.complete else 'list possibly incomplete'})")
    return MarkovOutcome(pick.policy, pay, Fraction(sum(pay)), (pick.policy,), (note,), values=_values_tuple(V))


def _mixed_outsiders(game: MarkovGame, members: tuple[int, ...], bloc_id: int, inner: str) -> Candidate | None:
    """The outsiders' selected exact mixed MPE after the bloc commits to its policy number ``bloc_id``."""
    S = game.n_states
    m0 = math.prod(game.shape[i] for i in members)
    joint = [(bloc_id // m0 ** (S - 1 - s)) % m0 for s in range(S)]
    unr = np.unravel_index(np.array(joint, dtype=np.int64), tuple(game.shape[i] for i in members))
    fixed: dict[int | str, Any] = {m: [int(x) for x in unr[t]] for t, m in enumerate(members)}
    try:
        r = mixed_mpe_solve(game, fixed=fixed, method="exact")
    except SizeLimitError:
        return None
    best: Candidate | None = None
    for e in r.equilibria:
        _V, pay = policy_payoffs(game, e.policy)
        c = Candidate(sum((pay[i] for i in members), Fraction(0)), Fraction(sum(pay)), e.policy, mixed=True)
        key = (c.bloc, c.welfare) if inner == "min" else (-c.bloc, -c.welfare)
        if best is None or key < ((best.bloc, best.welfare) if inner == "min" else (-best.bloc, -best.welfare)):
            best = c
    return best


# ------------------------------------------------------------------------------------ kernels
class _Scan:
    """All joint policies of the bloc game, float-screened, with lazy exact verification.

    Built on :class:`contract_theory.markov.mpe.ReducedGame` (the enumeration machinery of
    :func:`~contract_theory.markov.mpe.mpe_solve`) with every player enumerated but only
    ``checked`` players' one-shot deviations tested: ``checked`` = outsiders gives the pairs
    (pi_B, pi_O) with pi_O an MPE of the outsiders given pi_B (Stackelberg), ``checked`` = everyone
    the MPE of the bloc game (Nash).  Rewards are first divided exactly by max|R| (the MPE
    conditions and the ranking are scale-invariant, and no value can overflow a float); the float
    screen is mpe_solve's (largest one-shot gain <= tol = 1e-9 (1 + max|R|)/(1 - gamma)^2, here
    2e-9/(1 - gamma)^2, far above the float error of the solve, so no exact MPE is dropped).  Every
    candidate that can influence the result is re-checked and re-evaluated exactly (:meth:`exact`);
    float values only *order* and *prune* candidates with the same margin tol, so the reported
    outcome is exact.
    """

    def __init__(self, game: MarkovGame, members: tuple[int, ...], bloc: MarkovGame, checked: list[int]) -> None:
        red = ReducedGame(bloc, list(range(bloc.n_players)), {}, checked=checked)
        self.game, self.members, self.bloc, self.red = game, members, bloc, red
        self.trivial = not checked           # nobody checked: every policy qualifies exactly
        S, J = red.S, red.J
        rmax = max((abs(x) for x in red.R.reshape(-1)), default=Fraction(0))
        self.scale = Fraction(rmax) if rmax else Fraction(1)
        Pf, Rf = red.P.astype(float), (red.R / self.scale).astype(float)
        self.tol = 2e-9 / (1.0 - float(bloc.discount)) ** 2
        rho = bloc.initial.astype(float)
        count = J ** S
        powers = np.array([J ** (S - 1 - s) for s in range(S)], dtype=np.int64)
        st = np.arange(S)
        digs, us, ws = [], [], []
        for start in range(0, count, POLICY_CHUNK):
            ks = np.arange(start, min(count, start + POLICY_CHUNK), dtype=np.int64)
            digits = (ks[:, None] // powers[None, :]) % J
            digits = digits[red.float_candidates(digits, Pf, Rf, self.tol)]
            if not len(digits):
                continue
            A = np.eye(S)[None] - float(bloc.discount) * Pf[st[None, :], digits]
            V = np.linalg.solve(A, Rf[st[None, :], digits])                   # (K, S, n_bloc)
            digs.append(digits)
            us.append(V[:, :, 0] @ rho)
            ws.append(V.sum(axis=-1) @ rho)
        self.digits = np.concatenate(digs) if digs else np.zeros((0, S), dtype=np.int64)
        self.u = np.concatenate(us) if us else np.zeros(0)
        self.w = np.concatenate(ws) if ws else np.zeros(0)
        m0 = red.all_shape[0]
        self.bloc_id = ((self.digits // red.all_strides[0]) % m0) @ \
            np.array([m0 ** (S - 1 - s) for s in range(S)], dtype=np.int64)
        self.n_bloc_policies = m0 ** S
        self._cache: dict[int, tuple[Fraction, Fraction, Policy] | None] = {}

    def exact(self, c: int) -> tuple[Fraction, Fraction, Policy] | None:
        """Exact (U_S, W, original policy) of candidate ``c`` if it passes the exact check, else None."""
        if c in self._cache:
            return self._cache[c]
        d = self.digits[c]
        red = self.red
        V = red.exact_values(d) if self.trivial else red.exact_check(d)
        out = None
        if V is not None:
            rho = self.bloc.initial
            u = _exact(sum((V[s, 0] * rho[s] for s in range(red.S)), Fraction(0)))
            w = _exact(sum((V[s, :].sum() * rho[s] for s in range(red.S)), Fraction(0)))
            parts = tuple(tuple(int(x) for x in (d // red.all_strides[p]) % red.all_shape[p])
                          for p in range(self.bloc.n_players))
            out = (u, w, expand_bloc_policy(self.game, self.members, parts))
        self._cache[c] = out
        return out

    def select(self, group: np.ndarray, how: str) -> list[tuple[Fraction, Fraction, Policy]]:
        """The exact outcomes of ``group`` ranked first by (U_S how, W how, smallest policy), all tied
        on (U_S, W); empty when no candidate of the group is an exact MPE.

        Candidates are visited in float order of U_S; after the first exact one (value u0) only those
        with float U_S within tol of u0 on the winning side can still win or tie.
        """
        order = group[np.argsort(self.u[group] if how == "min" else -self.u[group], kind="stable")]
        first = next(((pos, x) for pos, x in ((p, self.exact(int(c))) for p, c in enumerate(order))
                      if x is not None), None)
        if first is None:
            return []
        u0 = first[1][0] / self.scale
        lim = float(u0) + self.tol if how == "min" else float(u0) - self.tol
        near = [int(c) for c in order[first[0]:] if (self.u[c] <= lim if how == "min" else self.u[c] >= lim)]
        found = [x for x in (self.exact(c) for c in near) if x is not None]
        bu = (min if how == "min" else max)(x[0] for x in found)
        at = [x for x in found if x[0] == bu]
        bw = (min if how == "min" else max)(x[1] for x in at)
        return sorted((x for x in at if x[1] == bw), key=lambda x: x[2])


class MarkovBloc(PlayerBloc):
    """The Markov game as a :class:`~contract_theory.contracting.coalitions.bloc.BlocGame` (module docstring).

    Outcomes are deterministic stationary policies of the original game, a player's payoff its
    rho0-weighted value, W* the team optimum.  Continuations come from one enumeration of the
    bloc game's joint policies (:class:`_Scan`); :meth:`outsiders_equilibria` is the one place that
    says which equilibria the outsiders may play after a commitment: stationary pure MPE, and, for
    the (at most :data:`MAX_MIXED_COMMITMENTS`) bloc policies after which the outsiders have none,
    their selected exact stationary mixed MPE (:func:`contract_theory.markov.mixed_mpe.mixed_mpe_solve`).

    In the three-agent cleanup game a committed pair that never cleans leaves the outsider to
    clean the dirty river (its best response): members earn V(Clean) = 1 + (9/10) V(Dirty),
    V(Dirty) = (9/20)(V(Clean) + V(Dirty)), i.e. 110/29 each, the outsider 65/29; welfare
    285/29 < W* = 35/2 (one agent cleans forever).  Coalitions are solved by the one engine,
    :func:`contract_theory.contracting.coalitions.bloc.solve_coalition` (or ``contract_theory.coalition_outcome``):

    Examples
    --------
    >>> from contract_theory.contracting.coalitions.bloc import solve_coalition
    >>> from contract_theory.games.markov_library import cleanup_markov
    >>> MarkovBloc(cleanup_markov(3)).outsiders_equilibria((0, 1), "pessimistic").complete
    True
    >>> o = solve_coalition(MarkovBloc(cleanup_markov(3)), [0, 1])
    >>> o.policy, o.bloc_value, o.welfare
    (((0, 0), (0, 0), (0, 1)), Fraction(220, 29), Fraction(285, 29))
    """

    outcome_type = MarkovCoalitionOutcome
    missing_baseline_note = "no stationary pure no-contract MPE: acceptance and gains are undefined"
    continuation_kind = "stationary pure MPE"

    def __init__(self, game: MarkovGame, *, max_policies: int = DEFAULT_MAX_POLICIES) -> None:
        self.game = game
        self.max_policies = max_policies

    def no_contract(self, selection: Selection) -> Outcome:
        """:func:`_markov_no_contract_outcome` under ``selection``."""
        return _markov_no_contract_outcome(self.game, selection, max_policies=self.max_policies)

    def optimum(self) -> tuple[Fraction, tuple[Any, ...], tuple[str, ...]]:
        """The team optimum W* from rho0 and the team-optimal policies (:func:`team_optimal_policies`)."""
        policies, all_listed = team_optimal_policies(self.game)
        notes = () if all_listed else ("many team-optimal policies: optimum_profiles lists only the one found by "
                                       "policy iteration",)
        return team_optimum(self.game).welfare, tuple(policies), notes

    def is_symmetric(self) -> bool:
        """:func:`is_symmetric_markov`."""
        return is_symmetric_markov(self.game)

    def check_size(self, members: tuple[int, ...]) -> None:
        """:class:`~contract_theory.errors.SizeLimitError` when the bloc game has more than ``max_policies`` policies."""
        n_pol = math.prod(m ** self.game.n_states for m in self.game.shape)
        if n_pol > self.max_policies:
            raise SizeLimitError(f"coalition {list(members)}: the bloc game has {n_pol} deterministic stationary "
                                 f"joint policies (bloc policies x outsiders' policies), above the limit "
                                 f"max_policies={self.max_policies}")

    def payoffs_of(self, outcome: Any) -> tuple[tuple[Fraction, ...], dict[str, Any]]:
        """The rho0-weighted values of a policy, and its values V_i(s)."""
        V, raw = policy_payoffs(self.game, outcome)
        return raw, {"profile": outcome, "values": _values_tuple(V)}

    def is_mixed(self, outcome: Any) -> bool:
        """Whether ``outcome`` is a mixed policy (an outsiders' mixed continuation)."""
        return not is_deterministic(outcome)

    def outsiders_equilibria(self, members: tuple[int, ...], selection: Selection) -> Continuations:
        """Per bloc policy pi_B, the outsiders' stationary pure MPE selected by (U_S, W) under ``selection``.

        Bloc policies leaving the outsiders no stationary pure MPE are excluded (a note and
        ``complete=False``).  Without outsiders, bloc policies whose float value cannot reach the
        best one found are skipped (they cannot be selected).
        """
        bloc = bloc_game(self.game, members)
        scan = _Scan(self.game, members, bloc, list(range(1, bloc.n_players)))
        inner = "min" if selection == "pessimistic" else "max"
        groups: dict[int, np.ndarray] = {}
        if len(scan.bloc_id):
            ids, inv = np.unique(scan.bloc_id, return_inverse=True)
            for g_i, b in enumerate(ids):
                groups[int(b)] = np.flatnonzero(inv == g_i)
        # an upper bound on what each bloc policy can give the bloc: its best float candidate + tol
        bound = {b: float(scan.u[g].max()) + scan.tol for b, g in groups.items()}
        cands: list[Candidate] = []       # the selected outcome of each visited bloc policy
        excluded = scan.n_bloc_policies - len(groups)
        best_u: Fraction | None = None
        for b in sorted(groups, key=lambda b: -bound[b]):
            if scan.trivial and best_u is not None and bound[b] < float(best_u / scan.scale) - scan.tol:
                break                                   # nobody checked: the rest cannot reach the best value
            ranked = scan.select(groups[b], inner)
            if not ranked:
                excluded += 1
                continue
            cands.append(Candidate(*ranked[0]))
            if best_u is None or ranked[0][0] > best_u:
                best_u = ranked[0][0]
        notes: list[str] = []
        missing = sorted(set(range(scan.n_bloc_policies)) - set(groups)) if not scan.trivial else []
        if missing and len(missing) <= MAX_MIXED_COMMITMENTS:
            found = [c for c in (_mixed_outsiders(self.game, members, b, inner) for b in missing) if c is not None]
            cands += found
            excluded -= len(found)
            if found:
                notes.append(f"{len(found)} bloc policies leave the outsiders no stationary pure MPE; their exact "
                             "stationary mixed MPE were used (contract_theory.markov.mixed_mpe)")
        if excluded:
            notes.append(f"{excluded} of {scan.n_bloc_policies} bloc policies leave the outsiders a game without a "
                         "stationary pure MPE" + (" or exact rational mixed one" if len(missing) <= MAX_MIXED_COMMITMENTS
                                                  else f" (more than {MAX_MIXED_COMMITMENTS}: mixed ones not tried)")
                         + "; those commitments were excluded")
        return Continuations(cands, notes, excluded == 0)

    def bloc_equilibria(self, members: tuple[int, ...], selection: Selection) -> Continuations:
        """The stationary pure MPE of the bloc game selected by (U_S, W) under ``selection``."""
        bloc = bloc_game(self.game, members)
        scan = _Scan(self.game, members, bloc, list(range(bloc.n_players)))
        ranked = scan.select(np.arange(len(scan.u)), "min" if selection == "pessimistic" else "max")
        if not ranked:
            return Continuations([], ["the Markov game between the bloc and the outsiders has no stationary pure MPE"],
                                 False)
        return Continuations([Candidate(*x) for x in ranked], [], True)


# ------------------------------------------------------------------------------------ symmetry
def is_symmetric_markov(game: MarkovGame) -> bool:
    """Whether rewards and transitions are invariant under every permutation of the players.

    R_{sigma(i)}(s, a o sigma^{-1}) = R_i(s, a) and P(. | s, a o sigma^{-1}) = P(. | s, a), checked on
    a transposition and an n-cycle (generators of the symmetric group).  O(n |S| J (n + |S|)).

    Examples
    --------
    >>> from contract_theory.games.markov_library import commons_markov, random_markov_game
    >>> is_symmetric_markov(commons_markov(4)), is_symmetric_markov(random_markov_game(3, 2, 2, seed=0))
    (True, False)
    """
    n = game.n_players
    if n < 2:
        return True
    if len(set(game.shape)) != 1:
        return False
    R, P = game.rewards, game.transitions
    gens = [[1, 0] + list(range(2, n))]
    if n >= 3:
        gens.append(list(range(1, n)) + [0])
    for order in gens:
        axes = [0] + [1 + i for i in order] + [n + 1]
        if not np.array_equal(np.transpose(R, axes)[..., order], R):
            return False
        if not np.array_equal(np.transpose(P, axes), P):
            return False
    return True
