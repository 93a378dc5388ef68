r"""Decide a built-in claim over **all** games of a shape with real payoffs (`docs/background/deciding-claims.md`).

:func:`prove` hands the claim's failure formula (:mod:`contract_theory.search.encoding`: a Boolean
combination of linear inequalities in the payoff variables) to the SMT solver z3 over linear real
arithmetic (QF_LRA; ``pip install "contract-theory[prove]"``), in named steps:

1. **Decide**: is the failure formula satisfiable (with ``generic``: together with "no ties among
   each player's payoffs, the welfare and every bloc total across profiles")?  ``unsat`` -> verdict
   ``holds``: no game of the shape, with any real payoffs, is a counterexample.
2. **Robust counterexample** (when it fails): the formula with every atom tightened to
   ``v.x >= ||v||_1`` is satisfiable iff some counterexample has margin > 0 (the failing set is a
   cone, so the scale is free); z3's optimizer minimizes the largest |payoff| B over it.  The
   solution x has robustness >= 1, so ``round(2 x)`` is an **integer** counterexample with
   margin >= 3/2 (rounding moves each payoff by <= 1/2).  If the tightened formula is unsatisfiable every
   counterexample rests on a tie: the step-1 model (exact rationals) is reported with margin 0 and
   its ties named.
3. **Re-verify**: the counterexample must fail the claim in the library's own solver
   (:mod:`contract_theory.search.claims`) and its certificate must be reproduced by the independent
   loop-based code (:func:`contract_theory.search.certificates.verify_certificate`); the margin is
   certified by an exact LP (:mod:`contract_theory.search.margin`).  A disagreement is a bug and raises.

``unknown``: the solver hit ``timeout`` seconds (the result says which step).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.errors import ParameterError
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.search.certificates import certificate_for, certificate_latex, verify_certificate
from contract_theory.search.claims import claim_parameters, get_claim, json_parameters
from contract_theory.search.encoding import (
    And,
    Atom,
    Encoding,
    Formula,
    failure_formula,
    formula_size,
)
from contract_theory.util.latex import tex_escape

__all__ = ["ProofResult", "prove", "import_z3", "proof_latex", "smt2"]

def import_z3() -> Any:
    """The z3 module, or a one-line :class:`~contract_theory.errors.ParameterError` saying how to install it."""
    try:
        import z3
    except ImportError:
        raise ParameterError("prove needs the SMT solver z3, which is not installed: "
                             "pip install \"contract-theory[prove]\" (or pip install z3-solver)") from None
    return z3


@dataclass
class ProofResult:
    """What :func:`prove` decided: ``verdict`` (holds / fails / unknown), the counterexample and how.

    ``solver`` records the method (z3 version, logic, encoding size, the steps tried and their
    outcomes); ``counterexample`` is ``None`` or ``{"nfg", "certificate"}`` (the certificate
    carries ``margin``).
    """

    claim: str
    parameters: dict[str, Any]
    shape: tuple[int, ...]
    generic: bool
    verdict: str
    counterexample: dict[str, Any] | None
    elapsed: float
    solver: dict[str, Any] = field(default_factory=dict)
    game: NormalFormGame | None = None

    @property
    def margin(self) -> Fraction | None:
        """The counterexample's margin (None without one)."""
        if self.counterexample is None:
            return None
        return Fraction(self.counterexample["certificate"]["margin"]["value"])

    def to_json(self) -> dict[str, Any]:
        """The ``prove --format json`` document (keys: claim, parameters, shape, generic, verdict,
        counterexample, elapsed_seconds, solver)."""
        return {"claim": self.claim, "parameters": json_parameters(self.parameters), "shape": list(self.shape),
                "generic": self.generic, "verdict": self.verdict, "counterexample": self.counterexample,
                "elapsed_seconds": round(self.elapsed, 3), "solver": self.solver}


def smt2(f: Formula, size: int, tighten: bool, name: str = "fails") -> str:
    """SMT-LIB 2 text asserting ``f`` over reals ``x0 .. x{size-1}``; ``tighten``: every atom ``v.x >= ||v||_1``.

    Shared subformulas become ``define-fun`` macros, so the text is linear in the DAG's size.

    Examples
    --------
    >>> from contract_theory.search.encoding import Encoding, ge
    >>> e = Encoding((1, 2))
    >>> print(smt2(ge(e.u((0, 0), 0), e.u((0, 1), 0)), e.size, False))   # u1(0,0) >= u1(0,1)
    (declare-fun x0 () Real)
    (declare-fun x1 () Real)
    (declare-fun x2 () Real)
    (declare-fun x3 () Real)
    (define-fun fails0 () Bool (>= (+ (* 1 x0) (* -1 x2)) 0))
    (assert fails0)
    """
    lines = [f"(declare-fun x{j} () Real)" for j in range(size)]
    ids: dict[int, str] = {}

    def go(g: Formula) -> str:
        key = id(g)
        if key in ids:
            return ids[key]
        if isinstance(g, Atom):
            lhs = "(+ " + " ".join(f"(* {c} x{j})" for j, c in g.terms) + ")" if len(g.terms) > 1 else \
                f"(* {g.terms[0][1]} x{g.terms[0][0]})"
            body = f"(>= {lhs} {g.norm})" if tighten else f"({'>' if g.strict else '>='} {lhs} 0)"
        else:
            kids = [go(c) for c in g.children]
            op = "and" if isinstance(g, And) else "or"
            body = (f"({op} {' '.join(kids)})" if len(kids) > 1 else kids[0]) if kids else \
                ("true" if isinstance(g, And) else "false")
        ref = f"{name}{len(ids)}"
        lines.append(f"(define-fun {ref} () Bool {body})")
        ids[key] = ref
        return ref

    root = go(f)
    lines.append(f"(assert {root})")
    return "\n".join(lines)


