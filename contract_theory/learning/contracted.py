r"""Contract-augmented Q-learning and the two-stage contracting decision (``docs/background/model.md#3-contracts``).

A contract is a transfer array theta of shape ``game.shape + (n,)`` with theta_i == 0 for
every non-signatory i and sum_i theta_i(a) = 0 at every joint action a (budget balance).
Members learn from u_i + theta_i, outsiders from u_i (their theta is 0).  Contracts are
validated exactly (Fractions); only the learning runs in float64.

Accepted contract forms (:func:`as_transfers`):

* ``None``: the null contract (no signatories, theta == 0);
* an object with the contract interface's ``signatories`` and ``augmented_game()``
  (:class:`contract_theory.contracting.contracts.contract.AugmentsGame`, e.g.
  :class:`contract_theory.contracting.contracts.contract.Contract`): theta = augmented payoffs - base payoffs,
  signatories from its ``signatories`` (indices or names);
* a raw array (exact numbers or floats), with ``signatories=`` given or inferred as above;
* a :class:`TransferContract` (returned as is after a shape check).

Two-stage contracting (after the authors' released code, paper-notes C.2 and A.4):

1. For every contract in a finite list, with the null contract always first, train
   contract-conditioned play in an independent batch of R runs (its own child seed).
2. In each run r, decide from the learned values V_i(theta) = max_a Q_i(a) (learner i's
   greedy value estimate after training, transfers included), comparing run r of each batch
   with run r of the null batch.  Voters are the contract's **signatories** (outsiders are not
   party to it; the authors bind every agent, so there voters are everyone).  Rules (``voting``):

   * ``"unanimous"``: theta is accepted iff V_i(theta) >= V_i(null) - tol for every signatory
     (**tie rule: a voter accepts when indifferent**, the refinement of
     docs/background/model.md#5-the-contracting-protocol);
   * ``"majority"`` (the authors' NegotiationSolver default): accepted iff
     #{i : V_i(theta) > V_i(null)} >= #{i : not} among the signatories;
   * ``("committee", c)``: c signatories drawn uniformly without replacement (all of them if
     |S| <= c), independently per run and contract with the seeded generator, decide unanimously.

   Among the accepted contracts (the null contract always is), the one with the largest
   learned welfare sum_i V_i(theta) over **all** players is chosen; ties go to the lowest index
   in the list (so to the null contract first).
3. What was played in run r is that run's final greedy profile under the chosen contract.

Examples
--------
>>> from contract_theory.games.library import prisoners_dilemma
>>> g = prisoners_dilemma()
>>> pen = penalty_contract(g, [0, 1], target=(0, 0), psi=3)
>>> [str(x) for x in pen.transfers[1, 0]]     # row defects: pays 3 to column
['-3', '3']
>>> res = negotiate(g, [pen], voting="unanimous", episodes=400, runs=40, seed=0)
>>> res.chosen_counts                          # every run adopts the penalty contract
{1: 40}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.contracting.contracts.contract import (
    AugmentsGame,
    ContractLike,
    Observes,
    deviation_penalty,
    transfer_violation,
)
from contract_theory.equilibria.pure import best_response_masks
from contract_theory.equilibria.welfare import optimum
from contract_theory.errors import ContractError, GameError, ParameterError
from contract_theory.exact.numbers import fmt, fraction_array, to_fraction
from contract_theory.games.normal_form import NormalFormGame, Profile
from contract_theory.learning.qlearning import RepeatedGameEnv, TrainingResult, check_seed, train

__all__ = [
    "TransferContract", "as_transfers", "null_contract", "penalty_contract", "bloc_target", "default_psi",
    "augmented_game", "train_contracted", "parse_voting", "decide", "NegotiationResult", "negotiate",
]


@dataclass(frozen=True, eq=False)
class TransferContract:
    """A validated contract: signatories, exact transfers ``game.shape + (n,)``, and a JSON description.

    It has the one contract interface (:class:`contract_theory.contracting.contracts.contract.ContractLike`):
    ``observes`` is ``"members"`` for penalty contracts and ``"all"`` for transfers given as arrays
    (nothing is assumed about what they condition on); ``game`` is the game the transfers pay on.
    """

    signatories: tuple[int, ...]
    transfers: np.ndarray
    description: dict[str, Any] | None = None
    observes: Observes = "all"
    game: NormalFormGame | None = None

    @property
    def is_null(self) -> bool:
        """Whether nobody signs (the null contract)."""
        return not self.signatories

    def augmented_game(self) -> NormalFormGame:
        """The exact augmented game G^theta with payoffs u + theta (``docs/background/model.md#3-contracts``).

        Examples
        --------
        >>> from contract_theory.games.library import prisoners_dilemma
        >>> penalty_contract(prisoners_dilemma(), [0, 1], (0, 0), 3).augmented_game().payoff((1, 0))  # (T-3, S+3)
        (Fraction(2, 1), Fraction(3, 1))
        """
        if self.game is None:
            raise ContractError("this transfer contract was built without its game; pass the game to augmented_game()")
        return augmented_game(self.game, self)


def _labels(game: NormalFormGame, prof: Sequence[int]) -> str:
    return "(" + ", ".join(game.labels(tuple(int(v) for v in prof))) + ")"


def validate_transfers(game: NormalFormGame, theta: np.ndarray, signatories: Sequence[int]) -> None:
    """ContractError naming the profile unless theta is zero off the signatories and sums to 0 everywhere.

    The check is :func:`contract_theory.contracting.contracts.contract.transfer_violation` (observing everything).
    """
    v = transfer_violation(theta, signatories, observes="all")
    if v is None:
        return
    if v.kind == "non-signatory":
        raise ContractError(f"the contract pays non-signatory {game.players[v.player or 0]!r}: transfer "
                            f"{fmt(v.value)} at profile {_labels(game, v.where)}")
    raise ContractError(f"the contract is not budget-balanced: transfers at profile {_labels(game, v.where)} "
                        f"sum to {fmt(v.value)}, not 0")


def null_contract(game: NormalFormGame) -> TransferContract:
    """The null contract: nobody signs, theta == 0."""
    z = np.empty(game.shape + (game.n_players,), dtype=object)
    z.reshape(-1)[:] = [Fraction(0)] * z.size
    return TransferContract((), z, None, "members", game)


def as_transfers(game: NormalFormGame, contract: Any, signatories: Sequence[int | str] | None = None,
                 ) -> TransferContract:
    """Normalize any accepted contract form (see the module docstring) to a validated TransferContract.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> as_transfers(prisoners_dilemma(), [[[0, 0], [1, -1]], [[0, 0], [0, 1]]])
    Traceback (most recent call last):
    ...
    contract_theory.errors.ContractError: the contract is not budget-balanced: transfers at profile (D, D) sum to 1, not 0
    """
    n = game.n_players
    want = game.shape + (n,)
    if contract is None:
        return null_contract(game)
    desc: dict[str, Any] | None = None
    observes: Observes = "all"
    sig_given: Sequence[int | str] | None
    if isinstance(contract, TransferContract):
        theta, sig_given = contract.transfers, contract.signatories
        desc, observes = contract.description, contract.observes
    elif isinstance(contract, AugmentsGame):
        aug = contract.augmented_game()
        if not isinstance(aug, NormalFormGame) or aug.shape != game.shape or aug.n_players != n:
            raise ContractError(f"the contract's augmented game does not match the game's shape {game.shape}")
        theta = aug.fractions - game.fractions
        sig_given = contract.signatories
        observes = contract.observes if isinstance(contract, ContractLike) else "all"
        desc = {"kind": type(contract).__name__, "repr": repr(contract)}
    else:
        try:
            theta, _ = fraction_array(contract, what="transfers")
        except GameError as exc:
            raise ContractError(str(exc)) from None
        sig_given = None
    if theta.shape != want:
        raise ContractError(f"transfers have shape {theta.shape}, the game needs {want}")
    if signatories is not None:
        sig_given = signatories
    if sig_given is None:
        sig = tuple(i for i in range(n) if bool((theta[..., i] != 0).any()))
    else:
        sig = tuple(sorted({game.player_index(p) for p in sig_given}))
    validate_transfers(game, theta, sig)
    return TransferContract(sig, theta, desc, observes, game)


def _coalition(game: NormalFormGame, coalition: Sequence[int | str]) -> tuple[int, ...]:
    S = tuple(sorted({game.player_index(p) for p in coalition}))
    if len(S) < 2:
        raise ParameterError(f"a contract needs at least 2 signatories (a single agent cannot sign a "
                             f"budget-balanced transfer), got {[game.players[i] for i in S]}")
    return S


def bloc_target(game: NormalFormGame, coalition: Sequence[int | str]) -> Profile:
    """The pure profile a coalition's penalty contract aims at (named rule, exact).

    Among the pure profiles at which every outsider best-responds, the one that maximizes
    the members' total payoff sum_{i in S} u_i (the bloc commits first and outsiders react:
    docs/background/model.md#4-partial-contracts, ``timing="stackelberg"``, ``selection="optimistic"``, pure profiles
    only); ties go to the lexicographically lowest profile.  If no profile has all outsiders
    best-responding, the lexicographically lowest welfare-optimal profile.  Only the members'
    part of the returned profile is enforced.  Complexity O(n * prod(m_i)), vectorized.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> g = public_goods(4, "8/5", 20)
    >>> g.labels(bloc_target(g, [0, 1, 2]))      # 3 members contribute (3 * 8/5 / 4 > 1)
    ('20', '20', '20', '0')
    >>> g.labels(bloc_target(g, [0, 1]))         # 2 members would not (2 * 8/5 / 4 < 1)
    ('0', '0', '0', '0')
    """
    S = _coalition(game, coalition)
    outs = [i for i in range(game.n_players) if i not in S]
    ok = best_response_masks(game.table, outs).all(axis=-1) if outs else np.ones(game.shape, dtype=bool)
    if not ok.any():
        return optimum(game)[1][0]
    total = game.table[..., list(S)].sum(axis=-1)
    flat_ok = ok.reshape(-1)
    flat_total = total.reshape(-1)
    cand = np.flatnonzero(flat_ok)
    vals = flat_total[cand]
    best = cand[int(np.argmax(vals == vals.max()))]  # first (lexicographically lowest) maximizer
    return tuple(int(v) for v in np.unravel_index(best, game.shape))


def _gain(game: NormalFormGame, S: Sequence[int], target: Sequence[int]) -> Fraction:
    """Largest one-shot gain of a member from leaving its target action, over all others' actions."""
    t = game.table
    return Fraction(max(int((t[..., i] - np.take(t[..., i], [target[i]], axis=i)).max()) for i in S),
                    game.denominator)


