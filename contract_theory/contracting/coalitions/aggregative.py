r"""The aggregate engine of the compact adapter: a composition's continuations through the aggregate.

See ``docs/background/model.md#8-compact-games`` and :mod:`contract_theory.equilibria.aggregative`
(the aggregate form f(x, X) = g0(X) + x g1(X) + h(x) on an integer lattice, and its DP tables).
For a bloc of k members (partial sum Zm, members' H(M)) and n - k outsiders (partial sum Zo) at
total Z = Zm + Zo:

* the bloc total is U = k g0(Z) + Zm g1(Z) + H(M), and welfare W = N g0(Z) + Z g1(Z) + H(M) + H(O);
* an outsiders' equilibrium is a count vector on the content set A(Z) with n - k players and
  partial sum Zo (the DP table of A(Z)).

So the bloc's choice among the members' count vectors with one partial sum is always the largest
H(M) (then the smallest profile), and the outsiders' selection given a commitment reads only Zm:
*Stackelberg*: for every reachable Zm the outsiders' continuation is selected by (U, W) in the
``selection``'s direction (W with the smallest or largest H(O) of the content set), then the
smallest profile; the bloc then maximizes U, W in the selection's direction.  *Nash*: the pairs
(Zm, Zo) where Zm is a bloc best response to Zo and the outsiders are content, selected by
(U, W) in the selection's direction.  This is exactly what the counts engine of
:mod:`contract_theory.contracting.coalitions.compact` computes on every (M, O) pair.

Ties: all (M, O) tied on (U, W) with the same partial sums differ only by members (or outsiders)
with the same partial sum and H; for *every* arrangement of a coalition on the players the
smallest profile among them is the one with the most players on the first actions (members and
outsiders separately).  So one candidate per tied pair of partial sums stands for all of them:
the dense tie rule, applied to any coalition of players, selects the same outcome from the
reduced list as from the full one.

Complexity per composition: O((k max z) (N max z)) integer operations, vectorized, plus the DP
tables of the content sets (built once per game).
"""

from __future__ import annotations

import sys
import time
from fractions import Fraction

import numpy as np

from contract_theory.contracting.coalitions.bloc import Candidate, Continuations
from contract_theory.contracting.coalitions.rules import Selection
from contract_theory.equilibria.aggregative import AggregateForm
from contract_theory.games.size import check_size

__all__ = ["aggregate_stackelberg", "aggregate_nash", "check_study_cost", "StudyProgress", "PROGRESS_WORK",
           "PROGRESS_SECONDS", "AGGREGATE_WAY_OUT"]

#: A study through the aggregate engine estimated at this many entry operations or more
#: (:meth:`~contract_theory.equilibria.aggregative.AggregateForm.study_cost`; about 2 s on one core)
#: reports its progress on stderr.
PROGRESS_WORK = 5 * 10**8
#: Least seconds between two progress lines of one study (the first one is written at once).
PROGRESS_SECONDS = 2.0
#: The way out named when the engine's tables exceed the size budget (the bloc tables: also a smaller K).
AGGREGATE_WAY_OUT = ("raise the limit with --max-entries N (contract_theory.games.size.size_limit in Python), "
                     "or choose fewer players or a coarser action grid")


