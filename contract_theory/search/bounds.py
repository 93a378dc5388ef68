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

__all__ = ["QUANTITIES", "CLASS_PREMISES", "BoundLimits", "BoundSizeError", "BoundResult", "tight_bound", "estimated_atoms",
           "bound_text", "bound_latex", "GUARANTEE_SHAPES", "guarantees_table", "guarantees_text",
           "guarantees_markdown", "DEFAULT_MAX_ATOMS"]

#: The quantities :func:`tight_bound` computes, with their normalization (module docstring).
QUANTITIES: dict[str, str] = {
    "ratio": "nonnegative payoffs and W* > 0 (scaled to W* = 1; the ratio is scale free)",
    "welfare-gain": "payoffs in [0, 1] (the encoding is a cone: without a box a difference is 0 or unbounded)",
    "members-gain": "payoffs in [0, 1] (the encoding is a cone: without a box a difference is 0 or unbounded)",
}
#: Premises that restrict the class of a bound (MODEL.md section 10).
CLASS_PREMISES: tuple[str, ...] = ("symmetric", "generic")
#: Default budget on the estimated number of atoms of the optimized formula.
DEFAULT_MAX_ATOMS = 20000
#: The distances to the infimum at which approaching games are produced when it is not attained.
APPROACH_DELTAS: tuple[Fraction, ...] = (Fraction(1, 10), Fraction(1, 100), Fraction(1, 1000))


class BoundSizeError(ParameterError):
    """The formula a bound would optimize is larger than the budget (the message gives both and the way out)."""


@dataclass(frozen=True)
class BoundLimits:
    """Budgets of :func:`tight_bound`: ``timeout`` seconds for all z3 calls together, ``max_atoms``
    on the estimated formula size (:func:`estimated_atoms`)."""

    timeout: float = 60.0
    max_atoms: int = DEFAULT_MAX_ATOMS


