r"""The theorem's assumptions and the theorem check on compact games, by composition.

``docs/background/model.md#8-compact-games`` applied to ``#5-the-contracting-protocol`` and
``#6-assumptions``: the compact counterparts of
:func:`contract_theory.contracting.protocol.assumptions.check_assumptions` and
:func:`contract_theory.contracting.protocol.spe.theorem_check`, computed from coalition
compositions (:mod:`contract_theory.contracting.coalitions.compact`) at a cost polynomial in N.

* :func:`_compact_assumptions` -- the assumption checks A1-A12, B1-B4 that do not need an
  explicit contract list;
* :func:`_compact_theorem_check` -- the contracting protocol's SPE welfare range over the
  theorem's rich contract space.

(Split from the compact coalition study so that the coalition layer does not import the protocol;
issue 20's stage 2 replaces both by the compact adapter of the one coalition engine.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, cast

import numpy as np

from contract_theory.contracting.coalitions.compact import (
    CompactAnalysis,
    _compact_analysis,
    _compact_no_contract,
    _dists,
    _pairwise,
    _take,
    compositions,
)
from contract_theory.contracting.coalitions.partial_contracts import check_k
from contract_theory.contracting.coalitions.rules import Rules, Selection, Timing, check_voting
from contract_theory.equilibria.compact import _compact_optimum, _compact_pure_equilibria, count_tables, dominant_actions, linear_parts
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.games.compact import AnonymousGame, Counts

__all__: list[str] = []  # the compact checks are reached through contract_theory.api


# ---------------------------------------------------------------------------- assumptions
def _study_rules(rules: Rules, timing: str, selection: str) -> Rules:
    """The rules of a coalition analysis an assumption check reads: ``timing`` and ``selection``, equal
    sharing and the ``"inside"`` tie rule (as the dense checks), the caller's budgets."""
    return Rules(timing=cast(Timing, timing), selection=cast(Selection, selection), budgets=rules.budgets)


def _not_content(game: AnonymousGame, c: Counts) -> list[tuple[int, int, int, Fraction]]:
    """Occupied (type, action) pairs whose players would deviate at c: (t, b, better action, gain)."""
    out = []
    for t, row in enumerate(c):
        for b, k in enumerate(row):
            if not k:
                continue
            here = game.payoff(t, b, c)
            best, gain = b, Fraction(0)
            for b2 in range(len(row)):
                if b2 == b:
                    continue
                moved = tuple(tuple(v - (tt == t and bb == b) + (tt == t and bb == b2) for bb, v in enumerate(r))
                              for tt, r in enumerate(c))
                g = game.payoff(t, b2, moved) - here
                if g > gain:
                    best, gain = b2, g
            if gain > 0:
                out.append((t, b, best, gain))
    return out