def _assertions(z3: Any, f: Formula, size: int, tighten: bool, ctx: Any) -> Any:
    return z3.parse_smt2_string(smt2(f, size, tighten), ctx=ctx)


def _model_values(z3: Any, model: Any, xs: list[Any]) -> list[Fraction]:
    out = []
    for x in xs:
        v = model.eval(x, model_completion=True)
        out.append(Fraction(v.as_fraction()))
    return out


def _remaining(deadline: float) -> int:
    return max(1, int((deadline - time.perf_counter()) * 1000))


def prove(claim: str, players: int, actions: int | tuple[int, ...], *, params: dict[str, Any] | None = None,
          generic: bool = False, timeout: float = 60.0, smallest: bool = True) -> ProofResult:
    """Decide ``claim`` over every game with ``players`` players and ``actions`` actions each (or a
    tuple of action counts) and real payoffs (module docstring: decide, robust counterexample,
    re-verify).

    ``params``: the claim's parameters (``k``, ``timing``, ``selection``, ``sharing``, ``tie``);
    ``generic``: only games in general position; ``timeout``: seconds for all solver calls together;
    ``smallest``: minimize the robust counterexample's largest |payoff| (else any robust one).
    Claims without an encoding raise :class:`~contract_theory.search.encoding.EncodingError`.
    Complexity: the formula has O(C * P^2 * n * m) atoms (P profiles, C coalitions); deciding it is
    NP-hard in general, in practice seconds for 2x2x2 (see the docs for measured shapes).

    Examples
    --------
    >>> r = prove("optimum-reachable", 2, 2, params={"k": 2})   # the grand coalition reaches W*
    >>> r.verdict, r.counterexample
    ('holds', None)
    >>> r = prove("members-gain", 2, 2)                          # equal sharing can hurt a member
    >>> cert = r.counterexample["certificate"]
    >>> r.verdict, r.margin > 0, cert.get("holds")
    ('fails', True, False)
    """
    z3 = import_z3()
    start = time.perf_counter()
    deadline = start + timeout
    c = get_claim(claim)
    shape = (actions,) * players if isinstance(actions, int) else tuple(int(a) for a in actions)
    if len(shape) != players:
        raise ParameterError(f"--actions lists {len(shape)} action counts for {players} players")
    if players < 2 or any(m < 1 for m in shape):
        raise ParameterError(f"prove needs >= 2 players with >= 1 action each, got {players} players, actions {shape}")
    p = claim_parameters(c, players, dict(params or {}))
    enc, fails, general = failure_formula(c.name, shape, p, generic=generic)
    size = formula_size(fails)
    ctx = z3.Context()  # a fresh context per call: the answer does not depend on what was solved before
    xs = [z3.Real(f"x{j}", ctx) for j in range(enc.size)]
    solver_doc: dict[str, Any] = {"name": "z3", "version": z3.get_version_string(), "logic": "QF_LRA",
                                  "encoding": {"variables": enc.size, **size}, "tried": []}

    def done(verdict: str, cex: dict[str, Any] | None = None, game: NormalFormGame | None = None) -> ProofResult:
        return ProofResult(c.name, p, shape, generic, verdict, cex, time.perf_counter() - start, solver_doc, game)

    s = z3.Solver(ctx=ctx)
    s.set("timeout", _remaining(deadline))
    s.add(_assertions(z3, fails, enc.size, False, ctx))
    if generic:
        s.add(_assertions(z3, general, enc.size, False, ctx))
    t0 = time.perf_counter()
    status = str(s.check())
    solver_doc["tried"].append({"step": "decide the failure formula", "result": status,
                                "seconds": round(time.perf_counter() - t0, 3)})
    if status == "unsat":
        return done("holds")
    if status != "sat":
        solver_doc["tried"][-1]["reason"] = s.reason_unknown()
        return done("unknown")
    tie_model = _model_values(z3, s.model(), xs)
    robust = _robust_model(z3, fails, general if generic else None, xs, deadline, smallest, solver_doc)
    if robust is not None:  # robustness >= 1 at x: round(2x) keeps >= 3/2; then divide out the common factor
        ints = [round(2 * v) for v in robust]
        g = math.gcd(*ints) or 1
        values = [Fraction(v // g) for v in ints]
    else:
        values = tie_model
    game, cert = _verified_counterexample(c.name, enc, values, p)
    if robust is None:
        robust_step = [t for t in solver_doc["tried"] if t["step"].startswith("robust")][-1]
        solver_doc["tried"].append({"step": "note", "result": (
            "every counterexample rests on ties (margin 0): the tightened formula is unsatisfiable"
            if robust_step["result"] == "unsat" else
            "the search for a counterexample with margin > 0 did not finish: this one (margin 0) is what was found")})
    from contract_theory.games.formats.nfg import write_nfg
    return done("fails", {"nfg": write_nfg(game), "certificate": cert}, game)


def _robust_model(z3: Any, fails: Formula, general: Formula | None, xs: list[Any], deadline: float,
                  smallest: bool, doc: dict[str, Any]) -> list[Fraction] | None:
    """Step 2: a model of the tightened formula (robustness >= 1); with ``smallest`` the first bound B in
    1, 2, 3, 4, 6, 8, ... with one inside [-B, B] (so within a factor 1.5 of the smallest max |payoff|)."""
    ctx = xs[0].ctx
    s = z3.Solver(ctx=ctx)
    s.set("timeout", _remaining(deadline))
    s.add(*_assertions(z3, fails, len(xs), True, ctx))
    if general is not None:
        s.add(*_assertions(z3, general, len(xs), True, ctx))
    t0 = time.perf_counter()
    status = str(s.check())
    doc["tried"].append({"step": "robust counterexample (every atom tightened to v.x >= ||v||_1)", "result": status,
                         "seconds": round(time.perf_counter() - t0, 3)})
    if status != "sat":
        return None
    best = _model_values(z3, s.model(), xs)
    if not smallest:
        return best
    top = max(abs(v) for v in best)
    bounds = [b for b in (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64) if b < top]
    t0 = time.perf_counter()
    for b in bounds:
        s.push()
        s.set("timeout", _remaining(deadline))
        s.add(*[cond for x in xs for cond in (x <= b, -x <= b)])
        status = str(s.check())
        if status == "sat":
            best = _model_values(z3, s.model(), xs)
            s.pop()
            break
        s.pop()
        if status != "unsat":
            break
    doc["tried"].append({"step": "smallest robust counterexample (bounds |x| <= B for B = 1, 2, 3, 4, 6, ...)",
                         "result": f"max |payoff| {max(abs(v) for v in best)} before rounding",
                         "seconds": round(time.perf_counter() - t0, 3)})
    return best


def _verified_counterexample(name: str, enc: Encoding, values: list[Fraction], p: dict[str, Any]
                             ) -> tuple[NormalFormGame, dict[str, Any]]:
    """Step 3: the game of ``values``, re-verified by the library and the independent certificate code."""
    arr = np.empty(enc.size, dtype=object)
    arr[:] = [v.numerator if v.denominator == 1 else v for v in values]
    table = arr.reshape(enc.shape + (enc.n,))
    if all(isinstance(v, int) for v in arr):
        table = table.astype(np.int64)
    game = NormalFormGame(table)
    claim = get_claim(name)
    if claim.evaluate(game, p).holds is not False:
        raise RuntimeError(f"the solver's counterexample does not fail {name!r} in the library's solver "
                           "(an encoding bug)")
    cert = certificate_for(claim, game, p)
    if not verify_certificate(cert):
        raise RuntimeError(f"the counterexample to {name!r} is not reproduced by the independent certificate code")
    return game, cert


def proof_latex(r: ProofResult) -> str:
    """The proposition, the verdict, the encoding's size and (when it fails) the counterexample's tables."""
    c = get_claim(r.claim)
    params = ", ".join(f"{k}={v}" for k, v in json_parameters(r.parameters).items())
    shape = " \\times ".join(str(m) for m in r.shape)
    enc = r.solver.get("encoding", {})
    verdict = {"holds": "holds (the solver proved that no counterexample exists)",
               "fails": "fails (a counterexample follows)",
               "unknown": "is undecided (the solver timed out)"}[r.verdict]
    out = ["% requires \\usepackage{amsthm,booktabs}",
           "\\begin{proposition}",
           f"For every ${shape}$ game with real payoffs{' in general position' if r.generic else ''}, "
           f"{tex_escape(c.description)} ({tex_escape(params)}).",
           "\\end{proposition}",
           f"\\noindent The proposition {verdict}: z3 {tex_escape(r.solver.get('version', ''))} over linear real "
           f"arithmetic decided its negation, a Boolean combination of {enc.get('atoms', '?')} linear inequalities "
           f"({enc.get('nodes', '?')} formula nodes) in {enc.get('variables', '?')} payoff variables, "
           f"in {r.elapsed:.2f}~s.", ""]
    if r.counterexample is not None:
        m = r.counterexample["certificate"]["margin"]
        out.append(f"\\noindent Margin: every game within max-norm distance ${tex_escape(m['value'])}$ of the "
                   "counterexample is a counterexample too" + (" (it rests on ties)." if m["value"] == "0" else ".")
                   + "\n")
        out.append(certificate_latex(r.counterexample["certificate"]))
    return "\n".join(out) + "\n"
