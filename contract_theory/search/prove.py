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
   counterexample rests on a tie: the step-1 model (exact rationals, scaled to integers) is reported with margin 0 and
   its ties named.
3. **Re-verify**: the counterexample must fail the claim in the library's own solver
   (:mod:`contract_theory.search.claims`) and its certificate must be reproduced by the independent
   loop-based code (:func:`contract_theory.search.certificates.verify_certificate`); the margin is
   certified by an exact LP (:mod:`contract_theory.search.margin`).  A disagreement is a bug and raises.

``unknown``: the solver hit ``timeout`` seconds (the result says which step).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.errors import ParameterError
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.search.certificates import certificate_for, certificate_latex, verify_certificate
from contract_theory.search.claims import claim_parameters, get_claim, json_parameters
from contract_theory.search.encoding import (
    TRUE,
    And,
    Atom,
    Encoding,
    Formula,
    failure_formula,
    formula_size,
    post_order,
)
from contract_theory.search.premises import parse_premises, premise_formula, satisfied_premises
from contract_theory.util.latex import tex_escape

__all__ = ["ProofResult", "prove", "import_z3", "proof_latex", "smt2", "clear_answers"]

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
    carries ``margin``); ``premises``: the registered premises assumed
    (:mod:`contract_theory.search.premises`), which the counterexample satisfies; ``vacuous``: the
    claim holds because no game of the shape satisfies the premises.
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
    premises: tuple[str, ...] = ()
    vacuous: bool = False

    @property
    def margin(self) -> Fraction | None:
        """The counterexample's margin (None without one)."""
        if self.counterexample is None:
            return None
        return Fraction(self.counterexample["certificate"]["margin"]["value"])

    def to_json(self) -> dict[str, Any]:
        """The ``prove --format json`` document (keys: claim, parameters, shape, generic, premises,
        vacuous, verdict, counterexample, elapsed_seconds, solver)."""
        return {"claim": self.claim, "parameters": json_parameters(self.parameters), "shape": list(self.shape),
                "generic": self.generic, "premises": list(self.premises), "vacuous": self.vacuous,
                "verdict": self.verdict, "counterexample": self.counterexample,
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
    for g in post_order(f):  # children before parents, as a recursive walk meets them: the n-th node is ``name``n
        if isinstance(g, Atom):
            body = f"(>= {g.lhs} {g.norm})" if tighten else f"({'>' if g.strict else '>='} {g.lhs} 0)"
        else:
            kids = [ids[id(c)] for c in g.children]
            op = "and" if isinstance(g, And) else "or"
            body = (f"({op} {' '.join(kids)})" if len(kids) > 1 else kids[0]) if kids else \
                ("true" if isinstance(g, And) else "false")
        ref = f"{name}{len(ids)}"
        lines.append(f"(define-fun {ref} () Bool {body})")
        ids[id(g)] = ref
    lines.append(f"(assert {ids[id(f)]})")
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
          generic: bool = False, timeout: float = 60.0, assuming: Sequence[str] = ()) -> ProofResult:
    """Decide ``claim`` over every game with ``players`` players and ``actions`` actions each (or a
    tuple of action counts) and real payoffs (module docstring: decide, robust counterexample,
    re-verify).

    ``params``: the claim's parameters (``k``, ``timing``, ``selection``, ``sharing``, ``tie``);
    ``generic``: only games in general position; ``timeout``: seconds for all solver calls together;
    ``assuming``: registered premises (:mod:`contract_theory.search.premises`): only games that
    satisfy every one; their formula joins each solver call untightened, so a counterexample
    satisfies them exactly (checked by their exact checks) and its margin is the claim's, over all
    games.  When the claim holds under premises, the premises alone are decided too: if no game
    satisfies them the result is ``vacuous``.
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
    >>> prove("members-gain", 2, 2, assuming=["symmetric", "generic"]).vacuous   # W(0,1) = W(1,0) always
    True
    """
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout < math.inf:
        raise ParameterError(f"--timeout must be a positive finite number of seconds, got {timeout!r}")
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
    names = parse_premises(list(assuming))
    # the size estimate (encoding.check_encoding_size) runs first: an oversize shape is refused before allocation
    enc, fails, general = failure_formula(c.name, shape, p, generic=generic)
    assumed = premise_formula(names, shape, int(p["k"]))
    size = formula_size(fails)
    solver_doc: dict[str, Any] = {"name": "z3", "version": z3.get_version_string(), "logic": "QF_LRA",
                                  "encoding": {"variables": enc.size, **size,
                                               **({"premise atoms": formula_size(assumed)["atoms"]} if names else {})},
                                  "tried": []}

    def done(verdict: str, cex: dict[str, Any] | None = None, game: NormalFormGame | None = None,
             vacuous: bool = False) -> ProofResult:
        return ProofResult(c.name, p, shape, generic, verdict, cex, time.perf_counter() - start, solver_doc, game,
                           names, vacuous)

    answer = _answer(z3, enc.size, (fails, general, assumed), bool(names), deadline)
    solver_doc["tried"] = answer.tried
    if answer.status == "unsat":
        return done("holds", vacuous=answer.vacuous)
    if answer.status != "sat":
        return done("unknown")
    robust, tie_model = answer.robust, answer.tie_model
    values = _scaled(tie_model) if robust is None else _integer_model(robust, enc, names, int(p["k"]))
    game, cert = _verified_counterexample(c.name, enc, values, p, names)
    if robust is None:
        robust_step = [t for t in solver_doc["tried"] if t["step"].startswith("robust")][-1]
        solver_doc["tried"].append({"step": "note", "result": (
            "every counterexample rests on ties (margin 0): the tightened formula is unsatisfiable"
            if robust_step["result"] == "unsat" else
            "the search for a counterexample with margin > 0 did not finish: this one (margin 0) is what was found")})
    from contract_theory.games.formats.nfg import write_nfg
    return done("fails", {"nfg": write_nfg(game), "certificate": cert}, game)