def default_psi(game: NormalFormGame, coalition: Sequence[int | str], target: Sequence[int]) -> Fraction:
    """Named default penalty: psi = 2 g, g = the members' largest one-shot gain from deviating (psi = 1 if g <= 0).

    Any psi > g makes the target action strictly dominant for every member (what a member
    receives depends only on the others' deviations); the factor 2 leaves a margin of g,
    so learners separate the actions quickly.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> default_psi(prisoners_dilemma(), [0, 1], (0, 0))   # g = T - R = 2
    Fraction(4, 1)
    """
    S = _coalition(game, coalition)
    g = _gain(game, S, game.check_profile(target))
    return 2 * g if g > 0 else Fraction(1)


def penalty_contract(game: NormalFormGame, coalition: Sequence[int | str], target: Sequence[int | str] | None = None,
                     psi: Any = None) -> TransferContract:
    """Deviation-penalty contract of a coalition S toward a target (docs/background/model.md#3-contracts).

    For a member i: theta_i(a) = -psi [a_i != t_i] + psi/(|S|-1) * sum_{j in S, j != i} [a_j != t_j];
    outsiders get 0.  Budget-balanced by construction (each fine is shared equally by the
    other members).  ``target`` defaults to :func:`bloc_target` and ``psi`` to :func:`default_psi`.
    The transfers are those of :func:`contract_theory.contracting.contracts.contract.deviation_penalty`.
    """
    S = _coalition(game, coalition)
    t = bloc_target(game, S) if target is None else game.check_profile(target)
    p = default_psi(game, S, t) if psi is None else to_fraction(psi, what="psi")
    if p <= 0:
        raise ParameterError(f"psi must be positive, got {fmt(p)}")
    theta = np.array(deviation_penalty(game, S, t, p).transfers, dtype=object)
    desc = {"kind": "penalty", "signatories": [game.players[i] for i in S],
            "target": [game.actions[i][t[i]] for i in S], "psi": fmt(p)}
    validate_transfers(game, theta, S)
    return TransferContract(S, theta, desc, "members", game)


