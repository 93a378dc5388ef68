r"""One public entry point per concept, for every kind of game (normal-form, Markov, compact).

Each function here dispatches on ``game.kind`` (:data:`contract_theory.games.interface.GameKind`)
to the implementation for that kind and returns that implementation's result unchanged:

* :func:`pure_equilibria` -- pure Nash equilibria (normal form), stationary pure MPE (Markov), pure
  equilibria as count matrices (compact);
* :func:`mixed_equilibria` -- every extreme equilibrium (2 players) or all equilibria (small N) of a
  normal-form game, the stationary mixed MPE of a Markov game;
* :func:`optimum` -- W* with the optimal profiles, team-optimal policies or count matrices;
* :func:`no_contract_outcome` -- the default equilibrium (A10) of every kind;
* :func:`coalition_outcome` -- what coalition S reaches (compact games: a *composition* s, members per type);
* :func:`all_coalition_outcomes` -- every coalition (composition) of size 2..K;
* :func:`partial_contract_analysis` -- the K-coalition study: W_K, the welfare curve, stability;
* :func:`check_assumptions` -- A1-A12, B1-B4 (normal-form and compact games);
* :func:`spe_solve` -- the contracting game's SPE over a finite contract space (normal-form and Markov);
* :func:`theorem_check` -- the SPE over the theorem's rich contract space (compact games: the defaults only).

Every modelling choice travels in one :class:`~contract_theory.contracting.coalitions.rules.Rules`
value (timing, selection, sharing, tie, the protocol's voting rules, budgets); the coalition bound
is always ``k``.  A kind without an implementation raises
:class:`~contract_theory.errors.ParameterError` naming the way out.  This module sits above
``markov`` in the layers (it needs every kind) and below ``search``, ``learning``, ``report`` and
``cli``; the root package re-exports its names.

Examples
--------
>>> from contract_theory.games.loading import load_game
>>> [partial_contract_analysis(load_game(s), 3).w_k for s in ("public_goods:n=4,r=8/5,e=20",
...                                                         "commons_markov:n=3", "iea:n=30,b=1,c=1")]
[Fraction(116, 1), Fraction(30, 1), Fraction(1053, 1)]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from contract_theory.contracting.coalitions.partial_contracts import PartialContractAnalysis
from contract_theory.contracting.coalitions.rules import ProtocolRules, Rules
from contract_theory.contracting.protocol.spe import ProtocolResult, TheoremSpace
from contract_theory.equilibria.results import EquilibriumResult
from contract_theory.errors import ParameterError

__all__ = ["pure_equilibria", "mixed_equilibria", "optimum", "no_contract_outcome", "coalition_outcome",
           "all_coalition_outcomes", "partial_contract_analysis", "check_assumptions", "spe_solve", "theorem_check", "KINDS"]

#: The kinds every entry point knows (``game.kind``).
KINDS: tuple[str, ...] = ("normal-form", "markov", "compact")


def _kind(game: Any) -> str:
    kind = getattr(game, "kind", None)
    if kind not in KINDS:
        raise ParameterError(f"{type(game).__name__} is not a game of a known kind ({list(KINDS)}); "
                             "load one with contract_theory.load_game")
    return str(kind)


def _unavailable(what: str, kind: str) -> ParameterError:
    way = ("expand it with game.to_dense() (small N)" if kind == "compact"
           else "use a normal-form game")
    return ParameterError(f"{what} is not available for {kind} games; {way}")


def pure_equilibria(game: Any, rules: Rules = Rules()) -> EquilibriumResult:
    """Every pure equilibrium: pure Nash equilibria (normal form), stationary pure MPE (Markov,
    ``rules.budgets.max_policies``), pure equilibria as count matrices (compact).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> pure_equilibria(prisoners_dilemma()).equilibria
    ((1, 1),)
    """
    kind = _kind(game)
    if kind == "markov":
        from contract_theory.markov.mpe import mpe_solve
        return mpe_solve(game, max_policies=rules.budgets.max_policies)
    if kind == "compact":
        from contract_theory.equilibria.compact import _compact_pure_equilibria
        return _compact_pure_equilibria(game)
    from contract_theory.equilibria.pure import pure_nash_solve
    return pure_nash_solve(game)


def mixed_equilibria(game: Any) -> Any:
    """Mixed equilibria: every extreme equilibrium of a 2-player game or all equilibria of a small
    N-player game (normal form), the stationary mixed MPE (Markov).

    Examples
    --------
    >>> from contract_theory.games.library import matching_pennies
    >>> [e.strategies for e in mixed_equilibria(matching_pennies()).equilibria]
    [((Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 2), Fraction(1, 2)))]
    """
    kind = _kind(game)
    if kind == "markov":
        from contract_theory.markov.mixed_mpe import mixed_mpe_solve
        return mixed_mpe_solve(game)
    if kind == "compact":
        raise _unavailable("mixed equilibrium enumeration", kind)
    if game.n_players == 2:
        from contract_theory.equilibria.vertex_enumeration import vertex_enumeration_solve
        return vertex_enumeration_solve(game)
    from contract_theory.equilibria.support_enumeration import nplayer_mixed_solve
    return nplayer_mixed_solve(game)


def optimum(game: Any) -> tuple[Fraction, tuple[Any, ...]]:
    """W* (utilitarian) and the outcomes attaining it: profiles (normal form), deterministic
    stationary policies (Markov; the listed team-optimal ones), count matrices (compact).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> optimum(prisoners_dilemma())
    (Fraction(6, 1), ((0, 0),))
    """
    kind = _kind(game)
    if kind == "markov":
        from contract_theory.markov.coalitions import team_optimal_policies
        from contract_theory.markov.values import team_optimum
        return team_optimum(game).welfare, team_optimal_policies(game)[0]
    if kind == "compact":
        from contract_theory.equilibria.compact import _compact_optimum
        return _compact_optimum(game)
    from contract_theory.equilibria.welfare import optimum as dense_optimum
    return dense_optimum(game)


def _bloc(game: Any, rules: Rules) -> Any:
    """The coalition engine's adapter for ``game``'s kind (:mod:`contract_theory.contracting.coalitions.bloc`)."""
    kind = _kind(game)
    if kind == "markov":
        from contract_theory.markov.coalitions import MarkovBloc
        return MarkovBloc(game, max_policies=rules.budgets.max_policies)
    if kind == "compact":
        from contract_theory.contracting.coalitions.compact import CompactBloc
        return CompactBloc(game, max_pairs=rules.budgets.max_pairs)
    from contract_theory.contracting.coalitions.normal_form import NormalFormBloc
    return NormalFormBloc(game)


def no_contract_outcome(game: Any, rules: Rules = Rules()) -> Any:
    """The default (no-contract) equilibrium under ``rules.selection`` (assumption A10).

    Examples
    --------
    >>> from contract_theory.games.library import stag_hunt
    >>> no_contract_outcome(stag_hunt()).profile, no_contract_outcome(stag_hunt(), Rules(selection="optimistic")).profile
    ((1, 1), (0, 0))
    """
    return _bloc(game, rules).no_contract(rules.selection)


def coalition_outcome(game: Any, coalition: Iterable[Any], rules: Rules = Rules(), *, baseline: Any = None) -> Any:
    """What coalition S reaches with a rich contract (``docs/background/model.md#4-partial-contracts``).

    ``coalition``: player indices or names; for a compact game its *composition* (members per
    type).  ``baseline``: the no-contract outcome to compare with (:func:`no_contract_outcome`
    under ``rules.selection`` when omitted).  The one engine,
    :func:`contract_theory.contracting.coalitions.bloc.solve_coalition`, on the kind's adapter.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> coalition_outcome(public_goods(4, "8/5", 20), [0, 1, 2]).welfare
    Fraction(116, 1)
    """
    from contract_theory.contracting.coalitions.bloc import solve_coalition
    return solve_coalition(_bloc(game, rules), coalition, rules, baseline=baseline)


def all_coalition_outcomes(game: Any, k: int, rules: Rules = Rules(), *, min_size: int = 2,
                           use_symmetry: bool = True) -> dict[tuple[int, ...], Any]:
    """:func:`coalition_outcome` of every coalition with ``min_size <= |S| <= k``, keyed by coalition
    (compact games: by composition, in size-then-lexicographic order).  More than
    ``rules.budgets.max_coalitions`` coalitions (compact games: ``max_compositions``) raises
    :class:`~contract_theory.errors.SizeLimitError`.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> len(all_coalition_outcomes(public_goods(4, "8/5", 20), 3))
    10
    """
    from contract_theory.contracting.coalitions.bloc import solve_all_coalitions
    return solve_all_coalitions(_bloc(game, rules), k, rules, min_size=min_size, use_symmetry=use_symmetry)


def partial_contract_analysis(game: Any, k: int, rules: Rules = Rules(), *, require_acceptance: bool = False,
                              use_symmetry: bool = True, reuse: Any = None) -> PartialContractAnalysis[Any, Any]:
    """The K-coalition study: every coalition (composition) of size 2..K, W_K, the welfare curve, stability.

    ``require_acceptance`` counts a coalition for W_k only if its members accept;
    ``use_symmetry`` (normal-form and Markov games) solves one coalition per size in symmetric games;
    ``reuse`` takes the coalition outcomes of a study of the same game with a K at least ``k`` and
    the same timing, selection and sharing instead of solving them again (another K or tie rule).
    The one study, :func:`contract_theory.contracting.coalitions.partial_contracts.partial_contract_study`,
    on the kind's adapter; a compact game's study is a
    :class:`~contract_theory.contracting.coalitions.compact.CompactAnalysis`.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> partial_contract_analysis(public_goods(4, "8/5", 20), 4).min_k_for_optimum
    4
    """
    from contract_theory.contracting.coalitions.partial_contracts import partial_contract_study
    study: PartialContractAnalysis[Any, Any] = partial_contract_study(
        _bloc(game, rules), k, rules, require_acceptance=require_acceptance, use_symmetry=use_symmetry, reuse=reuse)
    return study


def check_assumptions(game: Any, k: int | None = None, rules: Rules = Rules(), *, analysis: Any = None,
                      **space: Any) -> list[Any]:
    """The theorem's assumptions A1-A12, B1-B4 as checks (``docs/background/model.md#6-assumptions``).

    ``rules``: timing and selection of the coalition analyses the checks read, and the protocol.
    ``space`` describes the contract space: ``cap``, ``lump_sums``, ``observes``, ``contracts``
    (normal form, :func:`contract_theory.contracting.protocol.assumptions.check_assumptions`);
    ``lump_sums``, ``observes`` (compact).  ``analysis``: a compact game's study with this K to reuse
    (ignored for normal-form games, whose checks compute their own with equal sharing).

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> [c.id for c in check_assumptions(public_goods(4, "8/5", 20), 3) if c.status == "fails"]
    ['A4', 'B1']
    """
    kind = _kind(game)
    if kind == "markov":
        raise _unavailable("the assumption checks", kind)
    if kind == "compact":
        from contract_theory.contracting.protocol.compact_checks import _compact_assumptions
        return _compact_assumptions(game, k, rules, analysis=analysis, **space)
    from contract_theory.contracting.protocol.assumptions import check_assumptions as dense
    return list(dense(game, k, rules, **space))


def spe_solve(game: Any, contracts: Sequence[Any], *, k: int | None = None, exact_k: bool = False,
              proposer: int | str = 0, rules: Rules = Rules()) -> ProtocolResult:
    """SPE welfare range of the (K-)contracting game over a finite contract space
    (``docs/background/model.md#5-the-contracting-protocol``): pure Nash continuations (normal form),
    stationary pure MPE continuations (Markov).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> spe_solve(prisoners_dilemma(), []).worst_welfare
    Fraction(2, 1)
    """
    kind = _kind(game)
    if kind == "markov":
        from contract_theory.contracting.protocol.spe import solve_protocol
        from contract_theory.markov.protocol import MarkovProtocol
        return solve_protocol(MarkovProtocol(game, max_policies=rules.budgets.max_policies), contracts, k=k,
                              exact_k=exact_k, proposer=proposer, rules=rules)
    if kind == "compact":
        raise _unavailable("the SPE over an explicit contract list", kind)
    from contract_theory.contracting.protocol.spe import spe_solve as dense
    return dense(game, contracts, k=k, exact_k=exact_k, proposer=proposer, rules=rules)


def theorem_check(game: Any, *, k: int | None = None, exact_k: bool | None = None, proposer: int | str = "each",
                  rules: Rules = Rules(), space: TheoremSpace = TheoremSpace()) -> ProtocolResult:
    """The contracting game's SPE welfare range over the theorem's rich contract space, for every proposer.

    ``space``: the rich space's options (cap, lump sums, margin, surplus; Markov: penalty and
    targets).  Compact games support the theorem's defaults only (every agent proposes in turn, the
    default protocol and space); otherwise :class:`~contract_theory.errors.ParameterError`.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> theorem_check(prisoners_dilemma()).every_spe_optimal
    True
    """
    kind = _kind(game)
    if kind == "markov":
        from contract_theory.contracting.protocol.spe import theorem_on
        from contract_theory.markov.protocol import MarkovProtocol
        return theorem_on(MarkovProtocol(game, max_policies=rules.budgets.max_policies), k=k, exact_k=exact_k,
                          proposer=proposer, rules=rules, space=space)
    if kind == "compact":
        if proposer != "each" or rules.protocol != ProtocolRules() or space != TheoremSpace():
            raise ParameterError("the compact theorem check supports only the theorem's defaults (proposer 'each', "
                                 "the default protocol and contract space); run theorem_check on game.to_dense() "
                                 "for other choices (small N)")
        from contract_theory.contracting.protocol.compact_checks import _compact_theorem_check
        return _compact_theorem_check(game, k=k, exact_k=exact_k)
    from contract_theory.contracting.protocol.spe import theorem_check as dense
    return dense(game, k=k, exact_k=exact_k, proposer=proposer, rules=rules, space=space)