def _equilibrium_profiles(game: AnonymousGame) -> int:
    """How many pure profiles (not count matrices) are equilibria."""
    eqs = _compact_pure_equilibria(game).equilibria
    return sum(math.prod(math.factorial(sum(row)) // math.prod(math.factorial(x) for x in row) for row in c)
               for c in eqs)


def _incomplete(analyses: Sequence[CompactAnalysis], size: int | None = None) -> list[tuple[int, ...]]:
    """Compositions (of ``size``, default every size) that the counts engine cannot decide exactly.

    Those are the Stackelberg outcomes with exactly two outsiders and a member commitment that
    leaves them without a pure equilibrium: the model (and the dense solver, ``mixed=True``)
    then uses the two outsiders' exact mixed equilibria, which the counts engine does not
    compute.  Other exclusions (three or more outsiders; a Nash-timing bloc game without a pure
    equilibrium) are the model's own pure-continuation rule and are decided alike by both.
    """
    return sorted({s for a in analyses if a.timing == "stackelberg" for s, o in a.outcomes.items()
                   if not o.complete and a.compact_game.n_players - sum(s) == 2
                   and (size is None or sum(s) == size)})


def _undecided(bid: str, name: str, missing: list[tuple[int, ...]], what: str) -> Any:
    """The check ``bid`` cannot be decided by counts: ``what`` reads outcomes of incomplete compositions."""
    from contract_theory.contracting.protocol.assumptions import UNDECIDED, AssumptionCheck

    return AssumptionCheck(
        bid, name, UNDECIDED, {"incomplete compositions": [list(s) for s in missing[:5]], "count": len(missing)},
        f"{what} reads coalition outcomes whose continuation games lack pure equilibria ({len(missing)} "
        "composition(s), e.g. " + str(list(missing[0])) + "); the counts engine excludes those branches, where the "
        "dense solver uses the two outsiders' exact mixed equilibria, so the answer is not decided here. For small "
        "N run check_assumptions on game.to_dense().")


def _compact_assumptions(
    game: AnonymousGame, k: int | None = None, rules: Rules = Rules(), *, lump_sums: bool = True,
    observes: str = "members", analysis: CompactAnalysis | None = None,
) -> list[Any]:
    """A1-A12 and B1-B4 (``docs/background/model.md#6-assumptions``) for a compact game.

    Same ids, statuses and meaning as :func:`contract_theory.contracting.protocol.assumptions.check_assumptions`
    with unbounded transfers (no ``cap``) and no explicit contract list (A2 holds by
    construction); witnesses name types and actions instead of players.  ``rules`` as there
    (timing, selection, the protocol).  ``analysis`` (the :func:`_compact_analysis` with this K,
    timing and selection) is reused when given.  A7, B2,
    B3 and B4 are ``"undecided"`` (:data:`~contract_theory.contracting.protocol.assumptions.UNDECIDED`,
    the witness names the compositions) when they read a Stackelberg outcome with two outsiders
    left without a pure equilibrium by some commitment: the model then uses their mixed
    equilibria, which counts do not compute.
    Complexity: three compact analyses (B3, B4) plus the optimum's deviation checks.

    >>> from contract_theory.games.compact_library import public_goods_compact
    >>> checks = _compact_assumptions(public_goods_compact(4, "8/5", 20), k=3)
    >>> " ".join(c.id for c in checks if c.status == "fails")
    'A4 B1'
    """
    from types import SimpleNamespace

    from contract_theory.contracting.protocol.assumptions import ASSUMPTIONS, FAILS, HOLDS, NA, AssumptionCheck

    n = game.n_players
    k = n if k is None else k
    timing, selection = rules.timing, rules.selection
    voting, refinement, default = rules.protocol.voting, rules.protocol.refinement, rules.protocol.default
    if observes not in ("members", "all"):
        raise ParameterError(f"observes must be 'members' or 'all', got {observes!r}")
    rule, _ = check_voting(voting)
    a = analysis if analysis is not None else _compact_analysis(game, k, _study_rules(rules, timing, selection))
    # the checks that read only the contract space and the protocol are the registered dense ones
    inputs = SimpleNamespace(observes=observes, lump_sums=lump_sums, rule=rule, voting=voting,
                             refinement=refinement, k=k, w_star=a.optimum_welfare)
    static = {x.id: x.check(inputs) for x in ASSUMPTIONS  # type: ignore[arg-type]  # reason: the protocol-only checks read only these fields, given by a namespace
              if x.id in ("A1", "A5", "A6", "A8", "A9", "A11")}
    base = a.baseline
    out = [static["A1"], AssumptionCheck("A2", "budget balance", HOLDS, None,
                                         "Transfers sum to zero at every outcome, so they redistribute and never "
                                         "create welfare.")]
    enforce = None
    first_dev = None
    for c in a.optimum_counts:
        devs = _not_content(game, c)
        movers = sum(c[t][b] for t, b, _, _ in devs)
        if first_dev is None and devs:
            first_dev = (c, devs[0])
        if max(2, movers) <= k:
            enforce = (c, movers)
            break

    def label(c: Counts) -> list[dict[str, int]]:
        return [{game.actions[t][b]: x for b, x in enumerate(row) if x} for t, row in enumerate(c)]

    if enforce is None:
        c0, (t, b, b2, gain) = first_dev  # type: ignore[misc]  # reason: enforce is None only when a first deviation was found
        wit = {"profile": label(c0), "type": t, "action": game.actions[t][b], "deviation": game.actions[t][b2],
               "gain": str(gain)}
        out.append(AssumptionCheck("A3", "transfers large enough", NA, None,
                                   "No coalition of at most K members can make an optimal profile an equilibrium."))
        out.append(AssumptionCheck("A4", "an enforcing contract for the optimum exists", FAILS, wit,
                                   f"At every optimal profile more than K={k} agents would deviate."))
    else:
        out.append(AssumptionCheck("A3", "transfers large enough", HOLDS, {"cap": None},
                                   "Transfers are unbounded, so any deviation penalty is available."))
        out.append(AssumptionCheck("A4", "an enforcing contract for the optimum exists", HOLDS,
                                   {"profile": label(enforce[0]), "deviators": enforce[1]},
                                   f"{max(2, enforce[1])} members can enforce an optimal profile."))
    out += [static["A5"], static["A6"]]
    best = a.best(k)
    if rule != "unanimous":
        out.append(AssumptionCheck("A7", "voluntary participation with veto", FAILS, {"voting": str(voting)},
                                   f"Under {voting!r} voting a contract can bind a signatory who voted against it."))
    elif k < n and _incomplete([a], k):
        out.append(_undecided("A7", "voluntary participation with veto", _incomplete([a], k), "A7 (outsiders' losses)"))
    elif k < n:
        loss = None
        if best is not None and best.outsider_runs is not None and base.runs is not None:
            for t, (x, nt) in enumerate(zip(best.composition, game.type_counts)):
                for v, b0, _ in _pairwise(best.outsider_runs[t], _take(base.runs[t], x, nt - x)):
                    if v < b0 and (loss is None or b0 - v > loss[1]):
                        loss = (t, b0 - v)
        out.append(AssumptionCheck(
            "A7", "voluntary participation with veto", FAILS if loss else HOLDS,
            None if loss is None else {"composition": list(best.composition), "type": loss[0],  # type: ignore[union-attr]  # reason: guarded by "loss is None" on this line
                                       "loss": str(loss[1])},
            "Outsiders have no veto: the contract can lower their payoff without their consent." if loss
            else "Only signatories vote and no outsider loses at the best coalition's outcome."))
    else:
        out.append(AssumptionCheck("A7", "voluntary participation with veto", HOLDS, None,
                                   "Every agent signs and any one can veto."))
    out += [static["A8"], static["A9"]]
    n_eq = _equilibrium_profiles(game) if linear_parts(game) is None else math.prod(
        len(d) ** nt for d, nt in zip(dominant_actions(game), game.type_counts))  # type: ignore[arg-type]  # reason: dominant_actions is not None when linear_parts is not None
    if n_eq == 0:
        out.append(AssumptionCheck("A10", "disagreement payoff independent of the proposal", FAILS,
                                   "no pure equilibrium", "The default game has no pure equilibrium."))
    else:
        ok = n_eq == 1 or default != "any"
        out.append(AssumptionCheck(
            "A10", "disagreement payoff independent of the proposal", HOLDS if ok else FAILS,
            None if n_eq == 1 else {"equilibria": n_eq},
            "The default game has a unique pure equilibrium." if n_eq == 1 else
            f"The default game has {n_eq} pure equilibria; " +
            (f"the protocol fixes the {default} one." if ok else "the threat after a rejection can depend on "
             "the proposal.")))
    out.append(static["A11"])
    out.append(next(x.check(inputs) for x in ASSUMPTIONS if x.id == "A12"))  # type: ignore[arg-type]  # reason: A12 reads only w_star, given by a namespace
    if k == n:
        for bid, name in (("B1", "outsiders' incentives at the optimum"), ("B2", "externality sign"),
                          ("B3", "selection sensitivity"), ("B4", "timing sensitivity")):
            out.append(AssumptionCheck(bid, name, NA, None, "Every agent signs (K = N): there are no outsiders."))
        return out
    out.append(AssumptionCheck("B1", "outsiders' incentives at the optimum", HOLDS if enforce else FAILS,
                               out[3].witness, out[3].explanation))
    if _incomplete([a], k):
        out.append(_undecided("B2", "externality sign (no outsider harmed)", _incomplete([a], k),
                              "B2 (the best coalition's externality)"))
    elif best is None or best.outsider_runs is None or base.runs is None:
        out.append(AssumptionCheck("B2", "externality sign", NA, None, "No pure outcome to compare."))
    else:
        diffs = [v - b0 for t, (x, nt) in enumerate(zip(best.composition, game.type_counts))
                 for v, b0, _ in _pairwise(best.outsider_runs[t], _take(base.runs[t], x, nt - x))]
        neg = any(d < 0 for d in diffs)
        sign = "negative" if neg else ("positive" if any(d > 0 for d in diffs) else "none")
        out.append(AssumptionCheck("B2", "externality sign (no outsider harmed)", FAILS if neg else HOLDS,
                                   {"composition": list(best.composition), "sign": sign},
                                   f"The best coalition's play has a {sign} externality on outsiders."))
    variants: list[tuple[str, str, dict[str, str]]] = [
        ("B3", "selection insensitivity",
         {"timing": timing, "selection": "optimistic" if selection == "pessimistic" else "pessimistic"}),
        ("B4", "timing insensitivity",
         {"timing": "nash" if timing == "stackelberg" else "stackelberg", "selection": selection})]
    for bid, name, kw in variants:
        b = _compact_analysis(game, k, _study_rules(rules, kw["timing"], kw["selection"]))
        missing = _incomplete([a, b])
        if missing:
            out.append(_undecided(bid, name, missing, f"{bid} (W_K under {kw})"))
            continue
        other = b.welfare_curve[k]
        same = other == a.welfare_curve[k]
        out.append(AssumptionCheck(bid, name, HOLDS if same else FAILS,
                                   None if same else {"this": str(a.welfare_curve[k]), "other": str(other), **kw},
                                   f"W_K is {a.welfare_curve[k]} here and {other} with {kw}."))
    return out


# ---------------------------------------------------------------------------- the protocol's SPE
def _compact_theorem_check(game: AnonymousGame, *, k: int | None = None, exact_k: bool | None = None,
                          max_branches: int = 5_000_000) -> Any:
    """SPE welfare range of the contracting game over the theorem's rich contract space, by counts.

    The compact counterpart of :func:`contract_theory.contracting.protocol.spe.theorem_check` with
    its defaults (every agent proposes in turn, unanimous sequential voting, indifferent voters
    accept, the pessimistic default equilibrium, no cap, lump sums with the automatic surplus
    1/(2 N d)); see ``docs/background/model.md#5-the-contracting-protocol``.  A proposal (S, a*)
    matters only through the proposer's type and action, the members' counts M and the target
    outsiders' counts O* (outsiders content at M + O*): members then play a*_S (strictly
    dominant), outsiders any content continuation o, each voter accepts iff its payoff is at
    least its default payoff, and the proposer's threshold is the best worst-case payoff over
    proposals.  Needs a default equilibrium that pays every player of a type the same (else
    :class:`~contract_theory.errors.ParameterError`: use the dense check on ``to_dense()``).
    Returns a :class:`~contract_theory.contracting.protocol.spe.ProtocolResult` (``per_proposer``
    holds one entry per type, named by its first player).  Complexity: per composition and
    member counts M, O(|E(M)|^2) for the continuation sets E(M), vectorized.

    >>> from contract_theory.games.compact_library import n_prisoners_dilemma_compact
    >>> r = _compact_theorem_check(n_prisoners_dilemma_compact(4))
    >>> r.every_spe_optimal, r.worst_welfare
    (True, Fraction(8, 1))
    """
    from contract_theory.contracting.protocol.spe import ProposerSPE, ProtocolResult

    n = game.n_players
    k = n if k is None else k
    check_k(game, k)
    exact = (k == n) if exact_k is None else exact_k
    tables = count_tables(game)
    base = _compact_no_contract(game, "pessimistic")
    if base.runs is None or base.welfare is None:
        raise ParameterError("the game has no pure Nash equilibrium: the disagreement outcome is undefined")
    if any(len(r) > 1 for r in base.runs):
        raise ParameterError("the default equilibrium pays players of one type differently; the compact SPE check "
                             "needs a type-uniform default (run theorem_check on game.to_dense() for small N)")
    scale = 2 * n  # payoffs in units of 1/(2 n d): the surplus 1/(2 n d) is one unit
    F = tables.table * scale
    Wc = tables.welfare * scale
    cols = game.columns
    beta = np.array([int(base.runs[t][0][0] * tables.denominator * scale) for t, _ in cols], dtype=object)
    w0 = int(base.welfare * tables.denominator * scale)
    w_star = _compact_optimum(game)[0]
    sizes = [k] if exact else list(range(2, k + 1))
    per: list[Any] = []
    budget = max_branches
    offsets = np.cumsum((0,) + game.n_actions[:-1])
    for tau in range(game.n_types):
        b_tau = int(beta[offsets[tau]])
        proposals: list[tuple[Any, Any]] = []  # (proposer payoffs, welfare) per branch; rows = proposals
        for s in compositions(game, min(sizes), max(sizes)):
            if sum(s) not in sizes or s[tau] < 1:
                continue
            Ms = _dists(game, s)
            Os = _dists(game, [x - y for x, y in zip(game.type_counts, s)])
            for M in Ms:
                idx = tables.index(tables.code(M) + tables.code(Os))
                ok = np.all((Os == 0) | tables.content[idx], axis=1)
                E = idx[ok]
                if not len(E):  # no target profile has these member counts: no proposal (as the dense space)
                    continue
                FE, WE = F[E], Wc[E]
                budget -= len(E) * (len(E) + 1) * game.n_actions[tau]
                if budget < 0:
                    raise SizeLimitError(f"the compact SPE check exceeds max_branches={max_branches}")
                for bp in range(game.n_actions[tau]):
                    pcol = int(offsets[tau] + bp)
                    if M[pcol] < 1:
                        continue
                    v = M.copy()
                    v[pcol] -= 1
                    voters = v > 0
                    # contract 1: the deviation penalty alone (no transfers on the path)
                    acc = np.all(~voters | (FE >= beta), axis=1)
                    proposals.append((np.where(acc, FE[:, pcol], b_tau), np.where(acc, WE, w0)))
                    # contract 2: plus lump sums giving each voter its default payoff + 1 unit at the target
                    lump = (v * (beta + 1)).sum() - FE @ v  # per target O*: what the voters receive in total
                    acc2 = np.all(~voters[None, None, :] | (FE[None, :, :] - FE[:, None, :] + 1 >= 0), axis=2)
                    pay2 = np.where(acc2, FE[None, :, pcol] - lump[:, None], b_tau)
                    proposals.append((pay2, np.where(acc2, WE[None, :], w0)))
        # a proposal's worst case for the proposer is its row minimum (contract 2: one row per target O*)
        threshold = max([b_tau] + [int(p.min(axis=-1).max()) for p, _ in proposals])
        lows, highs = [w0] if b_tau >= threshold else [], [w0] if b_tau >= threshold else []
        for pay, wel in proposals:
            keep = pay >= threshold
            if keep.any():
                lows.append(int(wel[keep].min()))
                highs.append(int(wel[keep].max()))
        unit = tables.denominator * scale
        first = sum(game.type_counts[:tau])
        per.append(ProposerSPE(first, Fraction(min(lows), unit), Fraction(max(highs), unit), None, None,
                               Fraction(threshold, unit)))
    worst = min(x.worst_welfare for x in per)
    best = max(x.best_welfare for x in per)
    params = {"k": k, "exact_k": exact, "proposer": "each", "voting": "unanimous", "refinement": "sequential",
              "voter_tie": "accept", "default": "pessimistic"}
    return ProtocolResult(w_star, worst, best, tuple(per), worst == w_star, params, True, ())