def augmented_game(game: NormalFormGame, contract: Any) -> NormalFormGame:
    """The exact augmented game G^theta with payoffs u + theta (docs/background/model.md#3-contracts)."""
    tc = as_transfers(game, contract)
    return game.with_payoffs(game.fractions + tc.transfers,
                             title=f"{game.title} + contract" if game.title else "augmented game")


def train_contracted(game: NormalFormGame, contract: Any, **train_kwargs: Any) -> TrainingResult:
    """:func:`~contract_theory.learning.qlearning.train` on rewards u + theta (members) and u (outsiders).

    Welfare curves use the base game's welfare (equal to the augmented one: transfers are zero-sum).
    """
    tc = as_transfers(game, contract)
    env = RepeatedGameEnv(game, transfers=None if tc.is_null else tc.transfers)
    return train(env, **train_kwargs)


def parse_voting(voting: Any) -> tuple[str, int]:
    """``"unanimous"``, ``"majority"``, ``("committee", c)`` or ``"committee:c"`` -> (rule, c).

    Examples
    --------
    >>> parse_voting("committee:2"), parse_voting("majority")
    (('committee', 2), ('majority', 0))
    """
    if voting in ("unanimous", "majority"):
        return voting, 0
    if isinstance(voting, str) and voting.startswith("committee:"):
        voting = ("committee", voting.partition(":")[2])
    if isinstance(voting, (tuple, list)) and len(voting) == 2 and voting[0] == "committee":
        try:
            c = int(voting[1])
        except (TypeError, ValueError):
            c = 0
        if c >= 1:
            return "committee", c
        raise ParameterError(f"committee size must be a positive integer, got {voting[1]!r}")
    raise ParameterError(f"unknown voting rule {voting!r}; use 'unanimous', 'majority' or ('committee', c)")


