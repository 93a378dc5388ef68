"""State-dependent contracts in Markov games (``docs/background/model.md#3-contracts``, Markov parts).

A contract (S, theta) names signatories S (|S| >= 2) and transfers theta_i(s, a) for every state s
and joint action a, with theta_i = 0 for i not in S and exact **budget balance**
sum_{i in S} theta_i(s, a) = 0 at every (s, a).  ``observes="members"`` additionally requires theta
not to depend on outsiders' actions (it sees the state and the members' joint action);
``observes="all"`` (the default of Markov contracts) lets it see every action (outsiders still cannot be
paid or fined).  :class:`MarkovContract` has the one contract interface
(:class:`contract_theory.contracting.contracts.contract.ContractLike`) and the one validator
(:func:`contract_theory.contracting.contracts.contract.transfer_violation`, the state as a leading axis).
The augmented game M^theta has rewards R_i + theta_i; since transfers are zero-sum, the welfare
sum_i V_i of every policy is unchanged.

Deviation penalties (the contract family of Christoffersen et al. 2022 for Harvest/Cleanup): given a
deterministic target policy pi, a member j whose action in state s differs from pi_j(s) pays psi,
shared equally by the other |S| - 1 members.  On the target path nobody pays, so V^theta = V^pi and
member i's one-shot deviation value drops by exactly psi: the target is an MPE for the members of
M^theta iff psi >= max_{i in S, s, b} (Q_i^pi(s, b) - V_i^pi(s)) -- linear in psi, so the least
penalty is exact (:func:`min_penalty`).  It never exceeds the one-shot-deviation bound
(R_max - R_min)/(1 - gamma): Q_i(s, b) - V_i(s) = R_i(s, b, .) - R_i(s, pi(s)) + gamma (E_b V - E_pi V)
<= (R_max - R_min) + gamma (R_max - R_min)/(1 - gamma).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

import numpy as np

from contract_theory.contracting.contracts.contract import OBSERVES, Observes, check_observes, transfer_violation
from contract_theory.errors import ContractError, GameError
from contract_theory.exact.numbers import fmt, fraction_array, to_fraction
from contract_theory.games.markov import MarkovGame
from contract_theory.markov.mpe import one_shot_gains
from contract_theory.markov.policy import check_policy, is_deterministic

__all__ = ["MarkovContract", "deviation_penalty", "min_penalty", "PenaltyBound", "OBSERVES"]


def _signatories(game: MarkovGame, signatories: Collection[int | str]) -> tuple[int, ...]:
    sig = tuple(sorted({game.player_index(p) for p in signatories}))
    if len(sig) < 2:
        raise ContractError(f"a contract needs at least two signatories (a single agent cannot sign a budget-"
                            f"balanced transfer), got {[game.players[i] for i in sig]}")
    return sig


class MarkovContract:
    """A budget-balanced state-dependent transfer scheme among signatories.

    Parameters
    ----------
    game
        The Markov game.
    signatories
        Players (names or indices), at least two.
    transfers
        theta[s, a_0, ..., a_{n-1}, i]: array-like of shape ``(|S|, m..., n)`` (exact numbers).
    observes
        ``"members"`` (theta may depend on the state and members' actions only) or ``"all"``.

    Raises
    ------
    ContractError
        Naming the state and joint action when budget balance fails, a non-signatory is paid,
        or a ``"members"`` contract depends on an outsider's action.

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> g = repeated_prisoners_dilemma()
    >>> th = np.zeros((1, 2, 2, 2), dtype=int); th[0, 1, 0] = [-2, 2]
    >>> c = MarkovContract(g, ["Row", "Column"], th)
    >>> c.augmented_game().reward("play", ("D", "C"))
    (Fraction(3, 1), Fraction(2, 1))
    """

    __slots__ = ("game", "signatories", "transfers", "observes", "name")

    def __init__(self, game: MarkovGame, signatories: Collection[int | str], transfers: Any,
                 observes: Observes = "all", name: str = "") -> None:
        observes = check_observes(observes)
        self.game = game
        self.signatories = _signatories(game, signatories)
        try:
            th, _ = fraction_array(transfers, what="transfers")
        except GameError as exc:
            raise ContractError(str(exc)) from None
        want = (game.n_states,) + game.shape + (game.n_players,)
        if th.shape != want:
            raise ContractError(f"transfers have shape {th.shape}, expected (states, actions..., players) = {want}")
        self.observes: Observes = observes
        self.name = name
        self._check(th)
        th.setflags(write=False)
        #: Read-only Fraction array theta[s, a..., i].
        self.transfers: np.ndarray = th

    def _check(self, th: np.ndarray) -> None:
        g = self.game
        v = transfer_violation(th, self.signatories, observes=self.observes, lead=1)
        if v is None:
            return
        where = f"state {g.states[v.where[0]]!r}, joint action {g.labels(v.where[1:])}"
        if v.kind == "non-signatory":
            raise ContractError(f"contract pays non-signatory {g.players[v.player or 0]!r} {fmt(v.value)} at {where}")
        if v.kind == "budget":
            raise ContractError(f"contract is not budget-balanced: transfers sum to {fmt(v.value)} at {where}")
        raise ContractError(f"contract observes members only but its transfers change with the action of "
                            f"outsider {g.players[v.outsider or 0]!r} at {where}")

    def transfer(self, state: int | str, joint: Any) -> tuple[Fraction, ...]:
        """theta(s, a) for every player."""
        return tuple(self.transfers[(self.game.state_index(state),) + self.game.check_joint(joint)])

    def augmented_game(self) -> MarkovGame:
        """M^theta: the same game with rewards R_i + theta_i (docs/background/model.md#3-contracts)."""
        title = f"{self.game.title} + contract{(' ' + self.name) if self.name else ''}".strip()
        return self.game.with_rewards(self.game.rewards + self.transfers, title=title)

    def __repr__(self) -> str:
        return (f"<MarkovContract {self.name!r} signatories={[self.game.players[i] for i in self.signatories]} "
                f"observes={self.observes}>")


def _target(game: MarkovGame, target_policy: Any) -> tuple[tuple[int, ...], ...]:
    pol = check_policy(game, target_policy)
    if not is_deterministic(pol):
        raise ContractError("a deviation penalty needs a deterministic target policy")
    return cast("tuple[tuple[int, ...], ...]", pol)


def deviation_penalty(game: MarkovGame, signatories: Collection[int | str], target_policy: Any,
                      psi: Any) -> MarkovContract:
    """The contract "a member who deviates from the target pays psi, shared equally by the other members".

    theta_j(s, a) = psi (D(s, a) - |S| d_j(s, a)) / (|S| - 1) for members j, where d_j = 1 if
    a_j != pi_j(s) and D = sum_{k in S} d_k (each deviator pays psi and receives psi/(|S|-1) from
    every other deviator).  Observes the members only.  ``target_policy`` is a deterministic joint
    policy (only the members' entries matter).  Built with numpy broadcasting, O(|S| J n).

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> c = deviation_penalty(repeated_prisoners_dilemma(), [0, 1], [["C"], ["C"]], 3)
    >>> c.transfer("play", ("D", "C")), c.transfer("play", ("D", "D"))
    ((Fraction(-3, 1), Fraction(3, 1)), (Fraction(0, 1), Fraction(0, 1)))
    """
    sig = _signatories(game, signatories)
    pol = _target(game, target_policy)
    p = to_fraction(psi, what="penalty psi")
    if p < 0:
        raise ContractError(f"penalty psi must be non-negative, got {fmt(p)}")
    n, S, shape = game.n_players, game.n_states, game.shape
    grid = np.indices((S,) + shape, dtype=np.int64)          # grid[0] = state, grid[1 + i] = a_i
    dev = {j: (grid[1 + j] != np.array(pol[j], dtype=np.int64)[grid[0]]).astype(np.int64) for j in sig}
    D = sum(dev.values())
    k = len(sig)
    th = np.empty((S,) + shape + (n,), dtype=object)
    th[...] = Fraction(0)
    for j in sig:
        th[..., j] = (D - k * dev[j]).astype(object) * Fraction(p, k - 1)
    return MarkovContract(game, sig, th, observes="members", name=f"deviation penalty psi={fmt(p)}")


@dataclass(frozen=True)
class PenaltyBound:
    """Result of :func:`min_penalty`.

    ``psi``: least per-step deviation penalty making the target an MPE for the members (exact);
    ``bound``: the one-shot-deviation bound (R_max - R_min)/(1 - gamma) over all rewards;
    ``within_bound``: psi <= bound; ``binding``: ``(player, state, action, gain)`` of a member deviation
    that needs the full psi (``None`` when psi = 0); ``outsider_violations``: every profitable outsider
    one-shot deviation ``(player, state, action, gain)`` at the target (no member contract can remove
    them); ``outsider_witness``: the first of those or ``None``; ``enforceable``: no outsider violation
    (then the target is an MPE of the game augmented with :func:`deviation_penalty` at ``psi``);
    ``verified``: that claim re-checked exactly on the augmented game.
    """

    psi: Fraction
    bound: Fraction
    within_bound: bool
    binding: tuple[int, int, int, Fraction] | None
    outsider_violations: tuple[tuple[int, int, int, Fraction], ...]
    outsider_witness: tuple[int, int, int, Fraction] | None
    enforceable: bool
    verified: bool


def min_penalty(game: MarkovGame, signatories: Collection[int | str], target_policy: Any) -> PenaltyBound:
    """Smallest deviation penalty psi that makes ``target_policy`` an MPE for the members.

    Definitions: docs/background/model.md#3-contracts and docs/background/model.md#6-assumptions (A3).

    psi* = max(0, max_{i in S, s, b} Q_i(s, b) - V_i(s)) with Q, V those of the target in the
    original game (see the module docstring); compared with (R_max - R_min)/(1 - gamma).  Outsiders'
    one-shot deviations are reported as witnesses: when one is profitable, the target is not
    enforceable by any members' contract.  Ties (gain exactly 0) are not violations.
    Complexity: one exact evaluation plus O(n |S|^2 max m_i); the check on the augmented game repeats it.

    Examples
    --------
    >>> from contract_theory.games.markov_library import repeated_prisoners_dilemma
    >>> r = min_penalty(repeated_prisoners_dilemma(discount="1/2"), [0, 1], [["C"], ["C"]])
    >>> r.psi, r.bound, r.enforceable, r.verified
    (Fraction(2, 1), Fraction(10, 1), True, True)
    """
    from contract_theory.markov.mpe import is_mpe

    sig = _signatories(game, signatories)
    pol = _target(game, target_policy)
    gains = one_shot_gains(game, pol)
    psi = Fraction(0)
    binding = None
    violations = []
    for i in range(game.n_players):
        gi = gains[i]
        if i in sig:
            s, b = (int(x) for x in np.unravel_index(int(np.argmax(gi)), gi.shape))
            if gi[s, b] > psi:
                psi, binding = gi[s, b], (i, s, b, gi[s, b])
        else:
            for s, b in np.argwhere(gi > 0):
                violations.append((i, int(s), int(b), gi[s, b]))
    R = game.rewards
    bound = (R.max() - R.min()) / (1 - game.discount) if R.size else Fraction(0)
    enforceable = not violations
    aug = deviation_penalty(game, sig, pol, psi).augmented_game()
    verified = is_mpe(aug, pol, players=list(range(game.n_players)) if enforceable else sig)
    # psi is the least: just below it the binding member deviation is profitable again
    if binding is not None:
        lower = deviation_penalty(game, sig, pol, psi / 2).augmented_game()
        verified = verified and not is_mpe(lower, pol, players=sig)
    return PenaltyBound(psi=Fraction(psi), bound=Fraction(bound), within_bound=psi <= bound, binding=binding,
                        outsider_violations=tuple(violations),
                        outsider_witness=violations[0] if violations else None,
                        enforceable=enforceable, verified=bool(verified))