@dataclass
class _Answer:
    """What z3 answered for one formula (steps 1 and 2 of the module docstring): the decision, with
    premises whether they alone are unsatisfiable, the step-1 model and the robust model (``None``:
    none found), the steps tried, and whether every call finished (an answer cut by the time limit
    is not remembered)."""

    status: str
    vacuous: bool = False
    tie_model: list[Fraction] = field(default_factory=list)
    robust: list[Fraction] | None = None
    tried: list[dict[str, Any]] = field(default_factory=list)
    complete: bool = True


#: z3's answers by the SHA-256 of the SMT-LIB text they answer (:func:`_answer`); the last
#: :data:`ANSWERS_SIZE` kept.
_ANSWERS: OrderedDict[str, _Answer] = OrderedDict()
ANSWERS_SIZE = 256


def clear_answers() -> int:
    """Forget the z3 answers remembered in this process (:func:`prove` then solves every formula again, as
    in a new process); returns how many there were.  For measuring cold runs and for tests.

    Examples
    --------
    >>> _ = prove("welfare-rises", 2, 2)
    >>> clear_answers() >= 1, clear_answers()
    (True, 0)
    """
    n = len(_ANSWERS)
    _ANSWERS.clear()
    return n


def _answer(z3: Any, size: int, formulas: tuple[Formula, Formula, Formula], premises: bool,
            deadline: float) -> _Answer:
    """z3's answer for ``(fails, general, assumed)`` over ``size`` variables (steps 1 and 2), solved in a
    fresh context, or the answer already given in this process for the same text.

    Several claims have one failure formula under different parameters (optimum-reachable,
    welfare-rises and outsiders-gain do not read the sharing rule: the atlas has each of their
    formulas three times).  The same text is the same question, and z3 gives it the same answer in a
    fresh context; the answer is remembered by the SHA-256 of the text (with the premises' vacuity
    question) and the caller verifies the counterexample for its own claim and parameters as always.
    Only answers whose every call finished are remembered (a time limit can cut one short)."""
    fails, general, assumed = formulas
    texts = [smt2(f, size, False) if f is not TRUE else "" for f in formulas]
    key = hashlib.sha256("\n;\n".join([*texts, str(premises)]).encode()).hexdigest()
    known = _ANSWERS.get(key)
    if known is not None:
        _ANSWERS.move_to_end(key)
        note = {"step": "note", "result": "the same formula was decided earlier in this process (SHA-256 of its "
                f"SMT-LIB text {key[:16]}): z3's answers above are reused, the counterexample verified again"}
        return _Answer(known.status, known.vacuous, known.tie_model, known.robust, [*known.tried, note])
    ctx = z3.Context()  # a fresh context per call: the answer does not depend on what was solved before
    xs = [z3.Real(f"x{j}", ctx) for j in range(size)]
    doc: dict[str, Any] = {"tried": []}
    status, s = _decide(z3, [t for t in texts if t], xs, deadline, doc, "decide the failure formula")
    answer = _Answer(status, tried=doc["tried"])
    if status == "unsat" and premises:
        answer.vacuous = _decide(z3, [t for t in texts[1:] if t], xs, deadline, doc,
                                 "decide the premises alone")[0] == "unsat"
    elif status == "sat":
        answer.tie_model = _model_values(z3, s.model(), xs)
        answer.robust = _robust_model(z3, fails, [(general, True), (assumed, False)], xs, deadline, doc)
    answer.complete = not doc.get("unfinished") and all(
        t["result"] in ("sat", "unsat") for t in answer.tried if not t["step"].startswith("smallest"))
    if answer.complete:
        _ANSWERS[key] = answer
        while len(_ANSWERS) > ANSWERS_SIZE:
            _ANSWERS.popitem(last=False)
    return answer


