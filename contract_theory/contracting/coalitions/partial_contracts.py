r"""The K-coalition study of one game: W_K, the welfare curve, stability (docs/background/model.md#4-partial-contracts).

Given K, every coalition S with 2 <= |S| <= K is solved by the coalition engine
(:func:`contract_theory.contracting.coalitions.bloc.solve_all_coalitions`, same
:class:`~contract_theory.contracting.coalitions.rules.Rules`) on any kind's adapter -- normal-form,
Markov, or compact, where a coalition is a composition and W(S) is that of its canonical
coalition; then

* W(S) is the social welfare of S's outcome and, for each size k, the best coalition of
  size exactly k is the one with the highest W(S) (ties: the lexicographically smallest
  members, a composition's canonical members);
* W_k = max( W(no contract), max_{2 <= |S| <= k} W(S) ) — a coalition of one is no
  agreement, so W_1 is the no-contract welfare and the curve is non-decreasing in k;
* the **price of partial contracting** is W*/W_K when both are positive, otherwise the
  difference W* - W_K (``price_measure`` says which);
* ``min_k_for_optimum`` is the smallest k <= K with W_k = W* (1 means the no-contract
  outcome is already optimal), ``None`` if no such k;
* ``stable_coalitions`` are the coalitions of size 2..K that are internally and
  externally stable under ``rules.tie``, player by player
  (:mod:`contract_theory.contracting.coalitions.stability`, with the adapter's payoffs).

With ``require_acceptance=True`` a coalition counts for W_k only if its members accept
(each member at least its no-contract payoff under ``sharing``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Generic, TypeVar

from contract_theory.contracting.coalitions.bloc import BlocGame, CoalitionOutcome, Outcome, solve_all_coalitions
from contract_theory.contracting.coalitions.normal_form import NormalFormBloc
from contract_theory.contracting.coalitions.rules import Rules, Selection, Sharing, Tie, Timing
from contract_theory.contracting.coalitions.stability import StabilityCheck, coalition_stability
from contract_theory.errors import ParameterError
from contract_theory.games.normal_form import NormalFormGame

__all__ = ["PartialContractAnalysis", "partial_contract_analysis", "partial_contract_study", "check_k",
           "welfare_curve_summary"]


def check_k(game: Any, k: int) -> int:
    """Validate the coalition bound: an integer with 2 <= K <= N (``game.n_players``, any kind of game).

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> check_k(public_goods(4, "8/5", 20), 3)
    3
    """
    if isinstance(k, bool) or not isinstance(k, int):
        raise ParameterError(f"K must be an integer, got {k!r}")
    if not 2 <= k <= game.n_players:
        raise ParameterError(f"K={k} is out of range: a contract needs 2 <= K <= N={game.n_players}")
    return k


#: The outcome class of a study (a :class:`CoalitionOutcome`; compact games: a composition's outcome).
OutcomeT = TypeVar("OutcomeT")
#: The no-contract outcome class of a study (an :class:`Outcome`; compact games: counts and runs).
BaselineT = TypeVar("BaselineT")


@dataclass(frozen=True)
class PartialContractAnalysis(Generic[OutcomeT, BaselineT]):
    """Everything :func:`partial_contract_study` computes; see the module docstring.

    Generic in the kind's outcome classes: ``outcomes``, ``by_k`` and ``stability`` are keyed by
    the adapter's coalition keys (sorted member indices; a compact game's compositions, see
    :class:`~contract_theory.contracting.coalitions.compact.CompactAnalysis`).
    """

    game: Any
    k: int
    timing: Timing
    selection: Selection
    sharing: Sharing
    tie: Tie
    require_acceptance: bool
    optimum_welfare: Fraction
    optimum_profiles: tuple[Any, ...]
    no_contract: BaselineT
    outcomes: dict[tuple[int, ...], OutcomeT]
    by_k: dict[int, OutcomeT | None]
    best_coalitions_by_k: dict[int, tuple[tuple[int, ...], ...]]
    welfare_curve: dict[int, Fraction | None]
    min_k_for_optimum: int | None
    price_of_partial_contracting: Fraction | None
    price_measure: str
    stability: dict[tuple[int, ...], StabilityCheck]
    complete: bool = True
    notes: tuple[str, ...] = field(default=())

    @property
    def stable_coalitions(self) -> list[tuple[int, ...]]:
        """Coalitions that are internally and externally stable, in size-then-lexicographic order."""
        return [S for S, c in self.stability.items() if c.stable]

    @property
    def w_k(self) -> Fraction | None:
        """W_K, the best welfare with coalitions of at most K members."""
        return self.welfare_curve[self.k]


def _counts(o: Any, require_acceptance: bool) -> bool:
    return o.welfare is not None and (not require_acceptance or o.members_accept is True)


def partial_contract_analysis(
    game: NormalFormGame, k: int, rules: Rules = Rules(), *, require_acceptance: bool = False,
    use_symmetry: bool = True, mixed: bool = True,
) -> PartialContractAnalysis[CoalitionOutcome, Outcome]:
    """Solve every coalition of size 2..K and summarize (``docs/background/model.md#4-partial-contracts``).

    ``rules`` (:class:`~contract_theory.contracting.coalitions.rules.Rules`) gives timing, selection,
    sharing and the stability tie rule; ``require_acceptance`` counts a coalition for W_k only if
    its members accept.  :func:`partial_contract_study` on
    :class:`~contract_theory.contracting.coalitions.normal_form.NormalFormBloc`.
    Complexity: sum_{k<=K} C(n, k) coalition solves of O(n prod m_i) each (one per size in
    symmetric games), plus O(n) lookups per coalition for stability.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> a = partial_contract_analysis(public_goods(4, "8/5", 20), 4)
    >>> {k: str(w) for k, w in a.welfare_curve.items()}, a.min_k_for_optimum
    ({1: '80', 2: '80', 3: '116', 4: '128'}, 4)
    >>> a.stable_coalitions
    [(0, 1, 2), (0, 1, 3), (0, 2, 3), (1, 2, 3)]
    """
    return partial_contract_study(NormalFormBloc(game, mixed=mixed), k, rules, require_acceptance=require_acceptance,
                                  use_symmetry=use_symmetry)


def partial_contract_study(
    bloc: BlocGame, k: int, rules: Rules = Rules(), *, require_acceptance: bool = False, use_symmetry: bool = True,
    reuse: Any = None,
) -> Any:
    """The K-coalition study of any :class:`~contract_theory.contracting.coalitions.bloc.BlocGame` (module docstring).

    Validates K, takes W* from the adapter, solves every coalition of size 2..K
    (:func:`~contract_theory.contracting.coalitions.bloc.solve_all_coalitions`) and summarizes:
    by_k, W_k, min k, price, stability (:func:`~contract_theory.contracting.coalitions.stability.coalition_stability`
    with the adapter's payoffs).  The same code for normal-form, Markov and compact games; the
    result is the adapter's ``analysis_type``.  Complexity of the summary O(#coalitions * n).

    ``reuse``: a study of the same game with K at least ``k`` under the same timing, selection and
    sharing (its K and tie rule may differ).  Its optimum, no-contract outcome and coalition outcomes
    of size 2..k are taken instead of solved again (a coalition's outcome depends on neither K nor
    the tie rule), so a smaller K or another tie rule costs only the summary and the stability
    checks; the result equals the study without ``reuse``.  Any other study is a
    :class:`~contract_theory.errors.ParameterError`.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> bloc = NormalFormBloc(public_goods(4, "8/5", 20))
    >>> partial_contract_study(bloc, 3).w_k
    Fraction(116, 1)
    >>> partial_contract_study(bloc, 3, reuse=partial_contract_study(bloc, 4)).w_k
    Fraction(116, 1)
    """
    check_k(bloc.game, k)
    if reuse is None:
        w_star, opt_profiles, opt_notes = bloc.optimum()
        base = bloc.no_contract(rules.selection)
        # stability of size-K coalitions needs no larger coalitions (none may form)
        outcomes = solve_all_coalitions(bloc, k, rules, baseline=base, use_symmetry=use_symmetry)
        notes: list[str] = list(base.notes) + list(opt_notes)
    else:
        _check_reuse(reuse, bloc, k, rules)
        w_star, opt_profiles, base = reuse.optimum_welfare, reuse.optimum_profiles, reuse.no_contract
        outcomes = {key: o for key, o in reuse.outcomes.items() if bloc.size(key) <= k}
        notes = [x for x in reuse.notes if not x.startswith(_INCOMPLETE)]
    complete = all(o.complete for o in outcomes.values())
    if not complete:
        notes.append(f"{_INCOMPLETE} {bloc.continuation_kind}; see each outcome's notes")
    by_k, best_by_k = _best_by_size(bloc, outcomes, k, require_acceptance)
    curve, min_k, price, measure = welfare_curve_summary(
        {size: (o.welfare if o is not None else None) for size, o in by_k.items()}, base.welfare, w_star, k)
    value = bloc.stability_value(outcomes, base)
    n = bloc.game.n_players
    stab = {key: coalition_stability(key, bloc.players(key), value, n, k, rules.tie, movers=bloc.movers(key, outcomes, base))
            for key in outcomes}
    return bloc.analysis_type(bloc.game, k, rules.timing, rules.selection, rules.sharing, rules.tie,
                              require_acceptance, w_star, opt_profiles, base, outcomes, by_k, best_by_k, curve,
                              min_k, price, measure, stab, complete, tuple(notes))


#: The note of a study some of whose coalitions' continuation games lack equilibria.
_INCOMPLETE = "some coalitions' continuation games lack"


def _check_reuse(reuse: Any, bloc: BlocGame, k: int, rules: Rules) -> None:
    """A study's outcomes serve a study of ``bloc`` at ``k`` under ``rules`` (see :func:`partial_contract_study`)."""
    theirs = (reuse.timing, reuse.selection, reuse.sharing)
    mine = (rules.timing, rules.selection, rules.sharing)
    if reuse.game is not bloc.game or reuse.k < k or theirs != mine:
        raise ParameterError(f"a study reuses only a study of the same game with K >= {k} and timing, selection and "
                             f"sharing {'/'.join(mine)}; got K = {reuse.k} and {'/'.join(theirs)}"
                             + ("" if reuse.game is bloc.game else " of another game"))


def _best_by_size(bloc: BlocGame, outcomes: dict[tuple[int, ...], Any], k: int, require_acceptance: bool
                  ) -> tuple[dict[int, Any], dict[int, tuple[tuple[int, ...], ...]]]:
    """Per size 2..k, the representative best coalition's outcome and every coalition tied with it on W(S).

    Ties go to the coalition whose (canonical) members are lexicographically smallest.
    """
    by_k: dict[int, Any] = {}
    best_by_k: dict[int, tuple[tuple[int, ...], ...]] = {}
    for size in range(2, k + 1):
        cands = [key for key, o in outcomes.items() if bloc.size(key) == size and _counts(o, require_acceptance)]
        if cands:
            best_w = max(outcomes[key].welfare for key in cands)
            tied = tuple(sorted((key for key in cands if outcomes[key].welfare == best_w), key=bloc.players))
            by_k[size] = outcomes[tied[0]]
            best_by_k[size] = tied
        else:
            by_k[size] = None
            best_by_k[size] = ()
    return by_k, best_by_k


def welfare_curve_summary(
    best_by_size: dict[int, Fraction | None], no_contract_welfare: Fraction | None, w_star: Fraction, k: int,
) -> tuple[dict[int, Fraction | None], int | None, Fraction | None, str]:
    """From the best W(S) of each size 2..k to (W_k curve, smallest k with W_k = W*, price, measure).

    W_1 is the no-contract welfare and W_k = max(W_{k-1}, best W(S) with |S| = k); the price is
    W*/W_K when both are positive, else W* - W_K (see the module docstring).  Shared by the
    dense, Markov and compact analyses.  Complexity O(k).

    Examples
    --------
    >>> welfare_curve_summary({2: Fraction(3), 3: Fraction(5)}, Fraction(4), Fraction(5), 3)
    ({1: Fraction(4, 1), 2: Fraction(4, 1), 3: Fraction(5, 1)}, 3, Fraction(1, 1), 'ratio')
    """
    curve: dict[int, Fraction | None] = {1: no_contract_welfare}
    running = no_contract_welfare
    for size in range(2, k + 1):
        w = best_by_size.get(size)
        if w is not None:
            running = w if running is None else max(running, w)
        curve[size] = running
    min_k = next((s for s in sorted(curve) if curve[s] is not None and curve[s] == w_star), None)
    w_k = curve[k]
    if w_k is None:
        price, measure = None, "undefined"
    elif w_star > 0 and w_k > 0:
        price, measure = w_star / w_k, "ratio"
    else:
        price, measure = w_star - w_k, "difference"
    return curve, min_k, price, measure