class StudyProgress:
    """Progress lines of one long study on stderr (``contract-theory: aggregate engine: ...``): the
    first at once, then at most one per :data:`PROGRESS_SECONDS`, each counting the units done."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.arranged = 0
        self.start = time.monotonic()
        self.last: float | None = None

    def line(self, text: str, force: bool = False) -> None:
        """Write ``text`` (with the seconds so far) unless the previous line is too recent."""
        now = time.monotonic()
        if force or self.last is None or now - self.last >= PROGRESS_SECONDS:
            self.last = now
            sys.stderr.write(f"contract-theory: aggregate engine: {text} ({now - self.start:.1f} s)\n")
            sys.stderr.flush()

    def solved(self, size: int) -> None:
        """One more composition about to be solved (the bloc of ``size``)."""
        self.done += 1
        self.line(f"{self.done - 1:,} of {self.total:,} coalition sizes solved, size {size} next", force=self.done == 1)

    def arranging(self) -> None:
        """One more coalition of players arranged by the stability checks."""
        self.arranged += 1
        if self.arranged == 1:
            self.line(f"{self.total:,} of {self.total:,} coalition sizes solved; stability checks next", force=True)
        else:
            self.line(f"stability: {self.arranged:,} coalitions of players arranged")


def check_study_cost(form: AggregateForm, k: int | None, n_compositions: int = 0) -> StudyProgress | None:
    """Before the engine builds its DP tables (``k`` ``None``) or a study up to K = ``k`` starts: refuse
    (:class:`~contract_theory.errors.SizeLimitError`, through the size budget of
    :mod:`contract_theory.games.size`) when the tables would exceed ``--max-entries``; otherwise, for
    long work (at least :data:`PROGRESS_WORK` entry operations, a tenth of it for the tables alone),
    write the estimate on stderr and return the :class:`StudyProgress` that reports the units done
    (``n_compositions`` of them).  O(L) (:meth:`~contract_theory.equilibria.aggregative.AggregateForm.study_cost`).

    Examples
    --------
    >>> from contract_theory.equilibria.aggregative import aggregate_form
    >>> from contract_theory.games.compact_library import cournot_compact
    >>> check_study_cost(aggregate_form(cournot_compact(4, grid=(2, 3))), 4, 3) is None
    True
    """
    held, work = form.study_cost(k)
    title = form.game.title or "the game"
    what = "aggregate engine DP tables of " + title + ("" if k is None else f" and its bloc tables up to K = {k}")
    megabytes = held * 17 // 10**6
    check_size(what, held, f"{form.n_tables} DP tables of {form.n + 1} x {form.L:,} entries"
               + ("" if k is None else " and the bloc tables") + f" (about {megabytes:,} MB)",
               way_out=AGGREGATE_WAY_OUT if k is None else AGGREGATE_WAY_OUT.replace("choose ", "choose a smaller K, "))
    if work < (PROGRESS_WORK // 10 if k is None else PROGRESS_WORK):
        return None
    out = StudyProgress(n_compositions)
    scope = "the DP tables, the optimum and the no-contract equilibria" if k is None else \
        f"{n_compositions:,} coalition sizes up to K = {k}"
    out.line(f"{title}: {scope}: about {work:,} entry operations, {held:,} entries held (about {megabytes:,} MB)",
             force=True)
    return out


_NOTE = "aggregate engine: continuations through the partial sums of the aggregate (exact DP)"


def _outsider_tables(form: AggregateForm, k: int, largest: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(Z grid, feasible[Zm, Z], H_sel(O)[Zm, Z]) over Zm in 0..k max z and every total Z: the outsiders
    (n - k of them) can be content at Z with partial sum Z - Zm, and the extreme H of those vectors."""
    zmax = max(form.z)
    Zm = np.arange(k * zmax + 1)
    n_out = form.n - k
    L = form.L
    feas = np.zeros((len(Zm), L), dtype=bool)
    hsel = np.zeros((len(Zm), L), dtype=np.int64)
    sets: dict[tuple[int, ...], list[int]] = {}
    for Z in range(L):
        sets.setdefault(form.content_set(Z), []).append(Z)
    for A, cols in sets.items():
        reach, hmax, hmin = form.table(A)
        Zs = np.array(cols)
        Zo = Zs[None, :] - Zm[:, None]
        inside = (Zo >= 0) & (Zo <= n_out * zmax)
        Zc = np.clip(Zo, 0, L - 1)
        feas[:, Zs] = inside & reach[n_out][Zc]
        hsel[:, Zs] = np.where(inside, (hmax if largest else hmin)[n_out][Zc], 0)
    return Zm, feas, hsel


