r"""Payments to outsiders: strategy-contingent side payments (Jackson and Wilkie 2005).

Definition (``docs/background/modifications.md#payments-to-outsiders``).  The members of a
coalition S sign their rich contract (so S acts as one bloc, ``docs/background/model.md#4-partial-contracts``)
and also commit, before play, to pay each outsider o an amount p_o(a_o) >= 0 that depends
only on o's own action; the payments come out of the members' total.  Outsiders sign
nothing: the offer only changes their incentives, u_o + p_o(a_o).  The offer is observed
before play (Stackelberg timing: the bloc commits to a_S and to p).

Which outsider outcome an offer produces is the ``rule`` (derived from ``selection`` when
omitted):

``"nash"`` (``selection="optimistic"``)
    the target a_O is a pure Nash equilibrium of the outsiders' game left by a_S and p:
    u_o(a) + p_o(a_o) >= u_o(b, a_-o) + p_o(b) for every outsider o and action b.  If the
    outsiders then play another equilibrium, it is one the bloc likes at least as much,
    so the bloc's value max_a [U_S(a) - cost(a)] is exact under optimistic selection.
``"dominant"`` (``selection="pessimistic"``)
    each a_o is a weakly dominant action in the modified game, whatever the other outsiders
    do: p_o(a_o) - p_o(b) >= u_o(b, a_S, x) - u_o(a_o, a_S, x) for all b and all actions x
    of the other outsiders.  This is implementation in dominant strategies
    (k-implementation, Monderer and Tennenholtz 2004): the target is the outsiders' only
    outcome, so it survives pessimistic selection.  It is sufficient, not necessary, for the
    target to be the pessimistic equilibrium; the two coincide when an outsider's best
    response does not depend on the other outsiders (one outsider; additively separable
    games such as linear public goods).

**Indifference rule** (parameter ``indifferent``).  ``"comply"`` (default): an outsider
indifferent between the target action and another plays the target, so the constraints are
weak inequalities and the cheapest offer is attained.  ``"defect"``: an indifferent outsider
plays something else, so the target must win strictly; the cheapest strict offer is then an
infimum, not attained, and the caller states the strict incentive it requires, ``margin`` >
0 (every alternative must lose by at least the margin; a margin may also be asked with
``"comply"``).

The cheapest offer for a target a (``cost(a)`` = sum_o p_o(a_o), payments made on the
path) is a linear program over the variables p_o(b) >= 0 solved exactly and certified by
:func:`contract_theory.exact.lp.solve_lp`.  Off-path payments p_o(b), b != a_o, only
tighten the constraints, so its optimum is p_o(b) = 0 off the path and p_o(a_o) = o's
private loss from playing a_o (``"nash"``: max_b u_o(b, a_-o) - u_o(a); ``"dominant"``: that
loss maximized over the other outsiders' actions).  The bloc's search over targets uses
this closed form, vectorized over the payoff tensor; the chosen target is re-solved by
the LP, and a disagreement raises ``RuntimeError`` (a bug, never silent).

The bloc pays when it gains: the outcome with payments is the best, for the bloc's net
value U_S - cost, of the plain coalition outcome
(:func:`contract_theory.contracting.coalitions.normal_form.coalition_outcome`) and every paid target;
ties by welfare per ``selection``, then no payment, then the smallest profile.
Transfers to outsiders move welfare, they do not create it: W is sum_i u_i at the outcome.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.contracting.coalitions import normal_form as coalitions
from contract_theory.contracting.coalitions.normal_form import Outcome, check_coalition, coalition_outcome, no_contract_outcome
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.modifications.shared import (
    ModificationCurve,
    SolverRecord,
    check_selection,
    compact_coalition,
    compact_coalition_outcome,
    is_compact,
    modification_curve,
    no_contract_of,
    optimum_welfare,
    profile_counts,
    profile_payoffs,
    select_profile,
)
from contract_theory.equilibria.welfare import optimum
from contract_theory.errors import ParameterError, SizeLimitError
from contract_theory.exact.lp import solve_lp
from contract_theory.games.compact import Counts
from contract_theory.games.normal_form import NormalFormGame, Profile

__all__ = ["PAYMENT_RULES", "INDIFFERENCE_RULES", "check_indifference", "PaymentTerms", "PaymentOffer", "PaymentOutcome",
           "PaymentsAnalysis", "payment_rule", "payment_gaps", "cheapest_payments", "payments_outcome",
           "payments_analysis"]

PAYMENT_RULES: tuple[str, ...] = ("nash", "dominant")


def payment_rule(selection: str, rule: str | None = None) -> str:
    """The outsiders' solution an offer must reach: ``rule`` or, when ``None``, the one ``selection`` needs.

    Examples
    --------
    >>> payment_rule("pessimistic"), payment_rule("optimistic"), payment_rule("pessimistic", "nash")
    ('dominant', 'nash', 'nash')
    """
    check_selection(selection)
    if rule is None:
        return "dominant" if selection == "pessimistic" else "nash"
    if rule not in PAYMENT_RULES:
        raise ParameterError(f"unknown payment rule {rule!r}; choose one of {list(PAYMENT_RULES)}")
    return rule


@dataclass(frozen=True)
class PaymentOffer:
    """The cheapest offer making ``target`` the outsiders' outcome, exact and LP-certified.

    ``payments[o]`` lists p_o(b) for each action b of outsider o (all >= 0); ``cost`` is the
    amount paid at the target, sum_o p_o(target_o); ``members_value`` is U_S(target) - cost.
    ``feasible`` is ``False`` only when a ``cap`` makes the target unreachable.
    ``members_gain`` is members_value minus the members' no-contract total (``None`` when
    either is undefined); ``members_still_gain`` says whether it is >= 0.
    """

    coalition: tuple[int, ...]
    target: Profile
    rule: str
    margin: Fraction
    cap: Fraction | None
    feasible: bool
    payments: dict[int, tuple[Fraction, ...]]
    cost: Fraction | None
    members_value: Fraction | None
    method: str
    certified: bool
    exact: bool = True
    members_gain: Fraction | None = None

    @property
    def members_still_gain(self) -> bool | None:
        """Whether the members, after paying, are at least as well off as without any contract."""
        return None if self.members_gain is None else self.members_gain >= 0


def _outsiders(n: int, members: Sequence[int]) -> tuple[int, ...]:
    return tuple(i for i in range(n) if i not in members)


INDIFFERENCE_RULES: tuple[str, ...] = ("comply", "defect")


@dataclass(frozen=True)
class PaymentTerms:
    """The terms of an offer to outsiders: which outsiders' solution it must reach, and how ties count.

    ``rule``: ``"dominant"`` (the target action weakly dominant for every outsider) or ``"nash"``
    (a Nash equilibrium among outsiders); ``None`` (default) picks the one ``selection`` needs
    (:func:`payment_rule`).  ``indifferent`` and ``margin``: :func:`check_indifference`.

    Examples
    --------
    >>> PaymentTerms(indifferent="defect", margin="1/2").margin
    '1/2'
    """

    rule: str | None = None
    indifferent: str = "comply"
    margin: Any = 0

    def __post_init__(self) -> None:
        if self.rule is not None and self.rule not in PAYMENT_RULES:
            raise ParameterError(f"unknown payment rule {self.rule!r}; choose one of {list(PAYMENT_RULES)}")
        check_indifference(self.indifferent, self.margin)


def check_indifference(indifferent: str, margin: Any) -> Fraction:
    """Validate the indifference rule and the margin; return the margin as a Fraction.

    ``"comply"``: an indifferent outsider plays the target (any margin >= 0 may be asked on
    top); ``"defect"``: it does not, so the target must win strictly, by a stated margin > 0
    (the cheapest strict offer is not attained: it is an infimum).

    Examples
    --------
    >>> check_indifference("defect", "1/2")
    Fraction(1, 2)
    """
    if indifferent not in INDIFFERENCE_RULES:
        raise ParameterError(f"unknown indifference rule {indifferent!r}; choose one of {list(INDIFFERENCE_RULES)}")
    m = Fraction(margin)
    if m < 0:
        raise ParameterError(f"margin must be non-negative, got {margin}")
    if indifferent == "defect" and m == 0:
        raise ParameterError("with indifferent='defect' the target must win strictly and the cheapest such offer "
                             "is not attained; give margin > 0, the strict incentive to require")
    return m


def payment_gaps(game: NormalFormGame, members: Sequence[int], rule: str, margin: Any = 0
                 ) -> tuple[np.ndarray, int]:
    """The cheapest p_o(a_o) at every target a, as integers over a common scale.

    Returns ``(gaps, scale)``: ``gaps`` has shape ``game.shape + (|O|,)`` (outsiders in
    increasing index order) and gaps / scale is the payment.  ``"nash"``:
    max(0, max_{b != a_o} u_o(b, a_-o) - u_o(a) + margin); ``"dominant"``: the same maximized
    over the other outsiders' actions (members fixed at a_S).  With margin 0 the maximum may
    include b = a_o (the gap is then >= 0 by itself).  Complexity O(|O| * prod(m_i)), vectorized.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> g = public_goods(4, 2, 20)                      # private loss (1 - r/n) e = 10
    >>> gaps, scale = payment_gaps(g, [0, 1], "nash")
    >>> Fraction(int(gaps[(1, 1, 1, 1)][0]), scale), Fraction(int(payment_gaps(g, [0, 1], "nash", 1)[0][0, 0, 0, 0, 0]))
    (Fraction(10, 1), Fraction(0, 1))
    """
    if rule not in PAYMENT_RULES:
        raise ParameterError(f"unknown payment rule {rule!r}; choose one of {list(PAYMENT_RULES)}")
    m = Fraction(margin)
    outs = _outsiders(game.n_players, members)
    t = game.table if m == 0 else game.table.astype(object) * m.denominator
    scale = game.denominator * m.denominator
    m_int = m.numerator * game.denominator
    out = np.empty(game.shape + (len(outs),), dtype=t.dtype)
    for k, o in enumerate(outs):
        u = t[..., o]
        top = u.max(axis=o, keepdims=True)
        if m == 0:
            gap = top - u
        elif game.shape[o] == 1:
            gap = np.zeros_like(u)
        else:
            unique = (u == top) & ((u == top).sum(axis=o, keepdims=True) == 1)
            second = np.where(u == top, u.min() - 1, u).max(axis=o, keepdims=True)
            gap = np.maximum(np.where(unique, second, top) - u + m_int, 0)
        others = tuple(x for x in outs if x != o)
        if rule == "dominant" and others:
            gap = gap.max(axis=others, keepdims=True)
        out[..., k] = np.broadcast_to(gap, game.shape)
    return out, scale


def cheapest_payments(game: NormalFormGame, coalition: Iterable[int | str], target: Sequence[int | str],
                      terms: PaymentTerms = PaymentTerms(), *, cap: Any = None,
                      baseline: Outcome | None = None) -> PaymentOffer:
    """The cheapest offer p >= 0 making ``target`` the outsiders' outcome, by exact certified LP.

    Variables p_o(b) for every outsider o and action b; minimize sum_o p_o(target_o) subject
    to the constraints of ``terms.rule`` (default ``"nash"``; module docstring) with right-hand
    sides lowered by ``terms.margin`` (each alternative must lose by at least the margin;
    ``indifferent="defect"`` requires a margin > 0, :func:`check_indifference`) and p_o(b) <= ``cap`` when
    given.  ``baseline`` is the no-contract outcome the members' gain is measured from
    (default: the pessimistic one).  Complexity: one LP with sum_o m_o variables and sum_o m_o * prod_{o' != o} m_o'
    rows (``"dominant"``) or sum_o m_o rows (``"nash"``).

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> offer = cheapest_payments(public_goods(4, 2, 20), [0, 1], (1, 1, 1, 1))
    >>> offer.cost, offer.payments[2], offer.members_value, offer.certified
    (Fraction(20, 1), (Fraction(0, 1), Fraction(10, 1)), Fraction(60, 1), True)
    >>> offer.members_gain, offer.members_still_gain       # 60 against 20 + 20 without a contract
    (Fraction(20, 1), True)
    """
    if is_compact(game) and cap is None:
        margin_c = check_indifference(terms.indifferent, terms.margin)
        return _compact_offer(game, compact_coalition(game, coalition), tuple(int(a) for a in target),
                              payment_rule("optimistic", terms.rule), margin_c,
                              no_contract_of(game, "pessimistic") if baseline is None else baseline)
    members = check_coalition(game, coalition)
    prof = game.check_profile(target)
    rule = payment_rule("optimistic", terms.rule)
    margin_f, cap_f = check_indifference(terms.indifferent, terms.margin), None if cap is None else Fraction(cap)
    if cap_f is not None and cap_f < 0:
        raise ParameterError(f"cap must be non-negative, got {cap}")
    n = game.n_players
    outs = _outsiders(n, members)
    fr = game.fractions
    offsets, nvar = {}, 0
    for o in outs:
        offsets[o] = nvar
        nvar += game.shape[o]
    bloc = sum((fr[prof][i] for i in members), Fraction(0))
    if not outs:
        return PaymentOffer(members, prof, rule, margin_f, cap_f, True, {}, Fraction(0), bloc, "no outsiders", True)
    rows: list[list[Fraction]] = []
    rhs: list[Fraction] = []
    for o in outs:
        others = [x for x in outs if x != o] if rule == "dominant" else []
        for x in itertools.product(*(range(game.shape[j]) for j in others)):
            base = list(prof)
            for j, v in zip(others, x):
                base[j] = v
            here = fr[tuple(base)][o]
            for b in range(game.shape[o]):
                if b == prof[o]:
                    continue
                base[o] = b
                row = [Fraction(0)] * nvar
                row[offsets[o] + b] += 1
                row[offsets[o] + prof[o]] -= 1
                rows.append(row)
                rhs.append(here - fr[tuple(base)][o] - margin_f)
                base[o] = prof[o]
    c = [Fraction(0)] * nvar
    for o in outs:
        c[offsets[o] + prof[o]] = Fraction(1)
    res = solve_lp(c, A_ub=rows or None, b_ub=rhs or None, bounds=(0, cap_f))
    if res.status != "optimal":
        return PaymentOffer(members, prof, rule, margin_f, cap_f, False, {}, None, None, res.method, res.certified)
    assert res.x is not None and res.value is not None
    # off-path payments are set to zero: they only tighten the constraints (the LP's value is unchanged)
    pay = {o: tuple(res.x[offsets[o] + b] if b == prof[o] else Fraction(0) for b in range(game.shape[o]))
           for o in outs}
    if baseline is None:
        baseline = no_contract_outcome(game)
    gain = None if baseline.payoffs is None else bloc - res.value - sum(baseline.payoffs[i] for i in members)
    return PaymentOffer(members, prof, rule, margin_f, cap_f, True, pay, res.value, bloc - res.value, res.method,
                        res.certified, members_gain=gain)


@dataclass(frozen=True)
class PaymentOutcome(SolverRecord):
    """What coalition S reaches with payments to outsiders.

    ``offer`` is the certified cheapest offer for the chosen outcome, or ``None`` when the
    bloc does better without paying (then ``paid`` is ``False`` and the plain coalition
    outcome stands).  ``payoffs`` are final payoffs: outsiders' u_o + p_o(a_o); members share
    U_S - cost by ``sharing``.  ``members_gain_vs_plain`` is the members' net total minus
    their total without payments (>= 0 whenever the bloc chooses to pay).
    """

    coalition: tuple[int, ...]
    rule: str
    selection: str
    sharing: str
    paid: bool
    profile: Profile | None
    offer: PaymentOffer | None
    cost: Fraction
    welfare: Fraction | None
    members_value: Fraction | None
    payoffs: tuple[Fraction, ...] | None
    members_accept: bool | None
    gains: tuple[Fraction, Fraction, Fraction] | None
    plain_members_value: Fraction | None
    members_gain_vs_plain: Fraction | None
    ties: tuple[Profile, ...] = ()


def payments_outcome(game: Any, coalition: Iterable[int | str], rules: Rules = Rules(), *,
                     terms: PaymentTerms = PaymentTerms(), baseline: Any = None) -> PaymentOutcome:
    """Coalition S with payments to outsiders (module docstring): the bloc's best offer.

    ``rules``: ``selection`` and ``sharing`` (the plain coalition it is compared with has
    Stackelberg timing); ``terms``: :class:`PaymentTerms`.  Complexity O(|O| * prod(m_i))
    vectorized, one coalition solve and one small LP.  A compact game (``kind == "compact"``) is
    solved by counts for the canonical coalition of a composition (the first s_t players of each
    type): every pair (M, O) of members' and outsiders' count matrices, the cheapest payments in
    closed form (the LP's optimum), the plain outcome from the one coalition engine's compact adapter;
    O(#M * #O * sum m_t), any N.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> g = public_goods(5, 2, 20)          # k = 2: members keep (2r < 5), outsiders are paid ((k+1) r >= 5)
    >>> o = payments_outcome(g, [0, 1])
    >>> o.paid, g.labels(o.profile), o.cost, o.welfare
    (True, ('0', '0', '20', '20', '20'), Fraction(36, 1), Fraction(160, 1))
    """
    compact = is_compact(game)
    members = compact_coalition(game, coalition) if compact else check_coalition(game, coalition)
    selection, sharing = rules.selection, rules.sharing
    rule = payment_rule(selection, terms.rule)
    indifferent = terms.indifferent
    margin_f = check_indifference(indifferent, terms.margin)
    if baseline is None:
        baseline = no_contract_of(game, selection)
    if compact:
        prof, ties, net, w_paid = _compact_target(game, members, rule, margin_f, selection, rules.budgets.max_pairs)
        plain = compact_coalition_outcome(game, members, rules.replace(timing="stackelberg"), baseline)
    else:
        prof, ties, net, w_paid = _dense_target(game, members, rule, margin_f, selection)
        plain = coalition_outcome(game, members, rules.replace(timing="stackelberg"), baseline=baseline)
    plain_value = plain.bloc_value
    notes: list[str] = list(plain.notes)
    record: dict[str, Any] = {"payoffs_exact": getattr(game, "exact", True),
                              "parameters": {"coalition": list(members), "selection": selection, "rule": rule,
                                             "sharing": sharing, "indifferent": indifferent, "margin": str(margin_f)}}
    take_paid = True
    if plain_value is not None:
        w_plain = plain.welfare
        assert w_plain is not None
        if net < plain_value:
            take_paid = False
        elif net == plain_value:
            better = w_paid < w_plain if selection == "pessimistic" else w_paid > w_plain
            take_paid = better
    if not take_paid:
        assert plain.raw_payoffs is not None
        return PaymentOutcome(members, rule, selection, sharing, False, plain.profile, None, Fraction(0),
                              plain.welfare, plain_value, plain.payoffs, plain.members_accept, plain.gains,
                              plain_value, Fraction(0), _profiles_of(game, plain.ties), complete=plain.complete,
                              notes=tuple(notes + ["the bloc does at least as well without paying outsiders"]),
                              method="plain coalition outcome (paying does not help the bloc)", **record)
    offer = cheapest_payments(game, members, prof, PaymentTerms(rule, indifferent, margin_f), baseline=baseline)
    if offer.cost is None or offer.members_value != net:
        raise RuntimeError(f"closed-form payment {net} disagrees with the certified LP {offer.members_value}")
    raw = list(profile_payoffs(game, prof))
    net_raw = [raw[i] + offer.payments[i][prof[i]] if i in offer.payments else raw[i] - offer.cost / len(members)
               for i in range(game.n_players)]
    sh = coalitions.share(net_raw, members, sharing, baseline.payoffs)
    gain = None if plain_value is None else net - plain_value
    if plain_value is None:
        notes.append("the plain coalition outcome is undefined here (no pure continuation)")
    return PaymentOutcome(members, rule, selection, sharing, offer.cost > 0, prof, offer, offer.cost,
                          Fraction(sum(raw)), net, sh.payoffs, sh.members_accept, sh.gains, plain_value, gain, ties,
                          notes=tuple(notes), method=("closed form by counts at every (M, O) pair" if compact else
                                                      "vectorized closed form, certified LP at the chosen target"),
                          **record)


def _profiles_of(game: Any, ties: Sequence[Any]) -> tuple[Profile, ...]:
    """Tied outcomes as profiles (a compact outcome's (M, O) pairs by their canonical profiles)."""
    if not is_compact(game):
        return tuple(ties)
    from contract_theory.contracting.coalitions.compact import _canonical_profile
    return tuple(_canonical_profile(*p) for p in ties)


def _dense_target(game: NormalFormGame, members: tuple[int, ...], rule: str, margin: Fraction, selection: str
                  ) -> tuple[Profile, tuple[Profile, ...], Fraction, Fraction]:
    """The target the bloc picks (max U_S - cost, ties by welfare per ``selection``, then the smallest
    profile), its ties, its net value and welfare: vectorized over the payoff tensor."""
    den = game.denominator
    t = game.table
    gaps, scale = payment_gaps(game, members, rule, margin)
    bloc = t[..., list(members)].sum(axis=-1) * (scale // den)
    wel = t.sum(axis=-1)
    pick = select_profile(bloc - gaps.sum(axis=-1), wel, np.ones(game.shape, dtype=bool), selection)
    assert pick is not None
    prof, ties = pick
    return prof, ties, Fraction(int((bloc - gaps.sum(axis=-1))[prof]), scale), Fraction(int(wel[prof]), den)


# ---------------------------------------------------------------------------- compact games, by counts
def _moved(c: Counts, t: int, b: int, to: int) -> Counts:
    """``c`` with one type-t player moved from action b to action ``to``."""
    row = list(c[t])
    row[b] -= 1
    row[to] += 1
    return c[:t] + (tuple(row),) + c[t + 1:]


def _nash_gap(game: Any, t: int, b: int, c: Counts, margin: Fraction) -> Fraction:
    """max(0, max_{b' != b} f_t(b', c - e_tb + e_tb') - f_t(b, c) + margin): one outsider's cheapest payment."""
    here = game.payoff(t, b, c)
    alts = [game.payoff(t, x, _moved(c, t, b, x)) - here + margin for x in range(game.n_actions[t]) if x != b]
    return max([Fraction(0)] + alts)


def _compact_gap(game: Any, t: int, b: int, pair: tuple[Counts, Counts], how: tuple[str, Fraction],
                 cache: dict[Any, Fraction]) -> Fraction:
    """The cheapest p_o(b) of an outsider of type t on b (module docstring): ``"nash"`` at M + O;
    ``"dominant"`` maximized over every count matrix of the other outsiders (it depends on M, t, b only)."""
    from contract_theory.contracting.coalitions.compact import _dists, _sum_counts

    (M, O), (rule, margin) = pair, how
    if rule == "nash":
        return _nash_gap(game, t, b, _sum_counts(M, O), margin)
    rest = tuple(sum(row) - (1 if u == t else 0) for u, row in enumerate(O))
    key = (t, b, M, rest)
    if key not in cache:
        me = tuple(tuple(int(u == t and x == b) for x in range(m)) for u, m in enumerate(game.n_actions))
        cache[key] = max(_nash_gap(game, t, b, _sum_counts(_sum_counts(M, game.unflatten(row)), me), margin)
                         for row in _dists(game, rest).tolist())
    return cache[key]


def _compact_target(game: Any, members: tuple[int, ...], rule: str, margin: Fraction, selection: str,
                    max_pairs: int) -> tuple[Profile, tuple[Profile, ...], Fraction, Fraction]:
    """:func:`_dense_target` by counts: every pair (M, O) of the members' and outsiders' count matrices,
    vectorized over the game's count tables (:func:`~contract_theory.equilibria.compact.count_tables`),
    each outsider's cheapest payment from :func:`_gap_table`; ties go to the smallest canonical profile
    (within a type, members first, actions ascending), the smallest dense profile of the pair, so the
    dense tie rule is kept.  Complexity O(#M * #O * sum m_t) (``"dominant"``: plus #M * #O' per column)."""
    from contract_theory.contracting.coalitions.compact import _canonical_profile, _composition_of, _dists, _pair_tables
    from contract_theory.equilibria.compact import count_tables

    s = _composition_of(game, members)
    outs = tuple(n - x for n, x in zip(game.type_counts, s))
    pairs = math.prod(math.comb(x + m - 1, m - 1) for x, m in zip(s + outs, game.n_actions * 2))
    if pairs > max_pairs:
        raise SizeLimitError(f"payments to outsiders need {pairs} member x outsider count pairs, above "
                             f"max_pairs={max_pairs}, for the composition {list(s)}; lower K or raise max_pairs "
                             "(--max-pairs)")
    tables = count_tables(game)
    Ms, Os, U, W, _ = _pair_tables(game, tables, s, max_pairs)
    G, scale = _gap_table(game, tables, margin)
    cols = range(Ms.shape[1])
    if rule == "nash":
        idx = tables.index(tables.code(Ms)[:, None] + tables.code(Os)[None, :])
        cost = sum((Os[None, :, d] * G[idx, d] for d in cols if Os[:, d].any()), np.zeros(U.shape, dtype=G.dtype))
    else:
        per_m = np.zeros((len(Ms), len(game.columns)), dtype=G.dtype)
        for d, (t, _) in enumerate(game.columns):
            if outs[t]:
                rest = _dists(game, [x - (u == t) for u, x in enumerate(outs)])
                j = tables.index(tables.code(Ms)[:, None] + tables.code(rest)[None, :] + tables.radix[d])
                per_m[:, d] = G[j, d].max(axis=1)
        cost = sum((Os[None, :, d] * per_m[:, None, d] for d in cols if Os[:, d].any()),
                   np.zeros(U.shape, dtype=G.dtype))
    net = U * (scale // tables.denominator) - cost
    best = net.max()
    keep = net == best
    w = W[keep].min() if selection == "pessimistic" else W[keep].max()
    tied = sorted(_canonical_profile(game.unflatten(Ms[i].tolist()), game.unflatten(Os[k].tolist()))
                  for i, k in np.argwhere(keep & (W == w)))
    return tied[0], tuple(tied), Fraction(int(best), scale), Fraction(int(w), tables.denominator)


def _gap_table(game: Any, tables: Any, margin: Fraction) -> tuple[np.ndarray, int]:
    """(G, scale): G[r, d] * 1/scale = max(0, max_{b' != b} f_t(b', c_r - e_tb + e_tb') - f_t(b, c_r) + margin),
    the cheapest payment of a player on column d = (t, b) at count matrix r (0 where d is empty, or t
    has one action); scale = the tables' denominator times the margin's.  Complexity O(rows * sum m_t^2)."""
    q, den = margin.denominator, tables.denominator
    T = tables.table if abs(int(np.abs(tables.table).max(initial=0))) * q < (1 << 60) else tables.table.astype(object)
    G = np.zeros(T.shape, dtype=T.dtype)
    for d, (t, _) in enumerate(game.columns):
        occupied = tables.rows[:, d] >= 1
        alts = [T[np.where(occupied, np.searchsorted(tables.codes, tables.codes - tables.radix[d] + tables.radix[d2]), 0),
                  d2] for d2, (t2, _) in enumerate(game.columns) if t2 == t and d2 != d]
        if alts:
            top = alts[0] if len(alts) == 1 else np.maximum.reduce(alts)
            G[:, d] = np.where(occupied, np.maximum((top - T[:, d]) * q + margin.numerator * den, 0), 0)
    return G, den * q


def _compact_offer(game: Any, members: tuple[int, ...], prof: Profile, rule: str, margin: Fraction,
                   baseline: Any) -> PaymentOffer:
    """:func:`cheapest_payments` of a compact game, in closed form by counts (its LP's optimum: p_o(a_o) =
    o's private loss, zero off the path; module docstring)."""
    M, O = profile_counts(game, prof, members), profile_counts(game, prof, _outsiders(game.n_players, members))
    types = [t for t, n in enumerate(game.type_counts) for _ in range(n)]
    cache: dict[Any, Fraction] = {}
    pay = {o: tuple(_compact_gap(game, types[o], x, (M, O), (rule, margin), cache) if x == prof[o] else Fraction(0)
                    for x in range(game.n_actions[types[o]])) for o in _outsiders(game.n_players, members)}
    raw = profile_payoffs(game, prof)
    cost = sum((pay[o][prof[o]] for o in pay), Fraction(0))
    bloc = sum((raw[i] for i in members), Fraction(0))
    gain = None if baseline.payoffs is None else bloc - cost - sum(baseline.payoffs[i] for i in members)
    return PaymentOffer(members, tuple(prof), rule, margin, None, True, pay, cost, bloc - cost,
                        "closed form by counts (the LP's optimum)", False, members_gain=gain)


@dataclass(frozen=True)
class PaymentsAnalysis(SolverRecord):
    """W_k with payments to outsiders for k = 1..K, the best coalition per size, its outcome."""

    k: int
    selection: str
    rule: str
    sharing: str
    curve: ModificationCurve
    best_by_size: dict[int, PaymentOutcome]

    @property
    def best(self) -> PaymentOutcome | None:
        """The outcome reaching W_K (the smallest size attaining it), ``None`` if no coalition beats no contract."""
        w = self.curve.w_k
        return next((o for s, o in sorted(self.best_by_size.items()) if o.welfare == w), None)


def _candidates(game: Any, k: int, sym: bool, max_coalitions: int) -> dict[int, list[tuple[int, ...]]]:
    """The coalitions solved per size 2..k: one per size (symmetric), one per composition (compact; its
    canonical members), else every coalition; more than ``max_coalitions`` is a SizeLimitError."""
    n = game.n_players
    count = (k - 1) if sym else sum(math.comb(n, s) for s in range(2, k + 1))
    if not is_compact(game) and count > max_coalitions:
        raise SizeLimitError(f"{count} coalitions of size 2..{k} exceed max_coalitions={max_coalitions}; "
                             "lower K or raise max_coalitions")
    if is_compact(game):
        from contract_theory.contracting.coalitions.compact import canonical_coalition, compositions
        out: dict[int, list[tuple[int, ...]]] = {size: [] for size in range(2, k + 1)}
        for s in compositions(game, 2, k):
            out[sum(s)].append(canonical_coalition(game, s))
        # the dense tie rule: the lexicographically smallest coalition; a composition's smallest is its canonical one
        return {size: sorted(c) for size, c in out.items()}
    return {size: [tuple(range(size))] if sym else list(itertools.combinations(range(n), size))
            for size in range(2, k + 1)}


def payments_analysis(game: Any, k: int, rules: Rules = Rules(), *, terms: PaymentTerms = PaymentTerms(),
                      use_symmetry: bool = True, max_coalitions: int = 20_000) -> PaymentsAnalysis:
    """W_k with payments to outsiders for every k <= K, and the smallest k reaching W*.

    Every coalition of size 2..K is solved by :func:`payments_outcome` (one coalition per size
    when the game and its no-contract outcome are invariant under every permutation of the
    players, :func:`~contract_theory.contracting.coalitions.normal_form.invariant_outcome`); the best coalition of
    each size is the highest welfare, ties to the lexicographically smallest.  More than
    ``max_coalitions`` coalitions raises :class:`~contract_theory.errors.SizeLimitError`.
    Complexity: that many coalition solves of O(n * prod(m_i)) each.

    Examples
    --------
    >>> from contract_theory.games.library import public_goods
    >>> a = payments_analysis(public_goods(5, 2, 20), 5)
    >>> {k: str(w) for k, w in a.curve.welfare_by_k.items()}, a.curve.min_k_for_optimum
    ({1: '100', 2: '160', 3: '200', 4: '200', 5: '200'}, 3)
    """
    from contract_theory.contracting.coalitions.partial_contracts import check_k

    check_k(game, k)
    selection, sharing = rules.selection, rules.sharing
    rule = payment_rule(selection, terms.rule)
    base = no_contract_of(game, selection)
    compact = is_compact(game)
    sym = not compact and use_symmetry and coalitions.invariant_outcome(game, base)
    by_size = _candidates(game, k, sym, max_coalitions)
    w_star = optimum_welfare(game) if compact else optimum(game)[0]
    best: dict[int, PaymentOutcome] = {}
    for size, candidates in by_size.items():
        for S in candidates:
            o = payments_outcome(game, S, rules, terms=PaymentTerms(rule, terms.indifferent, terms.margin), baseline=base)
            if o.welfare is None:
                continue
            held = best[size].welfare if size in best else None
            if held is None or o.welfare > held:
                best[size] = o
    curve = modification_curve({s: o.welfare for s, o in best.items()}, base.welfare, w_star, k)
    notes = ["symmetric game: one coalition per size"] if sym else (
        ["compact game: one coalition per composition (its canonical members)"] if compact else [])
    return PaymentsAnalysis(k, selection, rule, sharing, curve, best, notes=tuple(notes),
                            payoffs_exact=getattr(game, "exact", True),
                            method="payments_outcome per coalition (one per size in symmetric games)",
                            complete=all(o.complete for o in best.values()),
                            parameters={"k": k, "selection": selection, "rule": rule, "sharing": sharing,
                                        "use_symmetry": use_symmetry, "max_coalitions": max_coalitions,
                                        "indifferent": terms.indifferent, "margin": str(Fraction(terms.margin))})