@dataclass
class BoundResult:
    """What :func:`tight_bound` found.

    ``bound``: the exact worst case c (None when undecided); ``attained``: True when a game of the
    class attains it (a minimum), False when it is an infimum; ``witness``: ``{"nfg", "value", ...}``
    of the attaining game (None otherwise); ``approach``: when c is an infimum, games with value in
    (c, c + delta]; ``status``: ``"exact"`` (proved and verified) or ``"unknown"`` (timeout);
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
        """True when the bound was decided (proved, and its witness or approach verified)."""
        return self.status == "exact"

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
    #: differences: (no-contract formula, coalition formula, the difference's linear form) for every pair
    pairs: list[tuple[Formula, Formula, np.ndarray]] = field(default_factory=list)
    #: further constraints on the class (premises such as general position), asserted as they are
    extra: list[Formula] = field(default_factory=list)


def estimated_atoms(shape: Sequence[int], k: int) -> int:
    """Upper estimate of the atoms of the outcome formulas of a dense shape at K: ``6 (C + 1) P^2 + P sum(m)``
    (P profiles, C coalitions of size 2..K; within 1.1 to 5 times the measured count for 2x2 to 2x2x2x2).

    Examples
    --------
    >>> estimated_atoms((2, 2, 2), 2)     # measured: 1216
    1584
    """
    p = math.prod(int(m) for m in shape)
    n = len(shape)
    c = sum(math.comb(n, s) for s in range(2, k + 1))
    return 6 * (c + 1) * p * p + p * sum(int(m) for m in shape)


def _estimated_count_atoms(n: int, m: int, k: int) -> int:
    p = math.comb(n + m - 1, m - 1)
    pairs = sum((math.comb(s + m - 1, m - 1) * math.comb(n - s + m - 1, m - 1)) ** 2 for s in range(2, k + 1))
    return 6 * (p * p + pairs)


def _check_size(atoms: int, limits: BoundLimits, what: str, way_out: str) -> None:
    if atoms > limits.max_atoms:
        raise BoundSizeError(f"the bound over {what} needs about {atoms} linear inequalities, above the budget of "
                             f"{limits.max_atoms}; {way_out}, or raise the budget (--max-atoms)")


def _dense_problem(shape: tuple[int, ...], k: int, rules: Rules, quantity: str, limits: BoundLimits,
                   generic: bool = False) -> _Problem:
    est = estimated_atoms(shape, k)
    _check_size(est, limits, f"{'x'.join(map(str, shape))} games at K={k}",
                "use a smaller shape or --symmetric (symmetric games by counts)")
    items = (("k", k), ("timing", rules.timing), ("selection", rules.selection), ("sharing", rules.sharing))
    c = claim_blocks(shape, items)
    enc = c.enc
    nc = [(f, enc.W(q)) for q, f in c.nc.items()]
    oc = [(f, enc.W(q)) for S in c.coalitions for q, f in c.oc[S].items()]
    form = (lambda S, q, b: enc.W(q) - enc.W(b)) if quantity == "welfare-gain" else \
        (lambda S, q, b: enc.total(q, S) - enc.total(b, S))
    pairs = [(fb, fq, form(S, q, b)) for b, fb in c.nc.items() for S in c.coalitions for q, fq in c.oc[S].items()]

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

    extra = []
    if generic:  # the registered premise (search.premises): no ties among payoffs, welfare, bloc totals
        from contract_theory.search.premises import premise_formula
        extra.append(premise_formula(["generic"], shape, k))
    return _Problem(enc.size, [enc.W(p) for p in enc.profiles], nc, oc, evaluate, describe,
                    {"kind": "dense", "variables": enc.size, "estimated_atoms": est},
                    pairs if quantity != "ratio" else [], extra)


def _counts_problem(n: int, m: int, k: int, rules: Rules, quantity: str, limits: BoundLimits) -> _Problem:
    from contract_theory.search.counts import count_claims

    if quantity == "members-gain":
        raise ParameterError("members-gain has no bound by counts yet (the members' no-contract total depends on "
                             "which players sign); drop --symmetric for small shapes")
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

        a = partial_contract_study(CompactBloc(symmetric_game(n, m, values)), max(k, 2), rules)
        return _value(quantity, a, k)

    def describe(values: list[Fraction]) -> dict[str, Any]:
        from contract_theory.games.formats.nfg import write_nfg
        from contract_theory.search.counts import symmetric_game

        out: dict[str, Any] = {"unknowns": {enc.name(j): fmt(v) for j, v in enumerate(values)}}
        if m ** n <= 64:
            out["nfg"] = write_nfg(symmetric_game(n, m, values).to_dense())
        return out

    pairs = [(fb, fq, c.Wq(q) - enc.W(b)) for b, fb in c.nc.items() for s in c.sizes for q, fq in c.oc[s].items()]
    return _Problem(enc.size, [enc.W(p) for p in enc.profiles], nc, oc, evaluate, describe,
                    {"kind": "counts", "variables": enc.size, "estimated_atoms": est}, pairs)


def _value(quantity: str, a: Any, k: int) -> Fraction | None:
    """The quantity from an exact partial-contract analysis (None: outside the domain)."""
    if quantity == "ratio":
        w_k = a.welfare_curve[k]
        if w_k is None or a.optimum_welfare <= 0:
            return None
        return Fraction(w_k) / Fraction(a.optimum_welfare)
    base = a.no_contract.welfare
    if base is None:
        return None
    if quantity == "members-gain":
        gains = [o.gains[0] for o in a.outcomes.values() if o.welfare is not None and o.gains is not None]
        return Fraction(min(gains)) if gains else None
    live = [o.welfare for o in a.outcomes.values() if o.welfare is not None]
    return Fraction(min(live)) - Fraction(base) if live else None


# ---------------------------------------------------------------------------- z3
class _Z3:
    """One problem's outcome formulas in a fresh z3 context: each outcome formula f_i is named by a
    Boolean o_i with ``o_i = f_i`` asserted in :attr:`defs` (parsed once from SMT-LIB text with shared
    subformulas as ``define-fun`` macros, so building is linear in the formula DAG)."""

    def __init__(self, z3: Any, prob: _Problem) -> None:
        self.z3 = z3
        self.ctx = z3.Context()
        self.xs = [z3.Real(f"x{j}", self.ctx) for j in range(prob.size)]
        roots = [f for f, _ in prob.nc + prob.oc]
        lines = [f"(declare-fun x{j} () Real)" for j in range(prob.size)]
        lines += [f"(declare-fun o{i} () Bool)" for i in range(len(roots))]
        names: dict[int, str] = {}
        for i, f in enumerate(roots):
            lines.append(f"(assert (= o{i} {_smt(f, names, lines)}))")
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
        return z3.And([some] + [z3.Or(z3.Not(zz.formula(f)), cmp(zz.lin(w))) for f, w in reached])
    return z3.Or([z3.And(zz.formula(fb), zz.formula(fq), cmp(zz.lin(d))) for fb, fq, d in prob.pairs])


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
    from contract_theory.search.prove import import_z3

    if quantity not in QUANTITIES:
        raise ParameterError(f"unknown quantity {quantity!r}; choose one of {list(QUANTITIES)}")
    rules = rules or Rules()
    limits = limits or BoundLimits()
    shape = (actions,) * players if isinstance(actions, int) else tuple(int(a) for a in actions)
    unknown = sorted(set(premises) - set(CLASS_PREMISES))
    if unknown:
        raise ParameterError(f"unknown premise(s) {unknown} for a bound; choose from {list(CLASS_PREMISES)}")
    symmetric, generic = "symmetric" in premises, "generic" in premises
    if symmetric and generic:
        raise ParameterError("generic has no encoding by counts; drop --generic or --symmetric")
    kk = _check_shape(quantity, players, shape, k, symmetric)
    z3 = import_z3()
    start = time.perf_counter()
    deadline = start + limits.timeout
    prob = (_counts_problem(players, shape[0], kk, rules, quantity, limits) if symmetric
            else _dense_problem(shape, kk, rules, quantity, limits, generic))
    nodes = formula_size(_join(prob))
    doc: dict[str, Any] = {"name": "z3", "version": z3.get_version_string(), "logic": "QF_LRA",
                           "method": "OMT (z3 Optimize) for the optimum, z3 Solver to certify it, the library's "
                                     "exact solver to verify every witness",
                           "encoding": {**prob.encoding, **nodes}, "tried": []}
    params = {"k": kk, "timing": rules.timing, "selection": rules.selection, "sharing": rules.sharing}
    names = [x for x in CLASS_PREMISES if x in premises] + (
        ["nonnegative-payoffs"] if quantity == "ratio" else ["payoffs-in-unit-interval"])

    out = _solve(z3, prob, quantity, deadline, doc)
    return BoundResult(quantity, params, shape, names, QUANTITIES[quantity], out.bound, out.attained, out.witness,
                       out.approach, time.perf_counter() - start, out.status, doc, out.sequence)


@dataclass
class _Answer:
    status: str = "unknown"
    bound: Fraction | None = None
    attained: bool | None = None
    witness: dict[str, Any] | None = None
    approach: list[dict[str, Any]] = field(default_factory=list)
    sequence: dict[str, Any] | None = None


def _solve(z3: Any, prob: _Problem, quantity: str, deadline: float, doc: dict[str, Any]) -> _Answer:
    """Steps 2-4 of the module docstring on one problem (any encoding); the steps go to ``doc["tried"]``."""
    zz = _Z3(z3, prob)
    base = list(zz.defs) + _class_constraints(zz, prob, quantity)
    c, infinitesimal = _optimize(zz, base, prob, quantity, deadline, doc)
    if c is None:
        return _Answer()
    below = _decide(zz, base, _below(zz, prob, quantity, lambda e: e < z3.RealVal(_q(c), zz.ctx)), deadline, doc,
                    f"certify: no game has {quantity} < {fmt(c)}")
    if not isinstance(below, str):
        raise RuntimeError(f"z3's optimum {fmt(c)} is not a lower bound: a game with a smaller {quantity} exists")
    if below != "unsat":
        return _Answer(bound=c)
    at = _decide(zz, base, _below(zz, prob, quantity, _at_most(z3.RealVal(_q(c), zz.ctx))), deadline, doc,
                 f"attained: some game has {quantity} = {fmt(c)}")
    if not isinstance(at, str):
        if infinitesimal:
            raise RuntimeError("z3's optimum carries an infinitesimal but the bound is attained")
        return _Answer("exact", c, True, _verified(prob, zz.values(at), quantity, lambda v: v == c, "witness"))
    if at != "unsat":
        return _Answer(bound=c)
    out = _Answer("exact", c, False)
    first: list[Fraction] | None = None
    for delta in APPROACH_DELTAS:
        m = _decide(zz, base, _below(zz, prob, quantity, _at_most(z3.RealVal(_q(c + delta), zz.ctx))),
                    deadline, doc, f"approach: some game has {quantity} <= {fmt(c + delta)}")
        if isinstance(m, str):
            out.status = "unknown"
            return out
        first = zz.values(m) if first is None else first
        w = _verified(prob, zz.values(m), quantity, _within(c, c + delta), "approaching game")
        out.approach.append({"delta": fmt(delta), **w})
    t0 = time.perf_counter()
    out.sequence = _sequence(prob, quantity, first, c) if first is not None else None
    doc["tried"].append({"step": "a sequence G(s) = (1 - s) G0 + s G1 approaching the infimum (exact LP over the "
                                 "closure of G1's cell)", "result": "found" if out.sequence else "not found (G1's "
                                 "cell does not reach the infimum)", "seconds": round(time.perf_counter() - t0, 3)})
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


def _sequence(prob: _Problem, quantity: str, x1: list[Fraction], c: Fraction) -> dict[str, Any] | None:
    """When c is an infimum: the closure of the cell of x1 (every atom keeps its truth value; the
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
        diffs = [d for fb, fq, d in prob.pairs if _holds(fb, x1, memo) and _holds(fq, x1, memo)]
        diff = min(diffs, key=lambda d: _dot(d, x1))
        b_ub = [Fraction(0)] * len(rows)
        bounds = [(0, 1) for _ in range(n)] + [(0, 0)]
        objective = [Fraction(int(v)) for v in diff] + [Fraction(0)]
    r = solve_lp(objective, A_ub=rows, b_ub=b_ub, A_eq=eq or None, b_eq=[Fraction(1)] if eq else None,
                 bounds=bounds)
    if r.status != "optimal" or r.value != c or r.x is None:
        return None
    x0 = list(r.x[:n])
    v1 = prob.evaluate(x1)
    checked = []
    for s in APPROACH_DELTAS:
        xs = [(1 - s) * a + s * b for a, b in zip(x0, x1)]
        v = prob.evaluate(xs)
        if v is None or v1 is None or not c < v <= (1 - s) * c + s * v1:
            return None
        checked.append({"s": fmt(s), "value": fmt(v)})
    limit = prob.evaluate(x0)
    return {"G0": {"value": None if limit is None else fmt(limit), **prob.describe(x0)},
            "G1": {"value": None if v1 is None else fmt(v1), **prob.describe(x1)}, "checked": checked,
            "statement": f"G(s) = (1 - s) G0 + s G1 is in the class for 0 < s <= 1 and its {quantity} tends to "
                         f"{fmt(c)} as s -> 0; G0 itself "
                         + ("is outside the domain" if limit is None else f"has {quantity} {fmt(limit)}")}


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
    return kk


# ---------------------------------------------------------------------------- output
#: Each difference as text and LaTeX: W(S) - W_0 (welfare), U_S(q_S) - U_S(b) (the members' total at S's
#: outcome q_S minus at the no-contract outcome b).
_DIFFERENCE = {"welfare-gain": ("W(S) - W_0", "W(S) - W_0"),
               "members-gain": ("U_S(q_S) - U_S(b)", "U_S(q_S) - U_S(b)")}


def _symbol(r: BoundResult) -> str:
    return f"W_{r.parameters['k']} / W*" if r.quantity == "ratio" else f"min_S {_DIFFERENCE[r.quantity][0]}"


def _class_text(r: BoundResult) -> str:
    shape = "x".join(str(m) for m in r.shape)
    kind = f"symmetric {len(r.shape)}-player {r.shape[0]}-action" if "symmetric" in r.premises else shape
    gp = " in general position" if "generic" in r.premises else ""
    if r.quantity == "ratio":
        return f"all {kind} games{gp} with nonnegative payoffs and W* > 0 on which W_{r.parameters['k']} is defined"
    return (f"all {kind} games{gp} with payoffs in [0, 1], a pure no-contract equilibrium and some coalition of "
            f"size 2..{r.parameters['k']} with an outcome")


def _statement(r: BoundResult) -> str:
    """The guarantee as one sentence (true under the stated convention)."""
    k = r.parameters["k"]
    if r.bound is None:
        return "undecided: the solver timed out (raise --timeout)"
    c = fmt(r.bound)
    if r.quantity == "ratio":
        rel = ">=" if r.attained else ">"
        core = f"W_{k} {rel} {c} * W* for every game of the class"
    else:
        rel = ">=" if r.attained else ">"
        core = (f"{_DIFFERENCE[r.quantity][0]} {rel} {c} for every coalition S of size 2..{k} with an outcome, "
                "in every game of the class")
    if r.status != "exact":
        return core + f" (proved); whether {c} is attained is undecided (timeout)"
    if r.attained:
        return core + f"; tight: a game attains {c} (a minimum)"
    return core + f"; tight as an infimum: {c} is not attained, games come arbitrarily close (an infimum, not a minimum)"


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
    kind += " game in general position" if "generic" in r.premises else " game"
    rules = ", ".join(f"{key} {tex_escape(r.parameters[key])}" for key in ("timing", "selection", "sharing"))
    c = "?" if r.bound is None else fmt(r.bound)
    c_tex = c if "/" not in c else "\\frac{" + c.replace("/", "}{") + "}"
    strict = "" if r.attained else "strictly "
    rel = "\\ge" if r.attained else ">"
    if r.quantity == "ratio":
        head = f"For every {kind} with nonnegative payoffs and $W^* > 0$ on which $W_{{{k}}}$ is defined ({rules}), "
        claim = f"$W_{{{k}}} {rel} {c_tex} \\cdot W^*$."
    else:
        head = (f"For every {kind} with payoffs in $[0, 1]$ and a pure no-contract equilibrium ({rules}), "
                f"every coalition $S$ with $2 \\le |S| \\le {k}$ that has an outcome satisfies ")
        claim = f"${_DIFFERENCE[r.quantity][1]} {rel} {c_tex}$" + (
            ", where $q_S$ is $S$'s outcome and $b$ the no-contract outcome." if r.quantity == "members-gain" else ".")
    out = ["% requires \\usepackage{amsthm,booktabs}", "\\begin{proposition}", head + claim, "\\end{proposition}"]
    if r.bound is None:
        out.append("\\noindent The bound is undecided: the solver timed out.")
    elif r.attained:
        out.append(f"\\noindent The constant is tight: the game below attains it exactly (verified by the exact "
                   f"coalition solver). z3 {tex_escape(r.solver.get('version', ''))} minimized the quantity and "
                   f"proved that no game of the class goes {strict}below ${c_tex}$.\n")
        out.append(_latex_table(r.witness or {"unknowns": {}}))
    elif r.status == "exact":
        out.append(f"\\noindent The constant ${c_tex}$ is an infimum, not attained: no game of the class reaches it, "
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


def guarantees_table(rules: Rules | None = None, *, quantities: Sequence[str] = ("ratio",),
                     shapes: Sequence[tuple[str, int, int | tuple[int, ...], bool]] = GUARANTEE_SHAPES,
                     generic: bool = False, timeout: float = 60.0) -> list[BoundResult]:
    """The tight guarantee of each quantity at K = N - 1 for every class of ``shapes`` (default
    :data:`GUARANTEE_SHAPES`: 2x2, 2x3, 2x2x2, symmetric N = 3, 4 with two actions; add e.g.
    ``("symmetric N=6", 6, 2, True)``, about 12 s), under ``rules`` (default Stackelberg,
    pessimistic, equal): the rows of the report's Guarantees table.  ``generic``: the dense classes
    in general position instead (the symmetric rows are then left out: no counts encoding).  A class
    whose bound does not fit the size budget is skipped; one that times out is a row with status
    ``unknown``.

    Complexity: one :func:`tight_bound` per row; about 10 s for the ratio rows under the defaults.

    Examples
    --------
    >>> rows = guarantees_table()
    >>> [(fmt(r.bound), r.attained) for r in rows][:2]
    [('0', True), ('0', True)]
    """
    rows = []
    for quantity in quantities:
        for _, n, m, sym in shapes:
            if quantity != "ratio" and n < 3 or sym and (quantity == "members-gain" or generic):
                continue  # K = N - 1 = 1: no coalition to measure; no counts encoding of these
            premises = ("symmetric",) if sym else ("generic",) if generic else ()
            try:
                rows.append(tight_bound(quantity, n, m, k=n - 1, rules=rules, premises=premises,
                                        limits=BoundLimits(timeout=timeout)))
            except BoundSizeError:
                continue
    return rows


def _label(r: BoundResult) -> str:
    if "symmetric" in r.premises:
        return f"symmetric N={len(r.shape)}, M={r.shape[0]}"
    return "x".join(str(m) for m in r.shape) + (" generic" if "generic" in r.premises else "")


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