def _pick(key: np.ndarray, ok: np.ndarray, low: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the extreme of ``key`` over ``ok`` (lowest when ``low``) and which entries attain it."""
    big = np.iinfo(np.int64).max
    masked = np.where(ok, key, big if low else -big)
    ext = masked.min(axis=1) if low else masked.max(axis=1)
    return ext, ok & (masked == ext[:, None])


def _ints(row: np.ndarray) -> tuple[int, ...]:
    return tuple(int(v) for v in row)


def aggregate_stackelberg(form: AggregateForm, k: int, selection: Selection) -> Continuations:
    """Stackelberg continuations of a k-bloc (see the module docstring), as the counts engine's.

    Examples
    --------
    >>> from contract_theory.equilibria.aggregative import aggregate_form
    >>> from contract_theory.games.compact_library import cournot_compact
    >>> c = aggregate_stackelberg(aggregate_form(cournot_compact(4, grid=(2, 3))), 3, "optimistic")
    >>> [(str(x.bloc), str(x.welfare), x.outcome) for x in c.candidates]
    [('21', '27', (((2, 1),), ((1, 0),)))]
    """
    pess = selection == "pessimistic"
    form.clear_lex()  # the previous bloc size's lexicographic tables are not reused
    n, n_out = form.n, form.n - k
    G0, G1 = form.G0, form.G1
    Zm, feas, hsel = _outsider_tables(form, k, not pess)
    Zt = np.arange(form.L)
    key1 = k * G0[None, :] + Zm[:, None] * G1[None, :]
    key2 = n * G0[None, :] + Zt[None, :] * G1[None, :] + hsel
    _, tied1 = _pick(key1, feas, pess)
    _, tied = _pick(key2, tied1, pess)
    all_acts = tuple(range(form.m))
    reachM, hmaxM, _ = form.table(all_acts)
    rows = reachM[k, :len(Zm)]
    valid = rows & feas.any(axis=1)
    notes = [_NOTE]
    if not (valid == rows).all():
        bad = int(np.nonzero(rows & ~valid)[0][0])
        notes.append(f"{int((rows & ~valid).sum())} of {int(rows.sum())} member partial sums leave the outsiders "
                     f"without a pure equilibrium (first: members' partial sum {bad}); those were excluded "
                     "(mixed continuations are not computed by counts)")
    if not valid.any():
        return Continuations([], notes, False)
    r = np.nonzero(valid)[0]
    first = np.argmax(tied[r], axis=1)  # any tied Z: (U, W) are equal across the row's ties
    U = key1[r, first] + hmaxM[k, r]
    W = key2[r, first] + hmaxM[k, r]
    bu = U.max()
    bw = W[U == bu].min() if pess else W[U == bu].max()
    cands = []
    members = form.lex_table(all_acts, k, True)
    sets = [form.content_set(Z) for Z in range(form.L)]
    for i in r[(U == bu) & (W == bw)].tolist():
        Zs = np.nonzero(tied[i])[0]
        outs = np.array([form.lex_table(sets[Z], n_out, not pess)[Z - i] for Z in Zs.tolist()])
        best = outs[np.lexsort(outs.T[::-1])[-1]]  # the lexicographically largest: the smallest profile
        cands.append(Candidate(form.fraction(bu), form.fraction(bw),
                               (form.counts(_ints(members[i])), form.counts(_ints(best)))))
    return Continuations(cands, notes, bool((valid == rows).all()))


def aggregate_nash(form: AggregateForm, k: int, selection: Selection) -> Continuations:
    """Nash continuations of a k-bloc: the selected equilibria of the bloc-outsiders game.

    Examples
    --------
    >>> from contract_theory.equilibria.aggregative import aggregate_form
    >>> from contract_theory.games.compact_library import cournot_compact
    >>> c = aggregate_nash(aggregate_form(cournot_compact(4, grid=(2, 3))), 2, "pessimistic")
    >>> sorted((str(x.bloc), str(x.welfare)) for x in c.candidates)[0]
    ('8', '20')
    """
    pess = selection == "pessimistic"
    form.clear_lex()  # the previous bloc size's lexicographic tables are not reused
    n, n_out = form.n, form.n - k
    zmax = max(form.z)
    all_acts = tuple(range(form.m))
    reachM, hmaxM, _ = form.table(all_acts)
    Zm = np.arange(k * zmax + 1)
    Zo = np.arange(n_out * zmax + 1)
    Z = Zm[:, None] + Zo[None, :]
    rowsM = reachM[k, :len(Zm)]
    U = k * form.G0[Z] + Zm[:, None] * form.G1[Z] + hmaxM[k, :len(Zm)][:, None]
    big = np.iinfo(np.int64).max
    best = np.where(rowsM[:, None], U, -big).max(axis=0)
    br = rowsM[:, None] & (U == best[None, :])
    okO = np.zeros(Z.shape, dtype=bool)
    hO = np.zeros(Z.shape, dtype=np.int64)
    for A in {form.content_set(t) for t in range(form.L)}:
        reach, hmax, hmin = form.table(A)
        inA = np.array([form.content_set(t) == A for t in range(form.L)])[Z]
        okO |= inA & reach[n_out][Zo][None, :]
        hO = np.where(inA, (hmin if pess else hmax)[n_out][Zo][None, :], hO)
    mask = br & okO
    if not mask.any():
        return Continuations([], [_NOTE, "the game between the bloc and the outsiders has no pure equilibrium"], False)
    W = n * form.G0[Z] + Z * form.G1[Z] + hmaxM[k, :len(Zm)][:, None] + hO
    u0 = (U[mask].min() if pess else U[mask].max())
    m2 = mask & (U == u0)
    w0 = (W[m2].min() if pess else W[m2].max())
    cands = []
    members = form.lex_table(all_acts, k, True)
    for i, j in np.argwhere(m2 & (W == w0)).tolist():
        M = _ints(members[i])
        O = _ints(form.lex_table(form.content_set(i + j), n_out, not pess)[j])
        cands.append(Candidate(Fraction(int(u0), form.denominator), Fraction(int(w0), form.denominator),
                               (form.counts(M), form.counts(O))))
    return Continuations(cands, [_NOTE], True)