def _decide(z3: Any, texts: list[str], xs: list[Any], deadline: float, doc: dict[str, Any],
            step: str) -> tuple[str, Any]:
    """One satisfiability call on the conjunction of the SMT-LIB ``texts`` (untightened formulas), recorded in ``doc``."""
    s = z3.Solver(ctx=xs[0].ctx)
    s.set("timeout", _remaining(deadline))
    for text in texts:
        s.add(z3.parse_smt2_string(text, ctx=xs[0].ctx))
    t0 = time.perf_counter()
    status = str(s.check())
    doc["tried"].append({"step": step, "result": status, "seconds": round(time.perf_counter() - t0, 3)})
    if status not in ("sat", "unsat"):
        doc["tried"][-1]["reason"] = s.reason_unknown()
    return status, s


def _scaled(model: list[Fraction]) -> list[Fraction]:
    """An exact model times its common denominator, over the gcd: integers, the same game up to a positive
    scale (every atom is homogeneous), so it fails the claim and satisfies the premises exactly as the model does."""
    den = math.lcm(*(v.denominator for v in model))
    ints = [int(v * den) for v in model]
    g = math.gcd(*ints) or 1
    return [Fraction(v // g) for v in ints]


def _integer_model(robust: list[Fraction], enc: Encoding, names: tuple[str, ...], k: int) -> list[Fraction]:
    """The robust model as integers: ``round(2 x)`` over the gcd (robustness >= 1 at x, so the rounded game
    keeps margin >= 3/2), unless rounding breaks a premise (an equality with several terms, a strict
    inequality): then x itself times the common denominator, which satisfies every premise exactly (a cone)."""
    ints = [round(2 * v) for v in robust]
    if names and not all(satisfied_premises(_game(enc, [Fraction(v) for v in ints]), k, names).values()):
        return _scaled(robust)
    g = math.gcd(*ints) or 1
    return [Fraction(v // g) for v in ints]


def _robust_model(z3: Any, fails: Formula, side: list[tuple[Formula, bool]], xs: list[Any], deadline: float,
                  doc: dict[str, Any]) -> list[Fraction] | None:
    """Step 2: a model of the tightened formula (robustness >= 1), with the ``side`` formulas (each
    tightened or not), of small max |payoff|: the first bound B in 1, 2, 3, 4, 6, 8, ... with one
    inside [-B, B] (so within a factor 1.5 of the smallest max |payoff|)."""
    ctx = xs[0].ctx
    s = z3.Solver(ctx=ctx)
    s.set("timeout", _remaining(deadline))
    s.add(*_assertions(z3, fails, len(xs), True, ctx))
    for f, tighten in side:
        if f is not TRUE:
            s.add(*_assertions(z3, f, len(xs), tighten, ctx))
    t0 = time.perf_counter()
    status = str(s.check())
    doc["tried"].append({"step": "robust counterexample (every atom tightened to v.x >= ||v||_1)", "result": status,
                         "seconds": round(time.perf_counter() - t0, 3)})
    if status != "sat":
        return None
    best = _model_values(z3, s.model(), xs)
    top = max(abs(v) for v in best)
    bounds = [b for b in (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64) if b < top]
    t0 = time.perf_counter()
    finished = True
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
            finished = False
            break
    doc["tried"].append({"step": "smallest robust counterexample (bounds |x| <= B for B = 1, 2, 3, 4, 6, ...)",
                         "result": f"max |payoff| {max(abs(v) for v in best)} before rounding",
                         "seconds": round(time.perf_counter() - t0, 3)})
    if not finished:
        doc["unfinished"] = True
    return best


def _game(enc: Encoding, values: list[Fraction]) -> NormalFormGame:
    arr = np.empty(enc.size, dtype=object)
    arr[:] = [v.numerator if v.denominator == 1 else v for v in values]
    table = arr.reshape(enc.shape + (enc.n,))
    if all(isinstance(v, int) for v in arr):
        table = table.astype(np.int64)
    return NormalFormGame(table)


def _verified_counterexample(name: str, enc: Encoding, values: list[Fraction], p: dict[str, Any],
                             names: tuple[str, ...] = ()) -> tuple[NormalFormGame, dict[str, Any]]:
    """Step 3: the game of ``values``, re-verified by the library, the independent certificate code and
    the premises' exact checks."""
    game = _game(enc, values)
    claim = get_claim(name)
    if claim.evaluate(game, p).holds is not False:
        raise RuntimeError(f"the solver's counterexample does not fail {name!r} in the library's solver "
                           "(an encoding bug)")
    cert = certificate_for(claim, game, p)
    if not verify_certificate(cert):
        raise RuntimeError(f"the counterexample to {name!r} is not reproduced by the independent certificate code")
    if names:
        missed = [n for n, ok in satisfied_premises(game, int(p["k"]), names).items() if not ok]
        if missed:
            raise RuntimeError(f"the counterexample to {name!r} does not satisfy the premises {missed} by their exact "
                               "checks (a premise encoding bug)")
    return game, cert


#: Declares the two environments unless the document already has them (amsthm's ``\newtheorem``).
_THEOREMS = ("\\ifdefined\\proposition\\else\\newtheorem{proposition}{Proposition}\\fi\n"
             "\\ifdefined\\claim\\else\\newtheorem{claim}{Claim}\\fi")


def _hypotheses(r: ProofResult) -> str:
    """The class of games in words: shape, real payoffs, general position and the premises."""
    from contract_theory.search.premises import PREMISES
    shape = " \\times ".join(str(m) for m in r.shape)
    text = f"every ${shape}$ game with real payoffs{' in general position' if r.generic else ''}"
    if r.premises:
        text += " such that " + "; ".join(tex_escape(PREMISES[n].definition) + f" (\\texttt{{{tex_escape(n)}}})"
                                          for n in r.premises)
    return text


def proof_latex(r: ProofResult) -> str:
    r"""The statement with its hypotheses (the premises), the verdict, the encoding's size and, when it
    fails, the counterexample's tables.  A proved statement is a ``proposition``; a refuted or
    undecided one is a ``claim`` (never a proposition), followed by its counterexample.  The text
    declares both environments unless they exist, so it compiles in any document loading
    ``amsthm`` and ``booktabs``.

    Examples
    --------
    >>> r = prove("members-gain", 2, 2)
    >>> tex = proof_latex(r)
    >>> "\\begin{claim}[refuted]" in tex, "\\begin{proposition}" in tex
    (True, False)
    """
    c = get_claim(r.claim)
    params = ", ".join(f"{k}={v}" for k, v in json_parameters(r.parameters).items())
    enc = r.solver.get("encoding", {})
    env = "proposition" if r.verdict == "holds" else "claim"
    note = {"holds": "", "fails": "[refuted]", "unknown": "[undecided]"}[r.verdict]
    verdict = {"holds": "The proposition holds" + (
                   " vacuously: no game of the shape satisfies the hypotheses (the solver proved them "
                   "unsatisfiable)" if r.vacuous else ": the solver proved that no counterexample exists"),
               "fails": "The claim is false: a counterexample follows",
               "unknown": "The claim is undecided: the solver timed out"}[r.verdict]
    size = (f"a Boolean combination of {enc.get('atoms', '?')} linear inequalities ({enc.get('nodes', '?')} formula "
            f"nodes) in {enc.get('variables', '?')} payoff variables")
    if enc.get("kind") == "counts":
        size += " (the symmetric games' payoffs by counts)"
    out = ["% requires \\usepackage{amsthm,booktabs}", _THEOREMS,
           f"\\begin{{{env}}}{note}",
           f"For {_hypotheses(r)}: {tex_escape(c.description)} ({tex_escape(params)}).",
           f"\\end{{{env}}}",
           f"\\noindent {verdict}. z3 {tex_escape(r.solver.get('version', ''))} over linear real "
           f"arithmetic decided its negation, {size}, in {r.elapsed:.2f}~s.", ""]
    cex = r.counterexample
    if cex is not None and "certificate" in cex:
        m = cex["certificate"]["margin"]
        out.append(f"\\noindent Margin: every game within max-norm distance ${tex_escape(m['value'])}$ of the "
                   "counterexample is a counterexample too" + (" (it rests on ties)." if m["value"] == "0" else ".")
                   + "\n")
        out.append(certificate_latex(cex["certificate"]))
    elif cex is not None:  # a symmetric game by counts, too large for a dense table
        rows = " \\\\\n".join(f"${tex_escape(k)}$ & ${tex_escape(v)}$" for k, v in cex["symmetric"]["unknowns"].items())
        out += [f"\\noindent The counterexample, a symmetric game by its payoffs $f(a; c)$ (own action $a$, the others' "
                f"counts $c$); margin {tex_escape(cex['symmetric']['margin'])}.", "",
                "\\begin{tabular}{lr}", "\\toprule", "unknown & value \\\\", "\\midrule", rows + " \\\\",
                "\\bottomrule", "\\end{tabular}", ""]
    return "\n".join(out) + "\n"