def decide(values: np.ndarray, signatories: np.ndarray, voting: Any, *, seed: Any = 0,
           tol: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Per-run contracting decision from learned values (rules in the module docstring).

    ``values`` is ``(C, R, n)`` with contract 0 the null contract; ``signatories`` is a
    ``(C, n)`` boolean mask.  Returns ``(accepted (C, R) bool, chosen (R,) int)``.  The
    committee draw uses ``numpy.random.default_rng(seed)``.  Vectorized: O(C * R * n log n).

    Examples
    --------
    >>> v = np.array([[[1., 1.]], [[3., 3.]], [[5., 0.]]])        # null, fair, lopsided
    >>> sig = np.ones((3, 2), dtype=bool)
    >>> acc, ch = decide(v, sig, "unanimous"); acc[:, 0].tolist(), ch.tolist()
    ([True, True, False], [1])
    >>> acc, ch = decide(v, sig, "majority"); acc[:, 0].tolist(), ch.tolist()
    ([True, True, True], [1])
    """
    rule, c = parse_voting(voting)
    V = np.asarray(values, dtype=np.float64)
    sig = np.asarray(signatories, dtype=bool)
    C, R, n = V.shape
    if sig.shape != (C, n):
        raise ParameterError(f"signatories mask has shape {sig.shape}, expected {(C, n)}")
    gain = V - V[0:1]                                               # (C, R, n)
    voters = np.broadcast_to(sig[:, None, :], (C, R, n))
    if rule == "committee":
        keys = np.random.default_rng(check_seed(seed)).random((C, R, n))
        keys = np.where(voters, keys, np.inf)
        rank = keys.argsort(axis=-1).argsort(axis=-1)
        voters = voters & (rank < c)
    if rule == "majority":
        yes = (voters & (gain > 0)).sum(axis=-1)
        no = (voters & ~(gain > 0)).sum(axis=-1)
        accepted = yes >= no
    else:
        accepted = (~voters | (gain >= -tol)).all(axis=-1)
    accepted[0] = True
    score = np.where(accepted, V.sum(axis=-1), -np.inf)             # (C, R)
    chosen = score.argmax(axis=0)                                    # first maximum: lowest index
    return accepted, chosen


@dataclass(eq=False)
class NegotiationResult:
    """Outcome of :func:`negotiate`.

    ``contracts[0]`` is the null contract; ``values`` ``(C, R, n)`` the learned values;
    ``accepted`` ``(C, R)``; ``chosen`` ``(R,)`` contract index per run; ``played`` ``(R, n)``
    the final greedy profile under the chosen contract; ``chosen_counts`` and
    ``outcome_counts`` tally them; ``trainings[c]`` is contract c's batch.
    """

    contracts: list[TransferContract]
    values: np.ndarray
    accepted: np.ndarray
    chosen: np.ndarray
    played: np.ndarray
    chosen_counts: dict[int, int]
    outcome_counts: dict[tuple[int, ...], int]
    trainings: list[TrainingResult] = field(default_factory=list)
    voting: Any = "unanimous"


def negotiate(game: NormalFormGame, contracts: Sequence[Any], *, voting: Any = "unanimous", episodes: int,
              runs: int, seed: int, tol: float = 0.0, **train_kwargs: Any) -> NegotiationResult:
    """Two-stage contracting: train each contract's batch, decide per run, report what was played.

    The null contract is prepended to ``contracts``.  Seeds: ``SeedSequence(seed).spawn(C + 1)``,
    child c for contract c's batch and the last child for the committee draw, so batches are
    independent and the whole result is reproducible.  Cost: C trainings.
    """
    parse_voting(voting)
    ss = np.random.SeedSequence(check_seed(seed)) if not isinstance(seed, np.random.SeedSequence) else seed
    tcs = [null_contract(game)] + [as_transfers(game, c) for c in contracts]
    children = ss.spawn(len(tcs) + 1)
    trainings = [train_contracted(game, tc, episodes=episodes, runs=runs, seed=children[k], **train_kwargs)
                 for k, tc in enumerate(tcs)]
    V = np.stack([t.learned_values() for t in trainings])                       # (C, R, n)
    sig = np.zeros((len(tcs), game.n_players), dtype=bool)
    for k, tc in enumerate(tcs):
        sig[k, list(tc.signatories)] = True
    accepted, chosen = decide(V, sig, voting, seed=children[-1], tol=tol)
    finals = np.stack([t.final_greedy_profiles for t in trainings])            # (C, R, n)
    played = finals[chosen, np.arange(runs)]
    ch, cc = np.unique(chosen, return_counts=True)
    pr, pc = np.unique(played, axis=0, return_counts=True)
    return NegotiationResult(tcs, V, accepted, chosen, played,
                             {int(a): int(b) for a, b in zip(ch, cc)},
                             {tuple(int(v) for v in p): int(b) for p, b in zip(pr, pc)},
                             trainings, voting)
