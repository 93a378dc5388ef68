r"""Tight guarantees: the exact worst case of a quantity over every game of a shape.

Model: MODEL.md section 10 (premises, conditions and guarantees; ``docs/background/model.md``) and
the how-to `docs/howto/tight-guarantee.md`.  A **guarantee** is the exact worst case of a quantity
over a class of games; it is **tight** when a game of the class attains it, otherwise it is an
infimum approached by a stated sequence of games.  Quantities (:data:`QUANTITIES`):

``ratio``
    inf of W_K / W* over the games with **nonnegative payoffs and W* > 0** on which W_K is defined
    (a pure no-contract equilibrium or some coalition outcome exists).  W_K is the best welfare
    reached by a coalition of size 2..K **or by no contract** (K = 1: no contract alone), as in
    :attr:`~contract_theory.contracting.coalitions.partial_contracts.PartialContractAnalysis.w_k`.
    The ratio is scale free, so the search normalizes W* = 1 (every profile's welfare <= 1, one equal).
``welfare-gain``
    inf over games with **payoffs in [0, 1]** of min over the coalitions S with 2 <= |S| <= K that
    have an outcome of W(S) - W_0 (how far a signing coalition can lower welfare; the encoding is
    a cone, so a difference needs the box); games without a pure no-contract equilibrium or without
    any coalition outcome are outside the domain.
``members-gain``
    the same for the members' total gain U_S(q_S) - U_S(b) (q_S the coalition's outcome, b the
    no-contract outcome; sharing moves money among members, so the total does not depend on it);
    dense shapes only (by counts the members' no-contract total depends on who signs).

Method (each step recorded in :attr:`BoundResult.solver`):

1. **Size estimate** before anything is built: about ``6 (C + 1) P^2`` atoms for P profiles and C
   coalitions (counts: P count vectors and the coalition outcome pairs); above
   :attr:`BoundLimits.max_atoms` a :class:`BoundSizeError` names the size and the way out.
2. **Optimize**: the quantity's outcome formulas (the selected no-contract outcome ``nc[b]`` and
   coalition outcomes ``oc[S][q]`` of :func:`contract_theory.search.encoding.claim_blocks`, or of
   :mod:`contract_theory.search.counts` for symmetric games) with a variable t bounding the
   quantity, minimized by z3's optimizer over linear real arithmetic (OMT, exact rationals).  The
   optimum is read exactly (``is_rational_value``; an optimum ``c + k epsilon`` means the
   infimum c is approached, not reached, under strict inequalities).
3. **Certify the bound** with a plain z3 solver: "some game has quantity < c" is unsatisfiable
   (the guarantee holds), "some game has quantity <= c" decides attainment.
4. **Witness**: a game with quantity exactly c (attained; ``min``) or, when c is an infimum, games
   with quantity in (c, c + delta] for delta = 1/10, 1/100, 1/1000 (``inf``); each is re-evaluated
   by the library's exact coalition solver
   (:func:`~contract_theory.contracting.coalitions.partial_contracts.partial_contract_analysis`, or the
   compact engine for symmetric games), never by z3, and a disagreement raises.

``unknown``: z3 hit the time limit (the result says at which step).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.errors import ParameterError
from contract_theory.exact.numbers import fmt
from contract_theory.search.encoding import And, Atom, Formula, claim_blocks, formula_size
from contract_theory.util.latex import tex_escape

__all__ = ["QUANTITIES", "MAXIMIZED", "MODIFICATIONS", "COUNT_NATIVE_PREMISES", "COUNT_PREMISE_PROFILES",
           "BoundLimits", "BoundSizeError", "BoundResult", "tight_bound", "refuse_modification", "estimated_atoms",
           "bound_text", "bound_latex", "GUARANTEE_SHAPES", "guarantees_table", "guarantees_text",
           "guarantees_markdown", "DEFAULT_MAX_ATOMS"]

_BOX = "payoffs in [0, 1] (the encoding is a cone: without a box a difference is 0 or unbounded)"
#: The quantities :func:`tight_bound` computes, with their normalization (module docstring).
QUANTITIES: dict[str, str] = {
    "ratio": "nonnegative payoffs and W* > 0 (scaled to W* = 1; the ratio is scale free)",
    "welfare-gain": _BOX, "members-gain": _BOX, "min-member-gain": _BOX, "outsiders-loss": _BOX,
}
#: Quantities whose guarantee is an upper bound (a worst case that is a maximum): the search minimizes the
#: negated quantity (an outsider's gain u_o(q_S) - u_o(b)) and reports the bound with its sign flipped.
MAXIMIZED: tuple[str, ...] = ("outsiders-loss",)
#: The treaty modifications of ``design`` (MODEL.md section 4) and why a bound cannot encode them yet.
MODIFICATIONS: dict[str, str] = {
    "payments-to-outsiders": "the bloc's best payments p_o(a_o) >= 0 are themselves an optimization over the payoff "
                             "values (a bilevel problem), not a fixed finite set of payoff comparisons",
    "several-contracts": "a coalition structure's blocs play an equilibrium among themselves whose existence and "
                         "selection over every partition of N is not encoded (only one coalition and its outsiders "
                         "are)",
}
#: The premises the counts encoding writes natively; the others of :data:`~contract_theory.search.premises.PREMISES`
#: are the dense formula restricted to symmetric games (:func:`~contract_theory.search.counts.restrict_dense`), for at
#: most :data:`COUNT_PREMISE_PROFILES` dense profiles.
COUNT_NATIVE_PREMISES: tuple[str, ...] = ("symmetric", "nonnegative-payoffs", "dominant-strategies")
#: The most dense profiles M^N for which a premise without a counts formula is restricted from the dense one.
COUNT_PREMISE_PROFILES = 64
#: Default budget on the estimated number of atoms of the optimized formula.
DEFAULT_MAX_ATOMS = 20000
#: The distances to the infimum at which approaching games are produced when it is not attained.
APPROACH_DELTAS: tuple[Fraction, ...] = (Fraction(1, 10), Fraction(1, 100), Fraction(1, 1000))


class BoundSizeError(ParameterError):
    """The formula a bound would optimize is larger than the budget (the message gives both and the way out)."""


@dataclass(frozen=True)
class BoundLimits:
    """Budgets of :func:`tight_bound`: ``timeout`` seconds for all z3 calls together, ``max_atoms``
    on the estimated formula size (:func:`estimated_atoms`), ``canonical``: spend solver time on the
    canonical witness (:func:`_canonical`; a few seconds at 2x2x2)."""

    timeout: float = 60.0
    max_atoms: int = DEFAULT_MAX_ATOMS
    #: print the canonical (lexicographically smallest) witness, the same in every run; False keeps z3's model
    canonical: bool = True


@dataclass
class BoundResult:
    """What :func:`tight_bound` found.

    ``bound``: the exact worst case c (None when undecided); ``attained``: True when a game of the
    class attains it (a minimum), False when it is an infimum; ``witness``: ``{"nfg", "value", ...}``
    of the attaining game (None otherwise); ``approach``: when c is an infimum, games with value in
    (c, c + delta]; ``status``: ``"exact"`` (proved and verified), ``"empty"`` (no game satisfies the
    premises) or ``"unknown"`` (timeout);
    ``solver``: the method, the encoding's size and every step with its outcome.
    """

    quantity: str
    parameters: dict[str, Any]
    shape: tuple[int, ...]
    premises: list[str]
    normalization: str
    bound: Fraction | None
    attained: bool | None
    witness: dict[str, Any] | None
    approach: list[dict[str, Any]]
    elapsed: float
    status: str
    solver: dict[str, Any] = field(default_factory=dict)
    #: when c is an infimum: ``{"G0", "G1", "checked", "statement"}``, games G(s) = (1 - s) G0 + s G1 whose
    #: value tends to c as s -> 0 (checked exactly at s = 1/10, 1/100, 1/1000), or None
    sequence: dict[str, Any] | None = None

    @property
    def complete(self) -> bool:
        """True when the bound was decided (proved, and its witness or approach verified; or the class is empty)."""
        return self.status in ("exact", "empty")

    def to_json(self) -> dict[str, Any]:
        """The ``bound --format json`` document: quantity, parameters, shape, premises, normalization,
        bound (exact string or null), attained, witness, approach, sequence, status, complete, elapsed_seconds,
        solver."""
        return {"quantity": self.quantity, "parameters": dict(self.parameters), "shape": list(self.shape),
                "premises": list(self.premises), "normalization": self.normalization,
                "bound": None if self.bound is None else fmt(self.bound), "attained": self.attained,
                "witness": self.witness, "approach": self.approach, "sequence": self.sequence, "status": self.status,
                "complete": self.complete,
                "elapsed_seconds": round(self.elapsed, 3), "solver": self.solver}


# ---------------------------------------------------------------------------- the problem, encoding-agnostic
@dataclass
class _Problem:
    """One class of games as formulas: ``profiles_w`` the welfare of every profile, ``nc`` the selected
    no-contract outcomes and ``oc`` the coalition outcomes, each ``(formula, welfare vector)``;
    ``evaluate(values)`` the quantity at a game by the library's exact solver, ``describe(values)``
    the witness document."""

    size: int
    profiles_w: list[np.ndarray]
    nc: list[tuple[Formula, np.ndarray]]
    oc: list[tuple[Formula, np.ndarray]]
    evaluate: Callable[[list[Fraction]], Fraction | None]
    describe: Callable[[list[Fraction]], dict[str, Any]]
    encoding: dict[str, Any]
    #: differences: (no-contract formula, coalition formula, the difference's linear form, its denominator) for
    #: every pair; the difference is ``form . x / denominator`` (equal shares divide by |S|)
    pairs: list[tuple[Formula, Formula, np.ndarray, int]] = field(default_factory=list)
    #: further constraints on the class (the premises), asserted as they are
    extra: list[Formula] = field(default_factory=list)
    #: the premises a game fails by their exact checks (:func:`~contract_theory.search.premises.satisfied_premises`)
    failed_premises: Callable[[list[Fraction]], list[str]] = lambda values: []
    #: a lower bound every game of the class meets by the normalization alone (ratio 0; W(S) - W_0 >= -N;
    #: members' total >= -K; a member's or an outsider's gain >= -1), tried before optimizing
    trivial: Fraction | None = None
    #: counts: the outcome groups (the no-contract outcome, each coalition size's outcome) as (indices into
    #: ``nc + oc``, "the group has no outcome"): at most one outcome of a group is selected, and one is when the
    #: group has a candidate, so "every reached outcome has W <= c" is "each group has none, or a selected outcome
    #: with W <= c", with the outcomes only positive (:func:`_below`; empty: the dense form with both polarities)
    groups: list[tuple[list[int], Formula]] = field(default_factory=list)
    #: counts, Stackelberg: z3 definitions of the coalition outcomes through one (U, W) per commitment
    #: (:func:`_count_commitments`); given the ``define-fun`` names and lines of :func:`_smt`, it appends its
    #: declarations and returns the SMT-LIB body of some roots of ``nc + oc`` by index (None: every root by its
    #: formula)
    z3_outcomes: Callable[[dict[int, str], list[str]], dict[int, str]] | None = None


def estimated_atoms(shape: Sequence[int], k: int) -> int:
    """Upper estimate of the atoms of the outcome formulas of a dense shape at K: ``6 (C + 1) P^2 + P sum(m)``
    (P profiles, C coalitions of size 2..K; within 1.1 to 5 times the measured count for 2x2 to 2x2x2x2).

    Examples
    --------
    >>> estimated_atoms((2, 2, 2), 2)     # measured: 1216
    1584
    """
    # prod(m_i) as powers of the distinct counts: a running product of a million 2s is quadratic (69 s)
    p = math.prod(m**e for m, e in Counter(int(m) for m in shape).items())
    n = len(shape)
    c = _coalitions_2_to_k(n, k)
    return 6 * (c + 1) * p * p + p * sum(int(m) for m in shape)


def _coalitions_2_to_k(n: int, k: int) -> int:
    """sum_{s=2}^{K} C(n, s), from the shorter side: 2^n - 1 - n - sum_{s>K} C(n, s) when K > n/2, so the
    default K = N - 1 of a million players costs one binomial, not a million (``bound --players 1000000``
    ran past 65 s in this sum before its refusal)."""
    if k > n // 2:
        return 2**n - 1 - n - sum(math.comb(n, s) for s in range(k + 1, n + 1))
    return sum(math.comb(n, s) for s in range(2, k + 1))


def _estimated_count_atoms(n: int, m: int, k: int) -> int:
    p = math.comb(n + m - 1, m - 1)
    pairs = sum((math.comb(s + m - 1, m - 1) * math.comb(n - s + m - 1, m - 1)) ** 2 for s in range(2, k + 1))
    return 6 * (p * p + pairs)


def _magnitude(n: int) -> str:
    """``n`` as digits below 10^15, else as ``10^e`` with e = floor(log10 n), found in integers (an estimate
    of 1000 players' atoms has more than 4300 digits, which Python refuses to print).

    >>> _magnitude(1584), _magnitude(10**15), _magnitude(7 * 10**6000)
    ('1584', '10^15', '10^6000')
    """
    if n < 10**15:
        return str(n)
    e = (n.bit_length() - 1) * 30103 // 100000  # log10(2) > 0.30103: at most floor(log10 n)
    while 10 ** (e + 1) <= n:
        e += 1
    return f"10^{e}"


def _shape_text(shape: Sequence[int]) -> str:
    """``2x3x2``; from 7 players on ``1000-player (1000x1000x...x1000)``, so a message stays one short line."""
    if len(shape) <= 6:
        return "x".join(map(str, shape))
    return f"{len(shape)}-player ({'x'.join(map(str, shape[:2]))}x...x{shape[-1]})"


def _check_size(atoms: int, limits: BoundLimits, what: str, way_out: str) -> None:
    if atoms > limits.max_atoms:
        raise BoundSizeError(f"the bound over {what} needs about {_magnitude(atoms)} linear inequalities, above the "
                             f"budget of {limits.max_atoms}; {way_out}, or raise the budget (--max-atoms)")


def _dense_pairs(c: Any, quantity: str) -> list[tuple[Formula, Formula, np.ndarray, int]]:
    """(nc formula, oc formula, form, denominator) of every (no-contract outcome b, coalition S, outcome q,
    member or outsider i): the quantity's difference at that pair (module docstring; outsiders-loss as the
    outsider's gain u_o(q) - u_o(b), minimized)."""
    enc = c.enc
    out = []
    for b, fb in c.nc.items():
        for S in c.coalitions:
            for q, fq in c.oc[S].items():
                if quantity == "welfare-gain":
                    out.append((fb, fq, enc.W(q) - enc.W(b), 1))
                elif quantity == "members-gain":
                    out.append((fb, fq, enc.total(q, S) - enc.total(b, S), 1))
                elif quantity == "min-member-gain":  # share(S, q, i) / den - u_i(b)
                    for i in S:
                        v, den = c.share(S, q, i, b)
                        out.append((fb, fq, v - den * enc.u(b, i), den))
                else:
                    out += [(fb, fq, enc.u(q, o) - enc.u(b, o), 1) for o in range(enc.n) if o not in S]
    return out


def _dense_problem(shape: tuple[int, ...], k: int, rules: Rules, quantity: str, limits: BoundLimits,
                   premises: tuple[str, ...] = ()) -> _Problem:
    est = estimated_atoms(shape, k)
    _check_size(est, limits, f"{_shape_text(shape)} games at K={k}",
                "use a smaller shape or --symmetric (symmetric games by counts)")
    items = (("k", k), ("timing", rules.timing), ("selection", rules.selection), ("sharing", rules.sharing))
    c = claim_blocks(shape, items)
    enc = c.enc
    nc = [(f, enc.W(q)) for q, f in c.nc.items()]
    oc = [(f, enc.W(q)) for S in c.coalitions for q, f in c.oc[S].items()]

    def table(values: list[Fraction]) -> Any:
        arr = np.empty(enc.size, dtype=object)
        arr[:] = [v.numerator if v.denominator == 1 else v for v in values]
        t = arr.reshape(enc.shape + (enc.n,))
        return t.astype(np.int64) if all(isinstance(v, int) for v in arr) else t

    def evaluate(values: list[Fraction]) -> Fraction | None:
        from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
        from contract_theory.games.normal_form import NormalFormGame

        a = partial_contract_analysis(NormalFormGame(table(values)), max(k, 2), rules, mixed=False,
                                      use_symmetry=False)
        return _value(quantity, a, k)

    def describe(values: list[Fraction]) -> dict[str, Any]:
        from contract_theory.games.formats.nfg import write_nfg
        from contract_theory.games.normal_form import NormalFormGame

        g = NormalFormGame(table(values))
        rows = [{"profile": [str(x) for x in g.labels(p)], "payoffs": [fmt(v) for v in g.payoff(p)]}
                for p in g.profiles()]
        return {"nfg": write_nfg(g), "payoffs": rows}

    def failed(values: list[Fraction]) -> list[str]:
        from contract_theory.games.normal_form import NormalFormGame
        from contract_theory.search.premises import satisfied_premises

        return [n for n, ok in satisfied_premises(NormalFormGame(table(values)), k, premises).items() if not ok]

    extra = []
    if premises:  # the registered premises (search.premises): the same formulas as prove --assuming
        from contract_theory.search.premises import premise_formula
        extra.append(premise_formula(premises, shape, k))
    return _Problem(enc.size, [enc.W(p) for p in enc.profiles], nc, oc, evaluate, describe,
                    {"kind": "dense", "variables": enc.size, "estimated_atoms": est},
                    _dense_pairs(c, quantity) if quantity != "ratio" else [], extra, failed)


def _count_pairs(c: Any, quantity: str) -> list[tuple[Formula, Formula, np.ndarray, int]]:
    """The pairs of :func:`_dense_pairs` by counts: members' no-contract totals range over the sub-multisets
    of size s of the no-contract counts b (any s players may sign), a member's no-contract payoff over the
    actions b uses (:meth:`~contract_theory.search.counts.CountClaims.base_totals`, ``base_payoffs``)."""
    enc = c.enc
    out = []
    for b, fb in c.nc.items():
        for s in c.sizes:
            for q, fq in c.oc[s].items():
                u = c.U(q)
                if quantity == "welfare-gain":
                    out.append((fb, fq, c.Wq(q) - enc.W(b), 1))
                elif quantity == "members-gain":
                    out += [(fb, fq, u - t, 1) for t in c.base_totals(b, s)]
                elif c.sharing == "equal":  # min-member-gain: U / s - u_i(b)
                    out += [(fb, fq, u - s * x, s) for x in c.base_payoffs(b)]
                else:  # lump sum: u_i(b) + (U - U_S(b)) / s - u_i(b)
                    out += [(fb, fq, u - t, s) for t in c.base_totals(b, s)]
    return out


def _count_premises(enc: Any, n: int, m: int, k: int, premises: tuple[str, ...]) -> list[Formula]:
    """The premises over the unknowns f(a, c): nonnegative-payoffs and dominant-strategies written by counts,
    the others the dense formula restricted to symmetric games (at most COUNT_PREMISE_PROFILES profiles)."""
    from contract_theory.search.counts import restrict_dense
    from contract_theory.search.encoding import conjunction, disjunction, ge, gt
    from contract_theory.search.premises import PremiseError, premise_formula

    zero = np.zeros(enc.size, dtype=np.int64)
    out: list[Formula] = []
    for name in premises:
        if name == "symmetric":
            continue
        if name == "nonnegative-payoffs":
            out.append(conjunction(ge(enc.f(a, c), zero) for a in range(m) for c in enc.contexts))
        elif name == "dominant-strategies":  # some action a with f(a, c) >= f(b, c) for every context, > for one
            out.append(disjunction(conjunction(conjunction([
                conjunction(ge(enc.f(a, c), enc.f(b, c)) for c in enc.contexts),
                disjunction(gt(enc.f(a, c), enc.f(b, c)) for c in enc.contexts)]) for b in range(m) if b != a)
                for a in range(m)))
        elif name == "generic":
            raise PremiseError("generic has no encoding by counts: a symmetric game ties W(a) with W of every "
                               "permutation of a; drop --generic or --symmetric")
        elif m ** n > COUNT_PREMISE_PROFILES:
            raise PremiseError(f"premise {name} has no formula by counts; its dense formula restricted to symmetric "
                               f"games needs {m}^{n} = {m ** n} profiles, above {COUNT_PREMISE_PROFILES}: use fewer "
                               f"players, or the premises written by counts ({', '.join(COUNT_NATIVE_PREMISES)})")
        else:
            out.append(restrict_dense(premise_formula([name], (m,) * n, k), n, m))
    return out


def _count_failed(n: int, m: int, k: int, premises: tuple[str, ...]) -> Callable[[list[Fraction]], list[str]]:
    """The premises a symmetric game fails by their exact checks: on the dense game when it has at most
    COUNT_PREMISE_PROFILES profiles, else by loops over the unknowns (nonnegative, dominant)."""
    from contract_theory.search.counts import CountEncoding, symmetric_game
    from contract_theory.search.premises import satisfied_premises

    def failed(values: list[Fraction]) -> list[str]:
        if m ** n <= COUNT_PREMISE_PROFILES:
            dense = symmetric_game(n, m, values).to_dense()
            return [x for x, ok in satisfied_premises(dense, k, premises).items() if not ok]
        enc = CountEncoding(n, m)
        f = {key: values[j] for key, j in enc.index.items()}
        ok = {"symmetric": True, "nonnegative-payoffs": all(v >= 0 for v in values),
              "dominant-strategies": any(all(all(f[(a, c)] >= f[(b, c)] for c in enc.contexts)
                                             and any(f[(a, c)] > f[(b, c)] for c in enc.contexts)
                                             for b in range(m) if b != a) for a in range(m))}
        return [x for x in premises if not ok[x]]
    return failed


def _counts_problem(n: int, m: int, k: int, rules: Rules, quantity: str, limits: BoundLimits,
                    premises: tuple[str, ...] = ("symmetric",)) -> _Problem:
    from contract_theory.search.counts import count_claims

    if quantity == "outsiders-loss":
        raise ParameterError("outsiders-loss has no bound by counts (an outsider's loss pairs one player's actions "
                             "across two outcomes, which counts do not record); drop --symmetric for small shapes")
    if quantity == "min-member-gain" and rules.sharing == "none":
        raise ParameterError("min-member-gain with sharing none has no bound by counts (a member's own action at two "
                             "outcomes is not a function of counts); use --sharing equal or lump_sum")
    est = _estimated_count_atoms(n, m, k)
    _check_size(est, limits, f"symmetric {n}-player {m}-action games at K={k}", "use fewer players or actions")
    c = count_claims(n, m, (("k", k), ("timing", rules.timing), ("selection", rules.selection),
                            ("sharing", rules.sharing)))
    enc = c.enc
    nc = [(f, enc.W(b)) for b, f in c.nc.items()]
    oc = [(f, c.Wq(q)) for s in c.sizes for q, f in c.oc[s].items()]

    def evaluate(values: list[Fraction]) -> Fraction | None:
        from contract_theory.contracting.coalitions.compact import CompactBloc
        from contract_theory.contracting.coalitions.partial_contracts import partial_contract_study
        from contract_theory.search.counts import symmetric_game

        game = symmetric_game(n, m, values)
        a = partial_contract_study(CompactBloc(game), max(k, 2), rules)
        return _count_value(quantity, a, k, game, rules.sharing)

    def describe(values: list[Fraction]) -> dict[str, Any]:
        from contract_theory.games.formats.nfg import write_nfg
        from contract_theory.search.counts import symmetric_game

        out: dict[str, Any] = {"unknowns": {enc.name(j): fmt(v) for j, v in enumerate(values)}}
        if m ** n <= 64:
            out["nfg"] = write_nfg(symmetric_game(n, m, values).to_dense())
        return out

    pairs = _count_pairs(c, quantity) if quantity != "ratio" else []
    prob = _Problem(enc.size, [enc.W(p) for p in enc.profiles], nc, oc, evaluate, describe,
                    {"kind": "counts", "variables": enc.size, "estimated_atoms": est}, pairs,
                    _count_premises(enc, n, m, k, premises), _count_failed(n, m, k, premises))
    prob.groups = _count_groups(c, rules.timing == "nash")
    if rules.timing == "stackelberg":
        keep: list[Any] = []  # the answers' formulas live as long as the problem: _smt's names are keyed by id
        prob.z3_outcomes = lambda names, lines: _count_commitments(c, names, lines, keep)
    return prob


def _smt_lin(v: np.ndarray) -> str:
    """The linear form v.x in SMT-LIB."""
    terms = [f"(* {int(v[j])} x{j})" for j in np.flatnonzero(v)]
    return "0" if not terms else terms[0] if len(terms) == 1 else "(+ " + " ".join(terms) + ")"


def _count_commitments(c: Any, names: dict[int, str], lines: list[str], keep: list[Any]) -> dict[int, str]:
    """The Stackelberg coalition outcomes by counts in SMT-LIB, equivalent to ``c.oc`` with fewer atoms.

    ``c.oc[s][q]`` says: q = (mm, oo) is the outsiders' selected answer to the commitment mm, and for every
    other commitment mm' and each of its answers r, r is not selected or q precedes r by the bloc's key
    (-U, W) (pessimistic; (-U, -W) optimistic) and then the rank.  The answers of mm' exclude each other, so
    this is: mm' has no answer (h_mm' false) or q precedes (U_mm', W_mm'), the values of mm''s selected
    answer, written as reals fixed by "answer r selected -> U_mm' = U(r), W_mm' = W(r)".  The rank of q and r
    with distinct commitments is decided by the commitments (the rank's first coordinates), so the tie rule
    stays.  Quadratic in the commitments instead of in the outcome pairs.  ``keep`` receives the answers'
    formulas, which must outlive ``names`` (keyed by id)."""
    from contract_theory.search.counts import _select, compositions

    enc = c.enc
    pess = c.pess
    follow = (lambda q: [c.U(q), c.Wq(q)]) if pess else (lambda q: [-c.U(q), -c.Wq(q)])
    out: dict[int, str] = {}
    j = len(c.nc)
    for s in c.sizes:
        mems, outs = compositions(s, enc.m), compositions(enc.n - s, enc.m)
        answer: dict[Any, tuple[str, str, str]] = {}  # q -> (answer name, U(q), W(q))
        for mm in mems:
            tag = f"s{s}m{'_'.join(map(str, mm))}"
            lines += [f"(declare-fun h{tag} () Bool)", f"(declare-fun U{tag} () Real)",
                      f"(declare-fun W{tag} () Real)"]
            sel = _select({(mm, oo): enc.equilibrium(c.profile((mm, oo)), oo) for oo in outs}, follow, c._rank)
            keep.append(sel)
            for q, f in sel.items():
                name = _smt(f, names, lines)
                answer[q] = (name, _smt_lin(c.U(q)), _smt_lin(c.Wq(q)))
                lines.append(f"(assert (=> {name} (and (= U{tag} {answer[q][1]}) (= W{tag} {answer[q][2]}))))")
            lines.append(f"(assert (= h{tag} (or false {' '.join(answer[q][0] for q in sel)})))")
        for q in c.oc[s]:
            name, u, w = answer[q]
            parts = [name]
            for m2 in mems:
                if m2 == q[0]:
                    continue
                tag = f"s{s}m{'_'.join(map(str, m2))}"
                first = "true" if c._rank(q) < c._rank((m2, q[1])) else "false"
                second = f"(> W{tag} {w})" if pess else f"(> {w} W{tag})"
                parts.append(f"(or (not h{tag}) (> {u} U{tag}) (and (= {u} U{tag}) (or {second} "
                             f"(and (= {w} W{tag}) {first}))))")
            out[j] = f"(and {' '.join(parts)})"
            j += 1
    return out


def _count_groups(c: Any, nash: bool) -> list[tuple[list[int], Formula]]:
    """The outcome groups of :attr:`_Problem.groups` by counts, in the order of ``nc + oc``: the no-contract
    outcome (none: no count vector is an equilibrium) and each size s (none: no commitment has an outsiders'
    equilibrium, Stackelberg; no pair is a bloc best response and an outsiders' equilibrium, Nash)."""
    import itertools

    from contract_theory.search.counts import compositions
    from contract_theory.search.encoding import conjunction, ge, negate

    enc = c.enc
    cands: list[list[Formula]] = [[enc.equilibrium(b, b) for b in enc.profiles]]
    for s in c.sizes:
        mems, outs = compositions(s, enc.m), compositions(enc.n - s, enc.m)
        group = []
        for mm, oo in itertools.product(mems, outs):
            eq = enc.equilibrium(c.profile((mm, oo)), oo)
            best = [ge(c.U((mm, oo)), c.U((m2, oo))) for m2 in mems if m2 != mm] if nash else []
            group.append(conjunction([eq] + best))
        cands.append(group)
    # one memo for all negations: every candidate stays alive in ``cands`` (the memo is keyed by id)
    memo: dict[int, Formula] = {}
    sizes = [len(c.nc)] + [len(c.oc[s]) for s in c.sizes]
    starts = [sum(sizes[:i]) for i in range(len(sizes))]
    return [(list(range(a, a + n)), conjunction([negate(f, memo) for f in group]))
            for a, n, group in zip(starts, sizes, cands)]


def _count_value(quantity: str, a: Any, k: int, game: Any, sharing: str) -> Fraction | None:
    """The quantity from the compact engine's study of a symmetric game (None: outside the domain): the
    members' no-contract payoffs from the no-contract counts b (every sub-multiset of size s may sign)."""
    from contract_theory.search.counts import compositions

    if quantity in ("ratio", "welfare-gain"):
        return _value(quantity, a, k)
    base = a.no_contract
    if base.welfare is None or base.counts is None:
        return None
    b = tuple(base.counts[0])
    pay = {x: game.payoff(0, x, (b,)) for x in range(len(b)) if b[x]}  # a player on x at b (x used at b)
    values = []
    for o in a.outcomes.values():
        if o.welfare is None:
            continue
        s = o.size
        subs = [sum((t * pay[x] for x, t in enumerate(mm) if t), Fraction(0))
                for mm in compositions(s, len(b)) if all(x <= y for x, y in zip(mm, b))]
        if quantity == "members-gain":
            values += [o.bloc_value - t for t in subs]
        elif sharing == "equal":
            values += [o.bloc_value / s - v for v in pay.values()]
        else:
            values += [(o.bloc_value - t) / s for t in subs]
    return Fraction(min(values)) if values else None


def _value(quantity: str, a: Any, k: int) -> Fraction | None:
    """The quantity from an exact partial-contract analysis (None: outside the domain); outsiders-loss as
    the smallest outsider's gain (the search minimizes it; :data:`MAXIMIZED`)."""
    if quantity == "ratio":
        w_k = a.welfare_curve[k]
        if w_k is None or a.optimum_welfare <= 0:
            return None
        return Fraction(w_k) / Fraction(a.optimum_welfare)
    base = a.no_contract.welfare
    if base is None:
        return None
    live = [o for o in a.outcomes.values() if o.welfare is not None]
    if quantity == "members-gain":
        values = [Fraction(o.gains[0]) for o in live if o.gains is not None]
    elif quantity == "min-member-gain":  # a member's payoff under the sharing rule minus its no-contract payoff
        values = [Fraction(o.payoffs[i]) - Fraction(a.no_contract.payoffs[i]) for o in live for i in o.coalition]
    elif quantity == "outsiders-loss":
        values = [Fraction(o.raw_payoffs[i]) - Fraction(a.no_contract.payoffs[i]) for o in live
                  for i in range(len(o.raw_payoffs)) if i not in o.coalition]
    else:
        values = [Fraction(o.welfare) - Fraction(base) for o in live]
    return min(values) if values else None


# ---------------------------------------------------------------------------- z3
class _Z3:
    """One problem's outcome formulas in a fresh z3 context: each outcome formula f_i is named by a
    Boolean o_i with ``o_i = f_i`` asserted in :attr:`defs` (parsed once from SMT-LIB text with shared
    subformulas as ``define-fun`` macros, so building is linear in the formula DAG).  ``one_way``: only
    ``o_i -> f_i``, enough when every o_i occurs positively (the differences: "some pair (b, q) with
    o_b, o_q and a small difference"), and a weaker constraint for the solver."""

    def __init__(self, z3: Any, prob: _Problem, one_way: bool = False) -> None:
        self.z3 = z3
        self.ctx = z3.Context()
        self.xs = [z3.Real(f"x{j}", self.ctx) for j in range(prob.size)]
        roots = [f for f, _ in prob.nc + prob.oc] + [none for _, none in prob.groups]
        lines = [f"(declare-fun x{j} () Real)" for j in range(prob.size)]
        lines += [f"(declare-fun o{i} () Bool)" for i in range(len(roots))]
        names: dict[int, str] = {}
        alt = prob.z3_outcomes(names, lines) if prob.z3_outcomes is not None else {}
        for i, f in enumerate(roots):
            body = alt[i] if i in alt else _smt(f, names, lines)
            lines.append(f"(assert ({'=>' if one_way else '='} o{i} {body}))")
        for f in prob.extra:
            lines.append(f"(assert {_smt(f, names, lines)})")
        self.defs = z3.parse_smt2_string("\n".join(lines), ctx=self.ctx)
        self.named = {id(f): z3.Bool(f"o{i}", self.ctx) for i, f in enumerate(roots)}

    def lin(self, v: np.ndarray) -> Any:
        return self.z3.Sum([int(v[j]) * self.xs[j] for j in np.flatnonzero(v)] or [self.z3.RealVal(0, self.ctx)])

    def formula(self, g: Formula) -> Any:
        """The Boolean naming the outcome formula ``g``."""
        return self.named[id(g)]

    def values(self, model: Any) -> list[Fraction]:
        return [Fraction(model.eval(x, model_completion=True).as_fraction()) for x in self.xs]


def _smt(g: Formula, names: dict[int, str], lines: list[str]) -> str:
    """The name of ``g``'s ``define-fun`` (appended to ``lines`` with its children's, once per node)."""
    stack: list[tuple[Formula, bool]] = [(g, False)]
    while stack:
        h, ready = stack.pop()
        if id(h) in names:
            continue
        kids = [] if isinstance(h, Atom) else list(h.children)
        if not ready and any(id(c) not in names for c in kids):
            stack.append((h, True))
            stack.extend((c, False) for c in kids if id(c) not in names)
            continue
        if isinstance(h, Atom):
            lhs = "(+ " + " ".join(f"(* {c} x{j})" for j, c in h.terms) + ")" if len(h.terms) > 1 else \
                f"(* {h.terms[0][1]} x{h.terms[0][0]})"
            body = f"({'>' if h.strict else '>='} {lhs} 0)"
        else:
            op = "and" if isinstance(h, And) else "or"
            body = (f"({op} {' '.join(names[id(c)] for c in kids)})" if kids else
                    ("true" if isinstance(h, And) else "false"))
        names[id(h)] = f"n{len(names)}"
        lines.append(f"(define-fun {names[id(h)]} () Bool {body})")
    return names[id(g)]


def _class_constraints(zz: _Z3, prob: _Problem, quantity: str) -> list[Any]:
    """The normalization of the class (module docstring)."""
    z3 = zz.z3
    if quantity == "ratio":
        ws = [zz.lin(w) for w in prob.profiles_w]
        return [x >= 0 for x in zz.xs] + [z3.Or([w == 1 for w in ws])] + [w <= 1 for w in ws]
    return [c for x in zz.xs for c in (x >= 0, x <= 1)]


def _below(zz: _Z3, prob: _Problem, quantity: str, cmp: Callable[[Any], Any]) -> Any:
    """"The quantity is below the bound ``cmp`` sets" (``cmp(e)``: e <= t, e < c or e <= c).

    ratio: W_K is defined and every reached outcome's welfare satisfies cmp (W* = 1 by normalization);
    welfare-gain: some no-contract outcome b and coalition outcome q with cmp(W(q) - W(b))."""
    z3 = zz.z3
    if quantity == "ratio":
        reached = prob.nc + prob.oc
        some = z3.Or([zz.formula(f) for f, _ in reached])
        if prob.groups:  # positive: each group has no outcome or a selected one below (_Problem.groups)
            return z3.And([some] + [z3.Or([zz.formula(none)] + [z3.And(zz.formula(reached[i][0]),
                                                                        cmp(zz.lin(reached[i][1]))) for i in idx])
                                    for idx, none in prob.groups])
        return z3.And([some] + [z3.Or(z3.Not(zz.formula(f)), cmp(zz.lin(w))) for f, w in reached])
    return z3.Or([z3.And(zz.formula(fb), zz.formula(fq), cmp(zz.lin(d) if den == 1 else zz.lin(d) / den))
                  for fb, fq, d, den in prob.pairs])


def _read_optimum(z3: Any, value: Any) -> tuple[Fraction | None, bool]:
    """The optimum's standard part and whether it carries an infinitesimal (``c + k*epsilon``)."""
    if z3.is_rational_value(value) or z3.is_int_value(value):
        return _fraction(z3, value), False
    text = str(value)
    if "oo" in text:
        return None, False
    eps = [z3.Real("epsilon", value.ctx)]
    std = z3.simplify(z3.substitute(value, *[(e, z3.RealVal(0, value.ctx)) for e in eps]))
    if z3.is_rational_value(std) or z3.is_int_value(std):
        return _fraction(z3, std), "epsilon" in text
    return None, False


def _fraction(z3: Any, v: Any) -> Fraction:
    """A z3 integer or rational numeral as an exact Fraction."""
    if z3.is_int_value(v):
        return Fraction(v.as_long())
    return Fraction(v.numerator_as_long(), v.denominator_as_long())


def _remaining(deadline: float) -> int:
    return max(1, int((deadline - time.perf_counter()) * 1000))


def _decide(zz: _Z3, base: list[Any], extra: Any, deadline: float, doc: dict[str, Any], step: str) -> Any:
    """Check ``base + [extra]``; record the step; the model or the status string."""
    s = zz.z3.Solver(ctx=zz.ctx)
    s.set("timeout", _remaining(deadline))
    s.add(*base)
    s.add(extra)
    t0 = time.perf_counter()
    status = str(s.check())
    doc["tried"].append({"step": step, "result": status, "seconds": round(time.perf_counter() - t0, 3)})
    if status == "unknown":
        doc["tried"][-1]["reason"] = s.reason_unknown()
    return s.model() if status == "sat" else status


def _optimize(zz: _Z3, base: list[Any], prob: _Problem, quantity: str, deadline: float,
              doc: dict[str, Any]) -> tuple[Fraction | None, bool]:
    """Step 2: minimize t subject to the class and "quantity <= t"; the optimum read exactly."""
    z3 = zz.z3
    t = z3.Real("t", zz.ctx)
    o = z3.Optimize(ctx=zz.ctx)
    o.set("timeout", _remaining(deadline))
    o.add(*base)
    o.add(_below(zz, prob, quantity, lambda e: e <= t))
    h = o.minimize(t)
    t0 = time.perf_counter()
    status = str(o.check())
    step: dict[str, Any] = {"step": "minimize the quantity (z3 Optimize, OMT over linear real arithmetic)",
                            "result": status, "seconds": round(time.perf_counter() - t0, 3)}
    doc["tried"].append(step)
    if status != "sat":
        step["reason"] = o.reason_unknown() if status == "unknown" else "the class is empty"
        return None, False
    c, infinitesimal = _read_optimum(z3, h.value())
    step["optimum"] = str(h.value())
    return c, infinitesimal


#: How many halvings :func:`_canonical` tries to step off an infimum that a coordinate does not attain.
_HALVINGS = 40


def _canonical(zz: _Z3, constraints: list[Any], deadline: float, doc: dict[str, Any], what: str
               ) -> list[Fraction] | None:
    """The canonical game of the set ``constraints`` defines: the lexicographically smallest payoff vector
    (x_0 first), which depends on the set alone, not on z3's search path, so every run prints the same
    witness.  z3's optimizer minimizes x_0, x_1, ... with priority lex; while every optimum is attained the
    model is that point.  When coordinate j's minimum is an infimum v (not attained) it is fixed at
    v + 2^-r for the smallest r >= 0 that keeps the set non-empty (the set is a finite union of convex
    pieces, so such r exists), and the lex minimization goes on from j + 1.  None: out of time (the
    caller keeps z3's model; the step says so)."""
    t0 = time.perf_counter()
    values = _lex_smallest(zz, constraints, deadline)
    doc["tried"].append({"step": f"canonical {what}: the lexicographically smallest game (OMT, priority lex)",
                         "result": "found" if values else "not found in time: z3's own model is kept",
                         "seconds": round(time.perf_counter() - t0, 3)})
    return values


def _lex_smallest(zz: _Z3, constraints: list[Any], deadline: float) -> list[Fraction] | None:
    """The loop of :func:`_canonical`; the point found is checked to satisfy ``constraints`` (None if not)."""
    z3 = zz.z3
    fixed: list[Any] = []
    values: list[Fraction] = []
    while len(values) < len(zz.xs):
        o = z3.Optimize(ctx=zz.ctx)
        o.set("timeout", _remaining(deadline))
        o.set("priority", "lex")
        o.add(*constraints, *fixed)
        rest = zz.xs[len(values):]
        handles = [o.minimize(x) for x in rest]
        if str(o.check()) != "sat":
            return None
        for x, h in zip(rest, handles):
            v, eps = _read_optimum(z3, h.value())
            if v is not None and eps:  # an infimum: step off it by the largest 2^-r that stays feasible
                v = _step_off(zz, constraints + fixed, x, v, deadline)
            if v is None:
                return None
            fixed.append(x == z3.RealVal(_q(v), zz.ctx))
            values.append(v)
            if eps:
                break  # the later coordinates' optima change: minimize them again
    s = z3.Solver(ctx=zz.ctx)
    s.set("timeout", _remaining(deadline))
    s.add(*constraints, *fixed)
    return values if str(s.check()) == "sat" else None


def _step_off(zz: _Z3, constraints: list[Any], x: Any, v: Fraction, deadline: float) -> Fraction | None:
    """v + 2^-r for the smallest r in 0.._HALVINGS with a point of ``constraints`` at x = v + 2^-r."""
    for r in range(_HALVINGS):
        w = v + Fraction(1, 2 ** r)
        s = zz.z3.Solver(ctx=zz.ctx)
        s.set("timeout", _remaining(deadline))
        s.add(*constraints, x == zz.z3.RealVal(_q(w), zz.ctx))
        status = str(s.check())
        if status == "sat":
            return w
        if status != "unsat":
            return None
    return None


def _scaled(values: list[Fraction], quantity: str) -> list[Fraction]:
    """A ratio witness scaled to integers (the ratio is scale free); differences keep their scale."""
    if quantity != "ratio":
        return values
    den = math.lcm(*(v.denominator for v in values))
    ints = [int(v * den) for v in values]
    g = math.gcd(*ints) or 1
    return [Fraction(v // g) for v in ints]


def _verified(prob: _Problem, values: list[Fraction], quantity: str, check: Callable[[Fraction], bool],
              what: str) -> dict[str, Any]:
    """A witness re-evaluated by the library's exact solver (not z3); ``check`` its value, else raise."""
    values = _scaled(values, quantity)
    memo: dict[int, bool] = {}
    if not all(_holds(f, values, memo) for f in prob.extra):
        raise RuntimeError(f"the solver's {what} violates a premise of the class (an encoding bug)")
    missed = prob.failed_premises(values)
    if missed:
        raise RuntimeError(f"the solver's {what} fails the premises {missed} by their exact checks (a premise "
                           "encoding bug)")
    v = prob.evaluate(values)
    if v is None or not check(v):
        raise RuntimeError(f"the solver's {what} has {quantity} {None if v is None else fmt(v)} in the library's "
                           "exact solver, not what the encoding says (an encoding bug)")
    return {"value": fmt(v), **prob.describe(values), "verified_by": "the library's exact coalition solver"}


def tight_bound(quantity: str, players: int, actions: int | tuple[int, ...], *, k: int | None = None,
                rules: Rules | None = None, premises: Sequence[str] = (), limits: BoundLimits | None = None
                ) -> BoundResult:
    """The exact worst case c of ``quantity`` over every game of the shape (module docstring), with a
    game attaining it or games approaching it, each verified by the library's exact solver.

    ``k``: the largest coalition (default N - 1; 1 means no contract alone, ``ratio`` only);
    ``rules``: timing, selection and sharing (:class:`~contract_theory.contracting.coalitions.rules.Rules`,
    default Stackelberg, pessimistic, equal); ``premises`` (:data:`CLASS_PREMISES`): ``"symmetric"``, only
    symmetric games, encoded by counts (:mod:`contract_theory.search.counts`; ``actions`` one integer),
    ``"generic"``, only games in general position (dense shapes; a bound attained only on ties becomes an
    infimum); ``limits``: time and size budgets.
    Complexity: the formula has O(C P^2) atoms (:func:`estimated_atoms`); optimizing it is NP-hard in
    general, in practice under a second for 2x2 and 2x2x2 and symmetric N = 3, 4 with two actions.

    For 2x2 games at K = 1 under pessimistic selection the guarantee is 0, attained (a prisoner's
    dilemma whose bad equilibrium pays nothing); with the grand coalition (K = 2) it is 1.

    Examples
    --------
    >>> r = tight_bound("ratio", 2, 2, k=1)
    >>> r.bound, r.attained, r.witness["value"]
    (Fraction(0, 1), True, '0')
    >>> tight_bound("ratio", 2, 2, k=2).bound
    Fraction(1, 1)
    """
    from contract_theory.search.premises import parse_premises
    from contract_theory.search.prove import import_z3

    if quantity not in QUANTITIES:
        raise ParameterError(f"unknown quantity {quantity!r}; choose one of {list(QUANTITIES)}")
    rules = rules or Rules()
    limits = limits or BoundLimits()
    shape = (actions,) * players if isinstance(actions, int) else tuple(int(a) for a in actions)
    chosen = parse_premises(list(premises))
    symmetric = "symmetric" in chosen
    kk = _check_shape(quantity, players, shape, k, symmetric)
    z3 = import_z3()
    start = time.perf_counter()
    deadline = start + limits.timeout
    prob = (_counts_problem(players, shape[0], kk, rules, quantity, limits, chosen) if symmetric
            else _dense_problem(shape, kk, rules, quantity, limits, chosen))
    prob.trivial = Fraction({"ratio": 0, "welfare-gain": -players, "members-gain": -kk}.get(quantity, -1))
    nodes = formula_size(_join(prob))
    doc: dict[str, Any] = {"name": "z3", "version": z3.get_version_string(), "logic": "QF_LRA",
                           "method": "OMT (z3 Optimize) for the optimum, z3 Solver to certify it, the lexicographically "
                                     "smallest game attaining it (OMT, priority lex) as the canonical witness, the "
                                     "library's exact solver to verify every witness",
                           "encoding": {**prob.encoding, **nodes}, "tried": []}
    params = {"k": kk, "timing": rules.timing, "selection": rules.selection, "sharing": rules.sharing}
    names = list(chosen) + (["nonnegative-payoffs"] if quantity == "ratio" and "nonnegative-payoffs" not in chosen
                            else [] if quantity == "ratio" else ["payoffs-in-unit-interval"])

    out = _solve(z3, prob, quantity, deadline, doc, limits.canonical)
    if quantity in MAXIMIZED:
        _flip(out)
    return BoundResult(quantity, params, shape, names, QUANTITIES[quantity], out.bound, out.attained, out.witness,
                       out.approach, time.perf_counter() - start, out.status, doc, out.sequence)


def refuse_modification(name: str) -> None:
    """Raise the :class:`~contract_theory.errors.ParameterError` that says why a bound under the treaty
    modification ``name`` (:data:`MODIFICATIONS`) is not computed, and what to use instead.

    Examples
    --------
    >>> refuse_modification("payments-to-outsiders")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    contract_theory.errors.ParameterError: a bound under payments-to-outsiders is not encodable: the bloc's best ...
    """
    if name not in MODIFICATIONS:
        raise ParameterError(f"unknown modification {name!r}; the modifications of design are {list(MODIFICATIONS)}")
    raise ParameterError(f"a bound under {name} is not encodable: {MODIFICATIONS[name]}; the linear encoding covers "
                         "one coalition and its outsiders only. Use `contract-theory design` on a given game, or "
                         "`contract-theory search` over a grid of games")


def _flip(out: Any) -> None:
    """A minimized outsider's gain back to the outsiders' loss: every value and the bound change sign."""
    def neg(text: str | None) -> str | None:
        return None if text is None else fmt(-Fraction(text))
    out.bound = None if out.bound is None else -out.bound
    for w in ([out.witness] if out.witness else []) + list(out.approach):
        w["value"] = neg(w["value"])
    if out.sequence:
        q = out.sequence
        for key in ("G0", "G1"):
            q[key]["value"] = neg(q[key]["value"])
        for x in q["checked"]:
            x["value"] = neg(x["value"])
        limit = q["G0"]["value"]
        q["statement"] = (f"G(s) = (1 - s) G0 + s G1 is in the class for 0 < s <= 1 and its outsiders-loss tends to "
                          f"{fmt(out.bound)} as s -> 0; G0 itself " + ("is outside the domain" if limit is None else
                                                                       f"has outsiders-loss {limit}"))


@dataclass
class _Answer:
    status: str = "unknown"
    bound: Fraction | None = None
    attained: bool | None = None
    witness: dict[str, Any] | None = None
    approach: list[dict[str, Any]] = field(default_factory=list)
    sequence: dict[str, Any] | None = None


@dataclass
class _Run:
    """One problem's z3 state and settings, shared by the steps of :func:`_solve`."""

    zz: _Z3
    base: list[Any]
    prob: _Problem
    quantity: str
    deadline: float
    doc: dict[str, Any]
    canonical: bool
    #: set when a guessed bound is undercut (some game of the class has a smaller value)
    undercut: bool = False
    #: the c for which "some game has quantity < c" was found unsatisfiable (by :func:`_bisect`)
    proved: set[Fraction] = field(default_factory=set)

    def below(self, cmp: Callable[[Any], Any]) -> Any:
        return _below(self.zz, self.prob, self.quantity, cmp)

    def value(self, c: Fraction) -> Any:
        return self.zz.z3.RealVal(_q(c), self.zz.ctx)

    def decide(self, extra: Any, step: str) -> Any:
        return _decide(self.zz, self.base, extra, self.deadline, self.doc, step)

    def game(self, constraint: Any, model: Any, what: str) -> list[Fraction]:
        """The canonical game of the set (when ``canonical`` and found in time), else z3's model."""
        values = self.canonical and _canonical(self.zz, self.base + [constraint], self.deadline, self.doc, what)
        return values or self.zz.values(model)


def _solve(z3: Any, prob: _Problem, quantity: str, deadline: float, doc: dict[str, Any], canonical: bool = True
           ) -> _Answer:
    """Steps 2-4 of the module docstring on one problem (any encoding); the steps go to ``doc["tried"]``.

    The integers from the class's trivial bound (:attr:`_Problem.trivial`) up to 0 are tried first, each
    certified like an optimum: when one is attained, or is an infimum with a verified approaching
    sequence, no optimization is needed (the OMT call is the slow step for many players).  The trivial
    bound is tried first; then the largest integer no game goes below is found by bisection
    (:func:`_bisect`) and tried; otherwise the optimum comes from OMT.  This decides as the scan of the
    integers one by one from the trivial bound up did, with log2(K) checks instead of three per integer
    (symmetric N = 6 members-gain: -2, attained, in about 40 s instead of over 60)."""
    # differences, and the ratio by groups, use the outcomes positively: o -> f suffices
    zz = _Z3(z3, prob, one_way=quantity != "ratio" or bool(prob.groups))
    run = _Run(zz, list(zz.defs) + _class_constraints(zz, prob, quantity), prob, quantity, deadline, doc, canonical)
    guesses = _guesses(prob.trivial)
    out = _finish(run, guesses[0], False, guessed=True) if guesses else None
    if out is not None:  # the trivial bound is the answer (welfare-gain: -N from N = 5)
        return out
    top = None if run.undercut else _bisect(run, guesses)
    if top:  # the scan of the next integers up, by bisection
        out = _finish(run, guesses[top], False, guessed=True)
        if out is not None:
            return out
    c, infinitesimal = _optimize(zz, run.base, prob, quantity, deadline, doc)
    if c is None:
        return _Answer("empty" if doc["tried"][-1]["result"] == "unsat" else "unknown")
    out = _finish(run, c, infinitesimal, guessed=False)
    assert out is not None
    return out


def _bisect(run: _Run, guesses: list[Fraction]) -> int | None:
    """The index of the largest integer candidate g with "some game has quantity < g" unsatisfiable, by
    bisection (the set of such g is downward closed), assuming it of the first (the trivial bound, which
    :func:`_finish` certifies); None without candidates or when a check times out.  :func:`_finish` at that
    g decides as the scan from the trivial bound up would: every smaller g has quantity >= g + 1 > g for
    every game, so it is neither attained nor approached, and the next one up is undercut."""
    if not guesses:
        return None
    lo, hi = 0, len(guesses) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        g = guesses[mid]
        r = run.decide(run.below(_less_than(run.value(g))),
                       f"bisect the integer candidates: some game has {run.quantity} < {fmt(g)}")
        if isinstance(r, str) and r != "unsat":
            return None
        if r == "unsat":
            run.proved.add(g)
        lo, hi = (mid, hi) if r == "unsat" else (lo, mid - 1)
    return lo


def _guesses(trivial: Fraction | None) -> list[Fraction]:
    """The integers from the trivial bound up to 0 (none without a trivial bound)."""
    if trivial is None:
        return []
    return [Fraction(g) for g in range(math.floor(trivial), 1)]


def _finish(run: _Run, c: Fraction, infinitesimal: bool, *, guessed: bool) -> _Answer | None:
    """Certify c, decide attainment, find the witness or the approaching games and sequence.  For a guessed
    c (the trivial bound) None when the guess is not the answer (not attained and not approached)."""
    quantity = run.quantity
    kind = "the integer candidate" if guessed else "the optimum"
    below = "unsat" if c in run.proved else run.decide(run.below(lambda e: e < run.value(c)),
                                                        f"certify {kind}: no game has {quantity} < {fmt(c)}")
    if not isinstance(below, str) and guessed and c != run.prob.trivial:
        run.undercut = True  # a game lies below this integer: the bound is between it and the one before
        return None
    if not isinstance(below, str):
        raise RuntimeError(f"z3's {kind} {fmt(c)} is not a lower bound: a game with a smaller {quantity} exists")
    if below != "unsat":
        run.undercut = True
        return None if guessed else _Answer(bound=c)
    attain = run.below(_at_most(run.value(c)))
    at = run.decide(attain, f"attained: some game has {quantity} = {fmt(c)}")
    if not isinstance(at, str):
        if infinitesimal:
            raise RuntimeError("z3's optimum carries an infinitesimal but the bound is attained")
        values = run.game(attain, at, "witness")
        return _Answer("exact", c, True, _verified(run.prob, values, quantity, lambda v: v == c, "witness"))
    if at != "unsat":
        return None if guessed else _Answer(bound=c)
    if guessed and isinstance(run.decide(run.below(_at_most(run.value(c + APPROACH_DELTAS[-1]))),
                                         f"approached: some game has {quantity} <= {fmt(c + APPROACH_DELTAS[-1])}"),
                              str):
        return None
    out = _Answer("exact", c, False)
    near = run.below(_at_most(run.value(c + APPROACH_DELTAS[0])))
    m = run.decide(near, f"approach: some game has {quantity} <= {fmt(c + APPROACH_DELTAS[0])}")
    if isinstance(m, str):
        out.status = "unknown"
        return None if guessed else out
    first = run.game(near, m, f"approaching game within {fmt(APPROACH_DELTAS[0])}")
    w = _verified(run.prob, first, quantity, _within(c, c + APPROACH_DELTAS[0]), "approaching game")
    out.approach.append({"delta": fmt(APPROACH_DELTAS[0]), **w})
    t0 = time.perf_counter()
    out.sequence, x0 = _sequence(run.prob, quantity, first, c)
    run.doc["tried"].append({"step": "a sequence G(s) = (1 - s) G0 + s G1 approaching the infimum (exact LP over the "
                                     "closure of G1's cell)", "result": "found" if out.sequence else "not found (G1's "
                                     "cell does not reach the infimum)", "seconds": round(time.perf_counter() - t0, 3)})
    if guessed and out.sequence is None:
        return None  # the trivial bound is approached but not proved to be the infimum: optimize
    for delta in APPROACH_DELTAS[1:]:
        if x0 is not None:  # G(s), s = delta / delta_0: its value is at most c + s (v(G1) - c) <= c + delta
            s = delta / APPROACH_DELTAS[0]
            values = [(1 - s) * a + s * b for a, b in zip(x0, first)]
        else:
            near = run.below(_at_most(run.value(c + delta)))
            m = run.decide(near, f"approach: some game has {quantity} <= {fmt(c + delta)}")
            if isinstance(m, str):
                out.status = "unknown"
                return out
            values = run.game(near, m, f"approaching game within {fmt(delta)}")
        w = _verified(run.prob, values, quantity, _within(c, c + delta), "approaching game")
        out.approach.append({"delta": fmt(delta), **w})
    return out


def _atoms(prob: _Problem) -> list[Atom]:
    """Every distinct atom of the problem's outcome formulas."""
    seen: dict[int, Atom] = {}
    stack: list[Formula] = [f for f, _ in prob.nc + prob.oc] + list(prob.extra)
    visited: set[int] = set()
    while stack:
        g = stack.pop()
        if id(g) in visited:
            continue
        visited.add(id(g))
        if isinstance(g, Atom):
            seen[id(g)] = g
        else:
            stack.extend(g.children)
    return list(seen.values())


def _holds(g: Formula, x: list[Fraction], memo: dict[int, bool]) -> bool:
    key = id(g)
    if key not in memo:
        if isinstance(g, Atom):
            v = sum((c * x[j] for j, c in g.terms), Fraction(0))
            memo[key] = v > 0 if g.strict else v >= 0
        elif isinstance(g, And):
            memo[key] = all(_holds(h, x, memo) for h in g.children)
        else:
            memo[key] = any(_holds(h, x, memo) for h in g.children)
    return memo[key]


def _dot(v: np.ndarray, x: list[Fraction]) -> Fraction:
    return sum((int(v[j]) * x[j] for j in np.flatnonzero(v)), Fraction(0))


def _sequence(prob: _Problem, quantity: str, x1: list[Fraction], c: Fraction
              ) -> tuple[dict[str, Any] | None, list[Fraction] | None]:
    """When c is an infimum: the sequence document and G0 (``(None, None)`` when not found): the closure of
    the cell of x1 (every atom keeps its truth value; the
    outcomes selected at x1 stay selected) minimized exactly (:func:`contract_theory.exact.lp.solve_lp`).
    If its value is c at a point x0, every G(s) = (1 - s) x0 + s x1, 0 < s <= 1, lies in the cell
    (an atom true at x1 and closed-true at x0 stays true on the half-open segment), so its value is
    at most (1 - s) c + s v1 and tends to c; checked exactly at s = 1/10, 1/100, 1/1000."""
    from contract_theory.exact.lp import solve_lp

    memo: dict[int, bool] = {}
    rows: list[list[Fraction]] = []
    for a in _atoms(prob):  # a true atom: v.x >= 0 on the closure, a false one: v.x <= 0
        sign = -1 if _holds(a, x1, memo) else 1
        rows.append([Fraction(sign * int(a.v[j])) for j in range(prob.size)] + [Fraction(0)])
    reached = [(f, w) for f, w in prob.nc + prob.oc if _holds(f, x1, memo)]
    n = prob.size
    eq: list[list[Fraction]] = []
    bounds: list[Any]
    if quantity == "ratio":  # t >= W(q) for every reached outcome; W(p) <= 1, W(p*) = 1 as at x1
        rows += [[Fraction(int(v)) for v in w] + [Fraction(-1)] for _, w in reached]
        rows += [[Fraction(int(v)) for v in w] + [Fraction(0)] for w in prob.profiles_w]
        top = next(w for w in prob.profiles_w if _dot(w, x1) == 1)
        eq = [[Fraction(int(v)) for v in top] + [Fraction(0)]]
        b_ub = [Fraction(0)] * (len(rows) - len(prob.profiles_w)) + [Fraction(1)] * len(prob.profiles_w)
        bounds = [(0, None)] * n + [(None, None)]
        objective = [Fraction(0)] * n + [Fraction(1)]
    else:  # the pair (no contract, coalition outcome) attaining the minimum at x1: minimize its difference
        diffs = [(d, den) for fb, fq, d, den in prob.pairs if _holds(fb, x1, memo) and _holds(fq, x1, memo)]
        diff, den = min(diffs, key=lambda dd: _dot(dd[0], x1) / dd[1])
        b_ub = [Fraction(0)] * len(rows)
        bounds = [(0, 1) for _ in range(n)] + [(0, 0)]
        objective = [Fraction(int(v), den) for v in diff] + [Fraction(0)]
    r = solve_lp(objective, A_ub=rows, b_ub=b_ub, A_eq=eq or None, b_eq=[Fraction(1)] if eq else None,
                 bounds=bounds)
    if r.status != "optimal" or r.value != c or r.x is None:
        return None, None
    x0 = list(r.x[:n])
    v1 = prob.evaluate(x1)
    checked = []
    for s in APPROACH_DELTAS:
        xs = [(1 - s) * a + s * b for a, b in zip(x0, x1)]
        v = prob.evaluate(xs)
        if v is None or v1 is None or not c < v <= (1 - s) * c + s * v1:
            return None, None
        checked.append({"s": fmt(s), "value": fmt(v)})
    limit = prob.evaluate(x0)
    return {"G0": {"value": None if limit is None else fmt(limit), **prob.describe(x0)},
            "G1": {"value": None if v1 is None else fmt(v1), **prob.describe(x1)}, "checked": checked,
            "statement": f"G(s) = (1 - s) G0 + s G1 is in the class for 0 < s <= 1 and its {quantity} tends to "
                         f"{fmt(c)} as s -> 0; G0 itself "
                         + ("is outside the domain" if limit is None else f"has {quantity} {fmt(limit)}")}, x0


def _less_than(target: Any) -> Callable[[Any], Any]:
    """``e < target`` as a z3 constraint builder."""
    return lambda e: e < target


def _at_most(target: Any) -> Callable[[Any], Any]:
    """``e <= target`` as a z3 constraint builder."""
    return lambda e: e <= target


def _within(lo: Fraction, hi: Fraction) -> Callable[[Fraction], bool]:
    """The check ``lo < v <= hi`` of an approaching game's value."""
    return lambda v: lo < v <= hi


def _q(c: Fraction) -> str:
    return f"{c.numerator}/{c.denominator}"


def _join(prob: _Problem) -> Formula:
    from contract_theory.search.encoding import disjunction
    return disjunction([f for f, _ in prob.nc + prob.oc])


def _check_shape(quantity: str, players: int, shape: tuple[int, ...], k: int | None, symmetric: bool) -> int:
    if players < 2 or len(shape) != players or any(m < 1 for m in shape):
        raise ParameterError(f"a bound needs >= 2 players with >= 1 action each and one action count per player, "
                             f"got {players} players and actions {list(shape)}")
    if symmetric and len(set(shape)) != 1:
        raise ParameterError(f"symmetric games share one action set; got actions {list(shape)}")
    kk = players - 1 if k is None else k
    if isinstance(kk, bool) or not isinstance(kk, int) or not 1 <= kk <= players:
        raise ParameterError(f"K must be an integer with 1 <= K <= N={players}, got {k!r}")
    if quantity != "ratio" and kk < 2:
        raise ParameterError(f"{quantity} is taken over coalitions of size 2..K and needs K >= 2, got K={kk}")
    if quantity == "outsiders-loss" and kk >= players:
        raise ParameterError(f"outsiders-loss needs outsiders: K < N, got K={kk} with N={players}")
    return kk


# ---------------------------------------------------------------------------- output
#: Each difference as text and LaTeX: W(S) - W_0 (welfare), U_S(q_S) - U_S(b) (the members' total at S's
#: outcome q_S minus at the no-contract outcome b).
_DIFFERENCE = {"welfare-gain": ("W(S) - W_0", "W(S) - W_0"),
               "members-gain": ("U_S(q_S) - U_S(b)", "U_S(q_S) - U_S(b)"),
               "min-member-gain": ("v_i(q_S) - u_i(b)", "v_i(q_S) - u_i(b)"),
               "outsiders-loss": ("u_o(b) - u_o(q_S)", "u_o(b) - u_o(q_S)")}
#: Over whom each difference ranges, after "for every coalition S of size 2..K with an outcome".
_OVER = {"min-member-gain": " and every member i (v_i its payoff under the sharing rule)",
         "outsiders-loss": " and every outsider o"}


def _symbol(r: BoundResult) -> str:
    if r.quantity == "ratio":
        return f"W_{r.parameters['k']} / W*"
    return f"{'max' if r.quantity in MAXIMIZED else 'min'}_S {_DIFFERENCE[r.quantity][0]}"


def _premise_words(r: BoundResult) -> str:
    """The premises beyond the class's own words (symmetric, the normalization), by their registered names."""
    extra = [x for x in r.premises if x not in ("symmetric", "nonnegative-payoffs", "payoffs-in-unit-interval")]
    if not extra:
        return ""
    return f" satisfying the premise{'s' if len(extra) > 1 else ''} " + ", ".join(extra)


def _class_text(r: BoundResult) -> str:
    shape = "x".join(str(m) for m in r.shape)
    kind = f"symmetric {len(r.shape)}-player {r.shape[0]}-action" if "symmetric" in r.premises else shape
    gp = _premise_words(r)
    if r.quantity == "ratio":
        return f"all {kind} games{gp} with nonnegative payoffs and W* > 0 on which W_{r.parameters['k']} is defined"
    return (f"all {kind} games{gp} with payoffs in [0, 1], a pure no-contract equilibrium and some coalition of "
            f"size 2..{r.parameters['k']} with an outcome")


def _statement(r: BoundResult) -> str:
    """The guarantee as one sentence (true under the stated convention)."""
    k = r.parameters["k"]
    if r.status == "empty":
        return "no game of the shape satisfies the premises (the class is empty)"
    if r.bound is None:
        return "undecided: the solver timed out (raise --timeout)"
    c = fmt(r.bound)
    upper = r.quantity in MAXIMIZED
    rel = ("<=" if upper else ">=") if r.attained else ("<" if upper else ">")
    if r.quantity == "ratio":
        core = f"W_{k} {rel} {c} * W* for every game of the class"
    else:
        core = (f"{_DIFFERENCE[r.quantity][0]} {rel} {c} for every coalition S of size 2..{k} with an outcome"
                f"{_OVER.get(r.quantity, '')}, in every game of the class")
    if r.status != "exact":
        return core + f" (proved); whether {c} is attained is undecided (timeout)"
    if r.attained:
        return core + f"; tight: a game attains {c} ({'a maximum' if upper else 'a minimum'})"
    what = "a supremum, not a maximum" if upper else "an infimum, not a minimum"
    return core + f"; tight as {what.split(',')[0]}: {c} is not attained, games come arbitrarily close ({what})"


def _witness_lines(w: dict[str, Any]) -> list[str]:
    if "payoffs" in w:
        return [f"  ({', '.join(row['profile'])}): ({', '.join(row['payoffs'])})" for row in w["payoffs"]]
    return [f"  {name} = {v}" for name, v in w["unknowns"].items()]


def bound_text(r: BoundResult) -> str:
    """The result as plain text: quantity, class, the guarantee, the witness or approaching games, the solver's steps.
    Complexity: linear in the witnesses' tables.

    Examples
    --------
    >>> print(bound_text(tight_bound("ratio", 2, 2, k=2)).splitlines()[2])
    guarantee: W_2 >= 1 * W* for every game of the class; tight: a game attains 1 (a minimum)
    """
    params = ", ".join(f"{k}={v}" for k, v in r.parameters.items())
    enc = r.solver.get("encoding", {})
    lines = [f"quantity: {r.quantity}, {_symbol(r)} ({params})",
             f"class: {_class_text(r)}; normalization: {r.normalization}",
             f"guarantee: {_statement(r)}"]
    if r.witness is not None:
        lines.append(f"witness ({_symbol(r)} = {r.witness['value']}, verified by the library's exact coalition "
                     "solver):")
        lines += _witness_lines(r.witness)
    for a in r.approach:
        lines.append(f"approaching game within {a['delta']} ({_symbol(r)} = {a['value']}, verified exactly):")
        lines += _witness_lines(a)
    if r.sequence is not None:
        q = r.sequence
        v0 = q["G0"]["value"]
        lines.append(f"sequence: {q['statement']}; G0 ({_symbol(r)} " + ("undefined" if v0 is None else f"= {v0}") + "):")
        lines += _witness_lines(q["G0"])
        lines.append(f"  G1 ({_symbol(r)} = {q['G1']['value']}):")
        lines += _witness_lines(q["G1"])
        lines.append("  value of G(s), exactly: " + ", ".join(f"s = {x['s']}: {x['value']}" for x in q["checked"]))
    lines.append(f"solver: z3 {r.solver.get('version', '')} (QF_LRA), {enc.get('atoms', '?')} linear inequalities, "
                 f"{enc.get('variables', '?')} payoff variables ({enc.get('kind', '')} encoding), {r.elapsed:.2f}s")
    for t in r.solver.get("tried", []):
        extra = f", optimum {t['optimum']}" if "optimum" in t else ""
        lines.append(f"  {t['step']}: {t['result']}{extra} ({t['seconds']}s)")
    return "\n".join(lines)


def _latex_table(w: dict[str, Any]) -> str:
    if "payoffs" not in w:
        rows = [f"${tex_escape(name)}$ & ${v}$ \\\\" for name, v in w["unknowns"].items()]
        return "\n".join(["\\begin{tabular}{ll}", "\\toprule", "unknown & value \\\\", "\\midrule", *rows,
                          "\\bottomrule", "\\end{tabular}"])
    rows = [f"{tex_escape(', '.join(row['profile']))} & ${', '.join(row['payoffs'])}$ \\\\" for row in w["payoffs"]]
    return "\n".join(["\\begin{tabular}{ll}", "\\toprule", "profile & payoffs \\\\", "\\midrule", *rows,
                      "\\bottomrule", "\\end{tabular}"])


def bound_latex(r: BoundResult) -> str:
    """The guarantee as a LaTeX proposition (needs ``amsthm`` and ``booktabs``), with the witness's table.
    Complexity: linear in the witnesses' tables.

    Examples
    --------
    >>> print(bound_latex(tight_bound("ratio", 2, 2, k=2)).splitlines()[2].split("), ")[-1])
    $W_{2} \\ge 1 \\cdot W^*$.
    """
    k = r.parameters["k"]
    shape = " \\times ".join(str(m) for m in r.shape)
    kind = (f"symmetric {len(r.shape)}-player {r.shape[0]}-action" if "symmetric" in r.premises else f"${shape}$")
    kind += " game" + tex_escape(_premise_words(r))
    rules = ", ".join(f"{key} {tex_escape(r.parameters[key])}" for key in ("timing", "selection", "sharing"))
    c = "?" if r.bound is None else fmt(r.bound)
    c_tex = c if "/" not in c else "\\frac{" + c.replace("/", "}{") + "}"
    strict = "" if r.attained else "strictly "
    upper = r.quantity in MAXIMIZED
    rel = ("\\le" if upper else "\\ge") if r.attained else ("<" if upper else ">")
    if r.quantity == "ratio":
        head = f"For every {kind} with nonnegative payoffs and $W^* > 0$ on which $W_{{{k}}}$ is defined ({rules}), "
        claim = f"$W_{{{k}}} {rel} {c_tex} \\cdot W^*$."
    else:
        head = (f"For every {kind} with payoffs in $[0, 1]$ and a pure no-contract equilibrium ({rules}), "
                f"every coalition $S$ with $2 \\le |S| \\le {k}$ that has an outcome satisfies ")
        over = {"min-member-gain": " for every member $i$ of $S$", "outsiders-loss": " for every outsider $o$ of $S$"}
        where = {"members-gain": ", where $q_S$ is $S$'s outcome and $b$ the no-contract outcome.",
                 "min-member-gain": ", where $q_S$ is $S$'s outcome, $b$ the no-contract outcome and $v_i$ the "
                                    "member's payoff under the sharing rule.",
                 "outsiders-loss": ", where $q_S$ is $S$'s outcome and $b$ the no-contract outcome."}
        claim = f"${_DIFFERENCE[r.quantity][1]} {rel} {c_tex}${over.get(r.quantity, '')}" + where.get(r.quantity, ".")
    out = ["% requires \\usepackage{amsthm,booktabs}", "\\begin{proposition}", head + claim, "\\end{proposition}"]
    if r.status == "empty":
        out.append("\\noindent No game of the shape satisfies the premises: the class is empty.")
    elif r.bound is None:
        out.append("\\noindent The bound is undecided: the solver timed out.")
    elif r.attained:
        out.append(f"\\noindent The constant is tight: the game below attains it exactly (verified by the exact "
                   f"coalition solver). z3 {tex_escape(r.solver.get('version', ''))} "
                   f"{'maximized' if upper else 'minimized'} the quantity and proved that no game of the class goes "
                   f"{strict}{'above' if upper else 'below'} ${c_tex}$.\n")
        out.append(_latex_table(r.witness or {"unknowns": {}}))
    elif r.status == "exact":
        out.append(f"\\noindent The constant ${c_tex}$ is {'a supremum' if upper else 'an infimum'}, not attained: "
                   "no game of the class reaches it, "
                   "and games come arbitrarily close; those below are within "
                   + ", ".join(f"${a['delta']}$" for a in r.approach) + " of it (verified exactly).\n")
        for a in r.approach:
            out.append(_latex_table(a) + "\n")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------- the guarantees table
#: The classes of the guarantees table: (label, players, actions, symmetric), each at K = N - 1.
GUARANTEE_SHAPES: tuple[tuple[str, int, int | tuple[int, ...], bool], ...] = (
    ("2x2", 2, 2, False), ("2x3", 2, (2, 3), False), ("2x2x2", 3, 2, False),
    ("symmetric N=3", 3, 2, True), ("symmetric N=4", 4, 2, True))


def _in_table(quantity: str, n: int, m: int | tuple[int, ...], sym: bool, rules: Rules, premises: Sequence[str]
              ) -> bool:
    """Whether the guarantees table has a row for the quantity and class (K = N - 1)."""
    if quantity != "ratio" and n < 3:
        return False  # K = N - 1 = 1: no coalition to measure
    if sym and (quantity == "outsiders-loss" or quantity == "min-member-gain" and rules.sharing == "none"
                or "generic" in premises):
        return False  # no counts encoding of these
    return not (sym and isinstance(m, int) and m ** n > COUNT_PREMISE_PROFILES
                and set(premises) - set(COUNT_NATIVE_PREMISES))


def guarantees_table(rules: Rules | None = None, *, quantities: Sequence[str] = ("ratio",),
                     shapes: Sequence[tuple[str, int, int | tuple[int, ...], bool]] = GUARANTEE_SHAPES,
                     generic: bool = False, premises: Sequence[str] = (), timeout: float = 60.0,
                     canonical: bool = True) -> list[BoundResult]:
    """The tight guarantee of each quantity at K = N - 1 for every class of ``shapes`` (default
    :data:`GUARANTEE_SHAPES`: 2x2, 2x3, 2x2x2, symmetric N = 3, 4 with two actions; add e.g.
    ``("symmetric N=6", 6, 2, True)``, about 12 s), under ``rules`` (default Stackelberg,
    pessimistic, equal): the rows of the report's Guarantees table.  ``premises``: registered premises
    of every row's class (:mod:`contract_theory.search.premises`); ``generic``: the same as adding
    ``"generic"`` (the symmetric rows are then left out: no counts encoding).  A class whose bound does
    not fit the size budget is skipped; one that times out is a row with status ``unknown``.
    ``canonical``: the canonical witnesses (:class:`BoundLimits`; the report, which prints no witness
    game, turns it off).

    Complexity: one :func:`tight_bound` per row; about 10 s for the ratio rows under the defaults.

    Examples
    --------
    >>> rows = guarantees_table()
    >>> [(fmt(r.bound), r.attained) for r in rows][:2]
    [('0', True), ('0', True)]
    """
    rules = rules or Rules()
    extra = tuple(premises) + (("generic",) if generic and "generic" not in premises else ())
    rows = []
    for quantity in quantities:
        for _, n, m, sym in shapes:
            if not _in_table(quantity, n, m, sym, rules, extra):
                continue
            try:
                rows.append(tight_bound(quantity, n, m, k=n - 1, rules=rules,
                                        premises=(("symmetric",) if sym else ()) + extra,
                                        limits=BoundLimits(timeout=timeout, canonical=canonical)))
            except BoundSizeError:
                continue
    return rows


def _label(r: BoundResult) -> str:
    extra = [x for x in r.premises if x not in ("symmetric", "nonnegative-payoffs", "payoffs-in-unit-interval")]
    tail = (" " + ", ".join(extra)) if extra else ""
    if "symmetric" in r.premises:
        return f"symmetric N={len(r.shape)}, M={r.shape[0]}{tail}"
    return "x".join(str(m) for m in r.shape) + tail


def _row_cells(r: BoundResult) -> list[str]:
    c = "undecided" if r.bound is None else fmt(r.bound)
    kind = "min (attained)" if r.attained else ("inf (not attained)" if r.attained is False else "undecided")
    if r.witness is not None:
        wit = f"a game with value {r.witness['value']}"
    elif r.approach:
        wit = "games with value " + ", ".join(a["value"] for a in r.approach)
    else:
        wit = "none"
    return [_label(r), str(r.parameters["k"]), r.quantity, c, kind, wit]


_HEADER = ["class", "K", "quantity", "tight c", "kind", "witness (verified exactly)"]


def guarantees_text(rows: Sequence[BoundResult]) -> str:
    """The table as aligned plain text (one line per class, with the seconds each took).  Complexity: linear
    in the rows.

    Examples
    --------
    >>> print(guarantees_text([tight_bound("ratio", 2, 2, k=2)]).splitlines()[1][:43])
    2x2    2  ratio     1        min (attained)
    """
    cells = [_HEADER + ["seconds"]] + [_row_cells(r) + [f"{r.elapsed:.1f}"] for r in rows]
    width = [max(len(row[j]) for row in cells) for j in range(len(cells[0]))]
    return "\n".join("  ".join(x.ljust(w) for x, w in zip(row, width)).rstrip() for row in cells)


def guarantees_markdown(rows: Sequence[BoundResult]) -> str:
    """The table as Markdown, with the convention under it (what the report's Guarantees section shows).
    Complexity: linear in the rows.

    Examples
    --------
    >>> print(guarantees_markdown([tight_bound("ratio", 2, 2, k=1)]).splitlines()[2])
    | 2x2 | 1 | ratio | 0 | min (attained) | a game with value 0 |
    """
    out = ["| " + " | ".join(_HEADER) + " |", "|" + "---|" * len(_HEADER)]
    out += ["| " + " | ".join(_row_cells(r)) + " |" for r in rows]
    out.append("")
    out.append("ratio: W_K / W* over nonnegative payoffs with W* > 0 (W_K includes no contract); welfare-gain: "
               "min over coalitions of W(S) - W_0, members-gain: min over coalitions of the members' total gain "
               "over no contract, both over payoffs in [0, 1]; each c is proved by z3 and its witness "
               "re-evaluated by the exact coalition solver.")
    return "\n".join(out)
