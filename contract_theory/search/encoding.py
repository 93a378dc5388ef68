r"""A built-in claim's failure as a Boolean combination of linear inequalities in the payoffs.

See `docs/background/deciding-claims.md#the-encoding` (and `docs/background/model.md#4-partial-contracts`
for the quantities).  For a fixed shape (players, actions), K and tie rules the structure behind a
built-in claim is finite: which profiles are (outsiders') equilibria, which one each tie rule picks,
which coalition outcome is best.  Each piece is a comparison of two linear forms in the payoff
variables ``x[p, i]`` (player i's payoff at joint action p), so "the claim fails on the game x" is a
formula built from

* **atoms** ``v . x >= 0`` or ``v . x > 0`` (``v`` an integer vector; no constant term: every
  comparison is between payoff combinations, so the failing set is a cone);
* ``And``, ``Or`` and the constants; negation is pushed into the atoms (``not (v.x >= 0)`` is
  ``-v.x > 0``), so every formula is in negation normal form.

Named building blocks (each mirrors the loop-based reference of
:mod:`contract_theory.search.certificates`, which mirrors :mod:`contract_theory.contracting.coalitions.normal_form`):

``eq(p, players)``
    no listed player gains by a unilateral deviation from p;
``select(candidates, keys)``
    p is a candidate and precedes every other candidate in the lexicographic order of ``keys``
    (linear forms), then of the profile index -- the named tie rule: no-contract outcome keys
    ``(W)`` (pessimistic; ``(-W)`` optimistic); the outsiders' answer to a commitment keys
    ``(U_S, W)`` (``(-U_S, -W)``); the bloc's commitment keys ``(-U_S, W)`` (``(-U_S, -W)``);
``nc(b)``, ``oc(S, p)``
    b is the no-contract outcome; p is coalition S's outcome (Stackelberg: the bloc's best
    commitment given the outsiders' selected answer; Nash: the selected equilibrium of the bloc
    against the outsiders).

:func:`failure_formula` assembles these into the claim's negation; :func:`robustness` evaluates a
formula's robustness at a concrete game (min over ``And``, max over ``Or``, an atom's
``v.x / ||v||_1``): a positive value r means every game within max-norm distance < r fails too
(the **margin**, :mod:`contract_theory.search.margin`).

Not encodable (:class:`EncodingError`, a ParameterError): ``spe-optimal`` (its contract space and
the SPE of the voting game are built from the game's payoff *values*, not from a fixed finite set
of comparisons) and user claim files (arbitrary Python).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np

from contract_theory.errors import ParameterError, SizeLimitError

__all__ = ["Atom", "And", "Or", "TRUE", "FALSE", "Formula", "Encoding", "EncodingError", "EncodingSizeError",
           "ENCODABLE", "estimated_atoms", "check_encoding_size", "failure_formula",
           "robustness", "robustness_value", "holds_at", "flatten", "negate", "atom_text", "formula_size",
           "canonical", "merging", "post_order", "unmerged_formula"]

#: Built-in claims with an encoding.
ENCODABLE: tuple[str, ...] = ("optimum-reachable", "members-gain", "welfare-rises", "outsiders-gain", "stable-is-best")


class EncodingError(ParameterError):
    """A claim or parameter has no encoding as linear inequalities (the message says why)."""


class EncodingSizeError(SizeLimitError, EncodingError):
    """The encoding of a claim for a shape is over the one size budget (:func:`check_encoding_size`).

    Both a :class:`~contract_theory.errors.SizeLimitError` (the command line's one line, exit 2) and an
    :class:`EncodingError` (so a search's margin, which skips claims without an encoding, skips it too).
    """


# ---------------------------------------------------------------------------- formulas
class Atom:
    """``v . x > 0`` (``strict``) or ``v . x >= 0``; ``v`` an integer numpy vector."""

    __slots__ = ("v", "strict", "norm", "terms", "_lhs")

    def __init__(self, v: np.ndarray, strict: bool) -> None:
        self.v = v
        self.strict = strict
        self.norm = int(np.abs(v).sum())
        self.terms = [(int(j), int(v[j])) for j in np.flatnonzero(v)]
        self._lhs: str | None = None

    @property
    def lhs(self) -> str:
        """``v . x`` in SMT-LIB over reals ``x0, x1, ...``: ``(+ (* 1 x0) (* -1 x2))`` (one term: no ``+``)."""
        if self._lhs is None:
            terms = [f"(* {c} x{j})" for j, c in self.terms]
            self._lhs = terms[0] if len(terms) == 1 else "(+ " + " ".join(terms) + ")"
        return self._lhs

    def negated(self) -> Atom:
        """``not (v.x >= 0)`` = ``-v.x > 0`` (and ``not (v.x > 0)`` = ``-v.x >= 0``), without rescanning ``v``."""
        out = Atom.__new__(Atom)
        out.v, out.strict, out.norm, out.terms = -self.v, not self.strict, self.norm, [(j, -c) for j, c in self.terms]
        out._lhs = None
        return out


@dataclass(frozen=True, eq=False)
class And:
    """Conjunction (empty: true)."""

    children: tuple[Formula, ...]


@dataclass(frozen=True, eq=False)
class Or:
    """Disjunction (empty: false)."""

    children: tuple[Formula, ...]


Formula = Atom | And | Or
TRUE: Formula = And(())
FALSE: Formula = Or(())


#: The tables that structurally equal nodes are merged in while a formula is built (:func:`merging`).
_MERGE: list[dict[Any, Any]] = []


@contextmanager
def merging(table: dict[Any, Any]) -> Iterator[dict[Any, Any]]:
    """Within the block, every atom, junction and negation the builders of this module make is merged
    with the structurally equal node already in ``table`` (hash-consing, as :func:`canonical`), so a
    formula is built as a DAG of distinct nodes: an atom is one node per (vector, strictness), a
    junction one per (kind, children in order), a node's negation is built once.  The table keeps
    its nodes alive (their ids are its keys), so it belongs with the formulas built in it (the
    blocks of :func:`claim_blocks` keep theirs).

    Examples
    --------
    >>> e = Encoding((1, 2))
    >>> with merging({}):
    ...     a, b = ge(e.u((0, 0), 0), e.u((0, 1), 0)), ge(e.u((0, 0), 0), e.u((0, 1), 0))
    ...     f, g = _and([a, negate(b)]), _and([b, negate(a)])
    >>> a is b, f is g, ge(e.u((0, 0), 0), e.u((0, 1), 0)) is a   # outside the block: a new node
    (True, True, False)
    """
    _MERGE.append(table)
    try:
        yield table
    finally:
        _MERGE.pop()


def _merged(key: tuple[Any, ...], make: Any) -> Any:
    """The node of ``key`` in the current table (made by ``make()`` the first time); ``make()`` outside one."""
    if not _MERGE:
        return make()
    table = _MERGE[-1]
    node = table.get(key)
    if node is None:
        node = table[key] = make()
    return node


def _junction(parts: Iterable[Formula], absorbing: Formula, neutral: Formula, kind: type) -> Formula:
    """``And``/``Or`` of ``parts`` simplified: the absorbing constant wins, the neutral one is dropped."""
    kids: list[Formula] = []
    for f in parts:
        if f is absorbing:
            return absorbing
        if f is not neutral:
            kids.append(f)
    if len(kids) < 2:
        return kids[0] if kids else neutral
    t = tuple(kids)
    return _merged((kind is And, *map(id, t)), lambda: kind(t))


def _and(parts: Iterable[Formula]) -> Formula:
    return _junction(parts, FALSE, TRUE, And)


def _or(parts: Iterable[Formula]) -> Formula:
    return _junction(parts, TRUE, FALSE, Or)


def _atom(v: np.ndarray, strict: bool) -> Formula:
    if not v.any():  # 0 > 0 is false, 0 >= 0 is true
        return FALSE if strict else TRUE
    return _merged((v.tobytes(), strict), lambda: Atom(v, strict))


def negate(f: Formula, memo: dict[int, Formula] | None = None) -> Formula:
    """The negation in negation normal form (``not (v.x >= 0)`` = ``-v.x > 0``); shared nodes stay shared."""
    memo = {} if memo is None else memo
    key = id(f)
    if key in memo:
        return memo[key]
    if _MERGE and ("not", key) in _MERGE[-1]:  # negated before in this table
        out: Formula = _MERGE[-1][("not", key)][1]
    elif isinstance(f, Atom):
        neg = f.negated()
        out = _merged((neg.v.tobytes(), neg.strict), lambda: neg)
    elif isinstance(f, And):
        out = FALSE if f is TRUE else _or(negate(c, memo) for c in f.children)
    else:
        out = TRUE if f is FALSE else _and(negate(c, memo) for c in f.children)
    memo[key] = out
    if _MERGE:
        _MERGE[-1][("not", key)] = (f, out)  # f kept alive with its negation: its id stays its own
    return out


def canonical(f: Formula) -> Formula:
    """``f`` with structurally equal subformulas merged into one node (hash-consing).

    Two atoms are equal when their vectors and strictness are; two junctions when they are of the
    same kind with the same children in the same order (children are neither reordered nor
    deduplicated, so the formula's text keeps its structure).  The builders of this module make a
    fresh node for every comparison and every negation, so a formula holds many copies of the same
    subformula (stable-is-best 2x2x2: 33,188 nodes, 3,156 distinct); z3 merges them when it reads
    the text anyway, but writing, parsing and evaluating them costs time proportional to the copies.
    The first node of each class is kept (a junction whose children all are kept is reused
    as is).  Complexity: one pass over the DAG, O(nodes + edges).

    Examples
    --------
    >>> e = Encoding((1, 2))
    >>> a, b = ge(e.u((0, 0), 0), e.u((0, 1), 0)), ge(e.u((0, 0), 0), e.u((0, 1), 0))
    >>> f = _or([_and([a, gt(e.u((0, 0), 1), e.u((0, 1), 1))]), _and([b, gt(e.u((0, 0), 1), e.u((0, 1), 1))])])
    >>> formula_size(f), formula_size(canonical(f))
    ({'nodes': 7, 'atoms': 4}, {'nodes': 4, 'atoms': 2})
    >>> g = canonical(f)
    >>> g.children[0] is g.children[1], canonical(TRUE) is TRUE
    (True, True)
    """
    classes: dict[tuple[Any, ...], Formula] = {}
    image: dict[int, Formula] = {}
    for g in _post_order(f):
        if isinstance(g, Atom):
            out = classes.setdefault((g.v.tobytes(), g.strict), g)
        elif not g.children:
            out = TRUE if isinstance(g, And) else FALSE
        else:
            kids = tuple(image[id(c)] for c in g.children)
            key = (isinstance(g, And), tuple(id(k) for k in kids))
            out = classes.get(key) or classes.setdefault(
                key, g if all(k is c for k, c in zip(kids, g.children)) else type(g)(kids))
        image[id(g)] = out
    return image[id(f)]


def formula_size(f: Formula) -> dict[str, int]:
    """Distinct nodes and atoms of a formula (a DAG: shared subformulas counted once)."""
    order = post_order(f)
    return {"nodes": len(order), "atoms": sum(isinstance(g, Atom) for g in order)}


# ---------------------------------------------------------------------------- the game's variables
class Encoding:
    """Payoff variables of one shape: ``x[p, i]`` has index ``p_index * n + i`` (profiles in lexicographic order).

    Linear forms are integer numpy vectors over these variables.
    """

    def __init__(self, shape: Sequence[int]) -> None:
        self.shape = tuple(int(m) for m in shape)
        self.n = len(self.shape)
        self.profiles = list(itertools.product(*(range(m) for m in self.shape)))
        self.index = {p: k for k, p in enumerate(self.profiles)}
        self.size = len(self.profiles) * self.n

    def u(self, p: tuple[int, ...], i: int) -> np.ndarray:
        """Player i's payoff at p."""
        v = np.zeros(self.size, dtype=np.int64)
        v[self.index[p] * self.n + i] = 1
        return v

    def total(self, p: tuple[int, ...], players: Iterable[int]) -> np.ndarray:
        """Sum of the listed players' payoffs at p (``U_S(p)``; all players: the welfare ``W(p)``)."""
        v = np.zeros(self.size, dtype=np.int64)
        for i in players:
            v[self.index[p] * self.n + i] += 1
        return v

    def W(self, p: tuple[int, ...]) -> np.ndarray:
        return self.total(p, range(self.n))

    def name(self, var: int) -> str:
        p = self.profiles[var // self.n]
        return f"u{var % self.n + 1}({','.join(str(a) for a in p)})"


def ge(a: np.ndarray, b: np.ndarray) -> Formula:
    """``a >= b``."""
    return _atom(a - b, False)


def gt(a: np.ndarray, b: np.ndarray) -> Formula:
    """``a > b``."""
    return _atom(a - b, True)


def atom_text(enc: Encoding, a: Atom) -> str:
    """``a`` as readable text, e.g. ``u1(0,1) >= u1(1,1)``."""
    def side(sign: int) -> str:
        terms = [(int(c) * sign, enc.name(j)) for j, c in enumerate(a.v) if c * sign > 0]
        return " + ".join(t if c == 1 else f"{c}*{t}" for c, t in terms) or "0"
    return f"{side(1)} {'>' if a.strict else '>='} {side(-1)}"


# ---------------------------------------------------------------------------- building blocks
def _eq(enc: Encoding, p: tuple[int, ...], players: Iterable[int]) -> Formula:
    """No listed player gains by deviating unilaterally from p."""
    parts = []
    for i in players:
        for b in range(enc.shape[i]):
            if b != p[i]:
                dev = p[:i] + (b,) + p[i + 1:]
                parts.append(ge(enc.u(p, i), enc.u(dev, i)))
    return _and(parts)


def _precedes(keys_p: Sequence[np.ndarray], keys_q: Sequence[np.ndarray], p_first: bool) -> Formula:
    """``(keys_p, p) < (keys_q, q)`` lexicographically; ``p_first``: p's index is below q's."""
    if not keys_p:
        return TRUE if p_first else FALSE
    a, b = keys_p[0], keys_q[0]
    tie = _and([ge(a, b), ge(b, a)])
    return _or([gt(b, a), _and([tie, _precedes(keys_p[1:], keys_q[1:], p_first)])])


def _select(enc: Encoding, cands: dict[tuple[int, ...], Formula],
            keys: Any) -> dict[tuple[int, ...], Formula]:
    """``sel[p]``: p is a candidate and the first candidate in the order (``keys(p)``, profile index)."""
    neg_memo: dict[int, Formula] = {}
    out = {}
    for p, cp in cands.items():
        if cp is FALSE:
            continue
        parts = [cp]
        for q, cq in cands.items():
            if q != p and cq is not FALSE:
                parts.append(_or([negate(cq, neg_memo),
                                  _precedes(keys(p), keys(q), enc.index[p] < enc.index[q])]))
        out[p] = _and(parts)
    return out


class _Claims:
    """The named building blocks for one shape and one set of parameters (module docstring)."""

    def __init__(self, enc: Encoding, p: dict[str, Any], merge: bool = True) -> None:
        self.enc = enc
        self.k = int(p["k"])
        self.timing = p["timing"]
        self.pess = p["selection"] == "pessimistic"
        self.sharing = p["sharing"]
        sign = 1 if self.pess else -1
        allp = range(enc.n)
        #: the nodes of these blocks and of the claims built on them, merged (:func:`merging`)
        self.table: dict[Any, Any] = {}
        with merging(self.table) if merge else nullcontext(self.table):
            self.nc = _select(enc, {q: _eq(enc, q, allp) for q in enc.profiles}, lambda q: [sign * enc.W(q)])
            self.no_nc = _and(negate(f) for f in self.nc.values())
            self.coalitions = [S for size in range(2, self.k + 1) for S in itertools.combinations(range(enc.n), size)]
            self.oc = {S: self._outcome(S) for S in self.coalitions}

    def _outcome(self, S: tuple[int, ...]) -> dict[tuple[int, ...], Formula]:
        enc = self.enc
        outs = [i for i in range(enc.n) if i not in S]
        U = lambda q: enc.total(q, S)  # noqa: E731
        follow = (lambda q: [U(q), enc.W(q)]) if self.pess else (lambda q: [-U(q), -enc.W(q)])
        if self.timing == "nash":
            cands = {}
            for q in enc.profiles:
                bloc = [ge(U(q), U(tuple(a_s[S.index(i)] if i in S else q[i] for i in range(enc.n))))
                        for a_s in itertools.product(*(range(enc.shape[i]) for i in S))]
                cands[q] = _and([_eq(enc, q, outs)] + bloc)
            return _select(enc, cands, follow)
        answer: dict[tuple[int, ...], Formula] = {}
        for a_s in itertools.product(*(range(enc.shape[i]) for i in S)):
            group = {q: _eq(enc, q, outs) for q in enc.profiles if tuple(q[i] for i in S) == a_s}
            answer.update(_select(enc, group, follow))
        bloc_key = (lambda q: [-U(q), enc.W(q)]) if self.pess else (lambda q: [-U(q), -enc.W(q)])
        neg_memo: dict[int, Formula] = {}
        out = {}
        for q, fq in answer.items():
            parts = [fq]
            for r, fr in answer.items():
                if tuple(r[i] for i in S) != tuple(q[i] for i in S):
                    parts.append(_or([negate(fr, neg_memo),
                                      _precedes(bloc_key(q), bloc_key(r), enc.index[q] < enc.index[r])]))
            out[q] = _and(parts)
        return out

    # shares are compared after multiplying by a common denominator: (vector, denominator)
    def share(self, S: tuple[int, ...], q: tuple[int, ...], i: int,
              b: tuple[int, ...] | None) -> tuple[np.ndarray, int]:
        """Player i's payoff when S's outcome is q (members share per ``sharing``; outsiders raw)."""
        enc = self.enc
        if i not in S or self.sharing == "none" or (self.sharing == "lump_sum" and b is None):
            return enc.u(q, i), 1
        if self.sharing == "equal":
            return enc.total(q, S), len(S)
        assert b is not None
        return len(S) * enc.u(b, i) + enc.total(q, S) - enc.total(b, S), len(S)

    def cmp(self, a: tuple[np.ndarray, int], b: tuple[np.ndarray, int], strict: bool) -> Formula:
        """``a/da > b/db`` (strict) or ``>=``."""
        (va, da), (vb, db) = a, b
        return (gt if strict else ge)(va * db, vb * da)

    def lower_than_base(self, S: tuple[int, ...], q: tuple[int, ...], i: int, b: tuple[int, ...]) -> Formula:
        return self.cmp((self.enc.u(b, i), 1), self.share(S, q, i, b), True)


def _optimum_reachable(c: _Claims) -> Formula:
    enc = c.enc
    below = {q: _or(gt(enc.W(r), enc.W(q)) for r in enc.profiles if r != q) for q in enc.profiles}
    reached = [c.nc] + [c.oc[S] for S in c.coalitions]
    some = _or(f for sel in reached for f in sel.values())
    every_below = _and(_or([negate(f), below[q]]) for sel in reached for q, f in sel.items())
    return _and([some, every_below])


def _for_every_coalition(c: _Claims, kind: str) -> Formula:
    enc = c.enc
    branches = []
    for b, fb in c.nc.items():
        bad = []
        for S in c.coalitions:
            for q, fq in c.oc[S].items():
                if kind == "welfare":
                    why = gt(enc.W(b), enc.W(q))
                elif kind == "members":
                    why = _or(c.lower_than_base(S, q, i, b) for i in S)
                else:
                    why = _or(gt(enc.u(b, o), enc.u(q, o)) for o in range(enc.n) if o not in S)
                bad.append(_and([fq, why]))
        branches.append(_and([fb, _or(bad)]))
    return _or(branches)


def _stable_is_best(c: _Claims, tie: str) -> Formula:
    enc = c.enc
    strict_in, strict_out = {"inside": (False, True), "outside": (True, False), "both-weak": (False, False),
                             "both-strict": (True, True)}[tie]
    live = _or(f for S in c.coalitions for f in c.oc[S].values())

    def stable(S: tuple[int, ...], q: tuple[int, ...], b: tuple[int, ...] | None) -> Formula:
        parts = []
        for i in S:  # internal: no member prefers to leave
            rest = tuple(m for m in S if m != i)
            here = c.share(S, q, i, b)
            if len(rest) < 2:
                parts.append(FALSE if b is None else c.cmp(here, (enc.u(b, i), 1), strict_in))
            else:
                parts.append(_or(_and([fr, c.cmp(here, c.share(rest, r, i, b), strict_in)])
                                 for r, fr in c.oc[rest].items()))
        if len(S) < c.k:  # external: no outsider prefers to join
            for j in range(enc.n):
                if j not in S:
                    T = tuple(sorted(S + (j,)))
                    parts.append(_or(_and([fr, c.cmp((enc.u(q, j), 1), c.share(T, r, j, b), strict_out)])
                                     for r, fr in c.oc[T].items()))
        return _and(parts)

    beaten = {q: _or(_and([fr, gt(enc.W(r), enc.W(q))]) for T in c.coalitions for r, fr in c.oc[T].items())
              for q in enc.profiles}
    bases: list[tuple[tuple[int, ...] | None, Formula]] = [(b, fb) for b, fb in c.nc.items()] + [(None, c.no_nc)]
    branches = []
    for b, fb in bases:
        no_stable_best = _and(_or([negate(fq), negate(stable(S, q, b)), beaten[q]])
                              for S in c.coalitions for q, fq in c.oc[S].items())
        branches.append(_and([fb, no_stable_best]))
    return _and([live, _or(branches)])


def _generic(c: _Claims) -> Formula:
    """General position: each player's payoffs, the welfare and every bloc total U_S differ across profiles."""
    enc = c.enc
    forms = [lambda q, i=i: enc.u(q, i) for i in range(enc.n)] + [enc.W]
    forms += [lambda q, S=S: enc.total(q, S) for S in c.coalitions if len(S) < enc.n]
    parts = []
    for f in forms:
        for q, r in itertools.combinations(enc.profiles, 2):
            parts.append(_or([gt(f(q), f(r)), gt(f(r), f(q))]))
    return _and(parts)


def estimated_atoms(name: str, shape: Sequence[int], k: int, timing: str, *, generic: bool = False,
                    cap: int | None = None) -> int | None:
    """An upper bound on the atoms :func:`failure_formula` builds for ``name`` on ``shape`` with
    coalitions of 2..``k`` and ``timing``, from the shape alone (nothing is allocated); ``None`` once
    it passes ``cap``.

    With P profiles, D = sum_i (m_i - 1) unilateral deviations and, per coalition S, M_S its joint
    actions, G = P / M_S the profiles per commitment and D_S the outsiders' deviations, the blocks
    of the module docstring create: the no-contract selection and its negation 2PD + 3P(P-1) + P^2(D + 3);
    each coalition's outcome 6P^2 + P(2 D_S + 2 M_S + a_S), with a_S = D_S + G(D_S + 6) (Stackelberg)
    or D_S + M_S (Nash) atoms per answer, so that one outcome formula has P(a_S + 6); then the claim:
    P^2 max(|S|, N - |S|) comparisons (members-gain, welfare-rises, outsiders-gain), the negation of
    every selection P * P(a_S + 6) (optimum-reachable) or, per base (P + 1) and outcome P, a negated
    outcome and the stability comparisons (P + 1) P (P(a_S + 6) + 2N) (stable-is-best); ``generic``
    adds P(P - 1) per compared form.  Per coalition size the largest M_S, G and D_S are used, so the
    count is exact in its terms for equal action counts and an upper bound otherwise.  Against the
    formulas as the builders make them (:func:`unmerged_formula`, ``tests/test_prove_limits.py``) the
    bound is 1.3 to 3 times the atoms counted by :func:`formula_size`; the formulas
    :func:`failure_formula` returns are merged (:func:`merging`), several times smaller.  O(K) integer
    operations (no loop over profiles or coalitions).

    Examples
    --------
    >>> p = {"k": 2, "timing": "stackelberg", "selection": "pessimistic", "sharing": "equal", "tie": "inside"}
    >>> enc, f, _ = failure_formula("welfare-rises", (2, 2, 2), p)
    >>> formula_size(unmerged_formula("welfare-rises", (2, 2, 2), p)), formula_size(f)
    ({'nodes': 2737, 'atoms': 1384}, {'nodes': 1681, 'atoms': 496})
    >>> estimated_atoms("welfare-rises", (2, 2, 2), 2, "stackelberg")
    2736
    >>> estimated_atoms("welfare-rises", (2,) * 30, 29, "stackelberg") > 10**28
    True
    """
    ms = sorted(int(m) for m in shape)
    n, P, D = len(ms), math.prod(ms), sum(m - 1 for m in ms)
    total = 2 * P * D + 3 * P * (P - 1) + P * P * (D + 3)
    if name == "optimum-reachable":
        total += P * P + P * P * (D + 3)
    for size in range(2, min(int(k), n) + 1):
        m_big, m_small = math.prod(ms[n - size:]), math.prod(ms[:size])
        d_out = D - sum(m - 1 for m in ms[:size])
        g = P // m_small
        a = d_out + (g * (d_out + 6) if timing == "stackelberg" else m_big)
        outcome = P * (a + 6)
        per = 6 * P * P + P * (2 * d_out + 2 * m_big + a)
        if name == "optimum-reachable":
            per += P * outcome
        elif name == "stable-is-best":
            per += (P + 1) * P * (outcome + 2 * n) + P * P
        else:
            per += P * P * max(size, n - size)
        total += math.comb(n, size) * per
        if cap is not None and total > cap:
            return None
    if generic:
        total += (n + 1 + sum(math.comb(n, s) for s in range(2, min(int(k), n - 1) + 1))) * P * (P - 1)
    return None if cap is not None and total > cap else total


#: Claims whose symmetric games the counts encoding decides (:mod:`contract_theory.search.counts`).
_COUNT_CLAIMS = ("optimum-reachable", "welfare-rises", "members-gain")
#: The most payoff unknowns the counts encoding builds (its ``MAX_COUNT_VARIABLES``).
_COUNT_VARIABLES = 2000


def check_encoding_size(name: str, shape: Sequence[int], params: dict[str, Any], *, generic: bool = False) -> int:
    """Refuse, before anything is built, an encoding over the one size budget
    (:func:`contract_theory.games.size.max_entries` cells); returns its estimated cells.

    The cells are the integer coefficients the formula holds: every atom keeps a dense vector over
    the P * N payoff variables, so cells = :func:`estimated_atoms` x P * N (memory about
    8 bytes a cell plus 1 kB an atom; measured: 2x2x2x2 optimum-reachable, 58,192 atoms of 64
    variables, 460 MB and 67 s).  Above the budget: :class:`EncodingSizeError` naming the size,
    the limit and the ways out (a smaller shape; the counts encoding for symmetric games, for the
    claims it covers; ``--max-entries``).  O(K) integer operations, so a refusal is immediate.

    Examples
    --------
    >>> p = {"k": 29, "timing": "stackelberg"}
    >>> check_encoding_size("welfare-rises", (2, 2), {"k": 2, "timing": "stackelberg"})
    2528
    >>> check_encoding_size("welfare-rises", (2,) * 30, p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    contract_theory.search.encoding.EncodingSizeError: the encoding of welfare-rises for 1,073,741,824 profiles ...
    """
    from contract_theory.games.size import _capped_power, _num, max_entries, power_text

    dims = [int(m) for m in shape]
    n, limit = len(dims), max_entries()
    groups = sorted((m, dims.count(m)) for m in set(dims))
    what = f"the encoding of {name} for {power_text(groups)} profiles x {n} players"
    profiles = _capped_power(groups, 1 << 4096)  # exact unless astronomically large (then never built)
    variables = None if profiles is None else profiles * n
    atoms = None if variables is None else estimated_atoms(
        name, dims, int(params.get("k", 2)), str(params.get("timing", "stackelberg")), generic=generic,
        cap=None if n <= 64 else limit // max(variables, 1) + 1)  # many players: stop once over the budget
    if atoms is not None and variables is not None and atoms * variables <= limit:
        return atoms * variables
    if variables is None:
        size, raise_it = "more payoff variables than can be counted", "raise --max-entries"
    elif atoms is None:
        size = f"{_num(variables)} payoff variables x more than {_num(limit // variables)} linear inequalities"
        raise_it = "raise --max-entries"
    else:
        size = (f"about {_num(atoms)} linear inequalities x {_num(variables)} payoff variables = "
                f"{_num(atoms * variables)} cells")
        raise_it = (f"raise the limit with --max-entries {atoms * variables}" if atoms * variables <= 10**12 else
                    "raise --max-entries (no machine holds this many cells: the way out is a smaller shape)")
    m = dims[0]
    unknowns = m * math.comb(n + m - 2, m - 1)
    symmetric = (f" decide it for symmetric games only (contract_theory.search.counts.prove_symmetric: "
                 f"{_num(unknowns)} payoff unknowns)," if name in _COUNT_CLAIMS and len(groups) == 1
                 and unknowns <= _COUNT_VARIABLES else "")
    raise EncodingSizeError(f"{what}: {size}, above the limit of {_num(limit)} cells; use a smaller shape "
                            f"(fewer players or actions, or a smaller --k),{symmetric} or {raise_it}")


@lru_cache(maxsize=64)
def _cached(name: str, shape: tuple[int, ...], items: tuple[tuple[str, Any], ...], generic: bool
            ) -> tuple[Encoding, Formula, Formula]:
    # the blocks do not read the tie rule: every claim and tie rule of one convention shares them
    c = claim_blocks(shape, tuple((k, v) for k, v in items if k != "tie"))
    with merging(c.table):  # built as distinct nodes (the builders make a fresh node per comparison otherwise)
        return c.enc, _claim_formula(c, name, dict(items).get("tie", "inside")), (_generic(c) if generic else TRUE)


def _claim_formula(c: _Claims, name: str, tie: str) -> Formula:
    if name == "optimum-reachable":
        return _optimum_reachable(c)
    if name == "stable-is-best":
        return _stable_is_best(c, tie)
    return _for_every_coalition(c, {"members-gain": "members", "welfare-rises": "welfare",
                                    "outsiders-gain": "outsiders"}[name])


def unmerged_formula(name: str, shape: Sequence[int], params: dict[str, Any]) -> Formula:
    """The failure formula of :func:`failure_formula` as the builders make it without merging
    (:func:`merging`): a fresh node for every comparison and negation.  What
    :func:`check_encoding_size` bounds (the most a build allocates), and the oracle of the merged
    build (:func:`canonical` of it has the merged formula's structure).  Not cached.

    Examples
    --------
    >>> p = {"k": 2, "timing": "stackelberg", "selection": "pessimistic", "sharing": "equal", "tie": "inside"}
    >>> raw, (_, f, _) = unmerged_formula("welfare-rises", (2, 2, 2), p), failure_formula("welfare-rises", (2, 2, 2), p)
    >>> formula_size(raw)["atoms"], formula_size(canonical(raw)), formula_size(f)
    (1384, {'nodes': 1681, 'atoms': 496}, {'nodes': 1681, 'atoms': 496})
    """
    c = _Claims(Encoding(shape), {k: v for k, v in params.items() if k != "tie"}, merge=False)
    return _claim_formula(c, name, params.get("tie", "inside"))


def failure_formula(name: str, shape: Sequence[int], params: dict[str, Any], *, generic: bool = False,
                    file: str | None = None) -> tuple[Encoding, Formula, Formula]:
    """``(encoding, fails, general_position)``: the formula true exactly on the games of ``shape`` where
    the built-in claim ``name`` fails (with ``params`` completed as by
    :func:`contract_theory.search.claims.claim_parameters`), and the general-position constraint
    (``TRUE`` unless ``generic``).

    Complexity: O(C * P^2 * n * m) atoms for C coalitions and P profiles (selection compares every
    pair of candidates); built once per (claim, shape, parameters) and cached.

    Examples
    --------
    >>> enc, f, _ = failure_formula("welfare-rises", (2, 2), {"k": 2, "timing": "stackelberg",
    ...     "selection": "pessimistic", "sharing": "equal", "tie": "inside"})
    >>> enc.size, formula_size(f)["atoms"] > 0
    (8, True)
    """
    if file is not None:
        raise EncodingError(f"claim file {file}: a user's Python claim has no encoding as linear inequalities; "
                            "use `contract-theory search --claim-file`")
    if name == "spe-optimal":
        raise EncodingError("spe-optimal cannot be encoded: its contract space and the SPE of the voting game are "
                            "built from the game's payoff values (transfer levels, cap, lump sums), not from a fixed "
                            "finite set of payoff comparisons; use `contract-theory search spe-optimal`")
    if name not in ENCODABLE:
        raise EncodingError(f"claim {name!r} has no encoding; encodable claims are {list(ENCODABLE)}")
    if params.get("mixed"):
        raise EncodingError("mixed continuations cannot be encoded: a mixed equilibrium's probabilities are "
                            "nonlinear (ratios) in the payoffs; the encoding covers pure continuations only")
    keys = ("k", "timing", "selection", "sharing", "tie")
    items = tuple((k, params[k]) for k in keys if k in params)
    check_encoding_size(name, shape, params, generic=generic)
    return _cached(name, tuple(int(m) for m in shape), items, generic)


# ---------------------------------------------------------------------------- evaluation
def flatten(size: int, table: Any) -> tuple[list[int], int]:
    """The game's ``size`` payoffs as integers over a common denominator D, in the encoding's variable order."""
    arr = np.asarray(table, dtype=object).reshape(size)
    vals = [Fraction(v) for v in arr]
    den = math.lcm(*(v.denominator for v in vals)) if vals else 1
    return [int(v * den) for v in vals], den


class _Plan:
    """A formula laid out for evaluation as arrays: its atoms as one sparse integer matrix, its
    junctions grouped by height, each group an ``np.minimum``/``np.maximum.reduceat`` over its children.

    Node ``j`` of ``nodes`` (a post-order of the DAG, shared subformulas once) holds its value in
    slot ``j``; atoms come first (slots ``0 .. len(atoms) - 1``).  ``levels``: per height, the
    ``(ufunc, slots, children, starts)`` of its ``And`` (min) and ``Or`` (max) nodes; ``constants``:
    the slots of childless junctions and their sign (+1 TRUE, -1 FALSE).
    """

    def __init__(self, f: Formula) -> None:
        order = post_order(f)
        self.atoms = [g for g in order if isinstance(g, Atom)]
        self.nodes = self.atoms + [g for g in order if not isinstance(g, Atom)]
        slot = {id(g): j for j, g in enumerate(self.nodes)}
        self.root = slot[id(f)]
        self.children = {slot[id(g)]: [slot[id(c)] for c in g.children] for g in self.nodes if not isinstance(g, Atom)}
        terms = [a.terms for a in self.atoms]
        self.indptr = np.cumsum([0] + [len(t) for t in terms])[:-1]
        self.cols = np.array([j for t in terms for j, _ in t], dtype=np.int64)
        self.coef = np.array([c for t in terms for _, c in t], dtype=np.int64)
        norms = [a.norm for a in self.atoms]
        self.lcm = math.lcm(*norms) if norms else 1
        self.scale = np.array([self.lcm // m for m in norms], dtype=object)
        self.nonstrict = np.array([not a.strict for a in self.atoms], dtype=bool)
        self.constants = [(j, 1 if isinstance(g, And) else -1) for j, g in enumerate(self.nodes)
                          if not isinstance(g, Atom) and not g.children]
        self.levels = _levels(self.nodes, self.children, len(self.atoms))

    def values(self, x: list[int]) -> tuple[np.ndarray, int]:
        """Every node's value ``2 * key + truth`` at the payoffs ``x`` (integers over a common denominator):
        an atom's key is ``v.x * lcm / ||v||_1`` (its score times ``lcm``, exact), a junction's the
        min (``And``) or max (``Or``) of its children's, so ties between branches go to truth as in
        :func:`robustness`; TRUE and FALSE are ``+-big``, beyond every atom's value.  Returns
        ``(values, big)``, int64 when ``big`` fits, Python integers otherwise."""
        big = 2 * self.lcm * max((abs(v) for v in x), default=0) + 2
        dtype: Any = np.int64 if big < 2**62 else object
        xs = np.array(x, dtype=dtype)
        vals = np.empty(len(self.nodes), dtype=dtype)
        if self.atoms:
            key = np.add.reduceat(self.coef.astype(dtype) * xs[self.cols], self.indptr) * self.scale.astype(dtype)
            vals[: len(self.atoms)] = 2 * key + ((key > 0) | ((key == 0) & self.nonstrict))
        for j, sign in self.constants:
            vals[j] = sign * big
        for ufunc, slots, kids, starts in self.levels:
            vals[slots] = ufunc.reduceat(vals[kids], starts)
        return vals, big

    def value(self, vals: np.ndarray, big: int, den: int) -> Fraction:
        """The root's robustness as a Fraction (a constant's +-big: +-10**30, as before)."""
        root = int(vals[self.root])
        if abs(root) == big:
            return _BIG if root > 0 else -_BIG
        return Fraction(root // 2, self.lcm * den)


_BIG = Fraction(10) ** 30
#: one group of junctions: (min or max, their slots, their children's slots, where each one's children start)
_Level = tuple[Any, np.ndarray, np.ndarray, np.ndarray]


@lru_cache(maxsize=32)
def post_order(f: Formula) -> tuple[Formula, ...]:
    """The distinct nodes of ``f``, children before parents, in the order of a depth-first walk that
    visits an ``And``/``Or``'s children left to right (shared nodes once, at their first visit).
    What the SMT-LIB text (:func:`contract_theory.search.prove.smt2`), :func:`formula_size` and the
    evaluation plan read; cached for the last 32 formulas.  Complexity: O(nodes + edges).

    Examples
    --------
    >>> e = Encoding((1, 2))
    >>> a = ge(e.u((0, 0), 0), e.u((0, 1), 0))
    >>> f = _or([_and([a, gt(e.u((0, 0), 1), e.u((0, 1), 1))]), a])
    >>> [type(g).__name__ for g in post_order(f)]
    ['Atom', 'Atom', 'And', 'Or']
    """
    return tuple(_post_order(f))


def _post_order(f: Formula) -> list[Formula]:
    """The distinct nodes of ``f``, children before parents (iterative, shared nodes once)."""
    seen: set[int] = set()
    order: list[Formula] = []
    stack: list[tuple[Formula, bool]] = [(f, False)]
    while stack:
        g, expanded = stack.pop()
        if expanded:
            order.append(g)
            continue
        if id(g) in seen:
            continue
        seen.add(id(g))
        stack.append((g, True))
        if not isinstance(g, Atom):
            stack.extend((c, False) for c in reversed(g.children) if id(c) not in seen)
    return order


def _levels(nodes: list[Formula], children: dict[int, list[int]], n_atoms: int
            ) -> list[_Level]:
    """Junctions grouped by height (atoms and constants at 0), one min and one max group per height."""
    height = [0] * len(nodes)
    groups: dict[tuple[int, bool], list[int]] = {}
    for j in range(n_atoms, len(nodes)):
        if children[j]:
            height[j] = 1 + max(height[c] for c in children[j])
            groups.setdefault((height[j], isinstance(nodes[j], And)), []).append(j)
    levels: list[_Level] = []
    for (_, is_and), slots in sorted(groups.items()):
        kids = [c for j in slots for c in children[j]]
        starts = np.cumsum([0] + [len(children[j]) for j in slots])[:-1]
        levels.append((np.minimum if is_and else np.maximum, np.array(slots), np.array(kids), starts))
    return levels


@lru_cache(maxsize=64)
def _plan(f: Formula) -> _Plan:
    return _Plan(f)


def robustness_value(enc: Encoding, f: Formula, table: Any) -> Fraction:
    """The value ``r`` of :func:`robustness` alone (no witness): what the search computes on every
    failing game.

    Complexity: one sparse integer matrix-vector product over the formula's atoms and one
    ``reduceat`` per height of its DAG (the plan is built once per formula and cached).

    Examples
    --------
    >>> enc, f, _ = failure_formula("members-gain", (2, 2), {"k": 2, "timing": "stackelberg",
    ...     "selection": "pessimistic", "sharing": "equal", "tie": "inside"})
    >>> robustness_value(enc, f, [[[2, 1], [1, 0]], [[0, 0], [0, 0]]])
    Fraction(1, 2)
    """
    x, den = flatten(enc.size, table)
    plan = _plan(f)
    vals, big = plan.values(x)
    return plan.value(vals, big, den)


def robustness(enc: Encoding, f: Formula, table: Any) -> tuple[Fraction, list[Atom], list[Atom]]:
    """Robustness of ``f`` at the game ``table`` (payoffs of shape ``shape + (n,)``), exactly.

    Returns ``(r, limiting, witness)``: ``r`` = min over ``And``, max over ``Or`` of the atoms'
    scores ``v.x / ||v||_1`` (ties between branches broken by truth, so at ``r = 0`` a true branch
    is preferred and the chosen branches are true exactly when ``f`` is); ``witness``: the atoms
    of the chosen branches (a conjunction implying ``f``, true at the game when ``f`` is);
    ``limiting``: the witness atoms attaining ``r``.  If ``r > 0`` every game within max-norm
    distance < r satisfies ``f``.  Complexity: the values as in :func:`robustness_value`, then one
    walk down the chosen branches (an ``Or``'s first child attaining its value, every child of an
    ``And``).
    """
    x, den = flatten(enc.size, table)
    plan = _plan(f)
    vals, big = plan.values(x)
    memo: dict[int, tuple[list[Atom], list[Atom]]] = {}

    def go(j: int) -> tuple[list[Atom], list[Atom]]:
        if j in memo:
            return memo[j]
        g = plan.nodes[j]
        if isinstance(g, Atom):
            out: tuple[list[Atom], list[Atom]] = ([g], [g])
        elif isinstance(g, And):
            kids = [(c, go(c)) for c in plan.children[j]]
            out = ([a for c, k in kids if vals[c] == vals[j] for a in k[0]], [a for _, k in kids for a in k[1]])
        else:
            out = next((go(c) for c in plan.children[j] if vals[c] == vals[j]), ([], []))
        memo[j] = out
        return out

    limiting, witness = go(plan.root)
    return plan.value(vals, big, den), limiting, witness


def holds_at(enc: Encoding, f: Formula, table: Any) -> bool:
    """Plain Boolean value of ``f`` at the game ``table`` (exact)."""
    x, _ = flatten(enc.size, table)
    memo: dict[int, bool] = {}

    def go(g: Formula) -> bool:
        key = id(g)
        if key not in memo:
            if isinstance(g, Atom):
                s = sum(c * x[j] for j, c in g.terms)
                memo[key] = s > 0 if g.strict else s >= 0
            elif isinstance(g, And):
                memo[key] = all(go(c) for c in g.children)
            else:
                memo[key] = any(go(c) for c in g.children)
        return memo[key]

    return go(f)


# ---------------------------------------------------------------------------- for other encodings
#: ``And`` / ``Or`` of formulas, simplified (constants absorbed or dropped): the junctions every
#: encoding builds with (:mod:`contract_theory.search.counts`, :mod:`contract_theory.search.bounds`).
conjunction = _and
disjunction = _or


@lru_cache(maxsize=16)
def claim_blocks(shape: tuple[int, ...], items: tuple[tuple[str, Any], ...]) -> _Claims:
    """The named building blocks (``nc``, ``oc``, ``coalitions``, ``share``) for one shape and the
    claim parameters ``items`` (``k``, ``timing``, ``selection``, ``sharing``, ``tie`` as pairs):
    what :mod:`contract_theory.search.bounds` minimizes over.  Cached.

    Examples
    --------
    >>> c = claim_blocks((2, 2), (("k", 2), ("timing", "stackelberg"), ("selection", "pessimistic"),
    ...                           ("sharing", "equal")))
    >>> c.coalitions, len(c.nc)
    ([(0, 1)], 4)
    """
    return _Claims(Encoding(shape), dict(items))
