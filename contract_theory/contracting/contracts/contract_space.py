r"""Contract spaces Θ and the predicates the theorems use (docs/background/model.md#3-contracts, #6-assumptions).

A contract space is a set Θ of contracts on one game: a finite list
(:class:`FiniteContractSpace`), a parametric family on a grid (:class:`DeviationPenaltySpace`,
:class:`UserContractSpace`), or the symbolic lump-sum closure of a finite space
(:func:`with_lump_sums` with ``"all"``, a :class:`LumpSumClosure`).

Predicates (assumptions A2, A3, A5 of docs/background/model.md#6-assumptions) return a :class:`Check`
``(holds, witness, reason)``:

* :func:`is_budget_balanced` — Σ_{i∈S} θ_i ≡ 0 and θ_i ≡ 0 outside S for every θ ∈ Θ;
* :func:`is_lump_sum_closed` — Θ + {c constant : Σ_{i∈S} c_i = 0} ⊆ Θ;
* :func:`is_capped` — max_{θ∈Θ} max_{i,a} |θ_i(a)| ≤ cap.

Lump sums are taken over each contract's own signatories S_θ (a space may mix coalitions).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.contracting.contracts.contract import (
    DEFAULT_OBSERVES,
    Contract,
    Observes,
    deviation_penalty,
    lump_sum,
    resolve_signatories,
    transfer_violation,
)
from contract_theory.errors import ContractError, GameError, ParameterError
from contract_theory.exact.numbers import fmt, fraction_array, integer_table, to_fraction
from contract_theory.games.normal_form import NormalFormGame

__all__ = [
    "Check", "ContractSpace", "FiniteContractSpace", "DeviationPenaltySpace", "UserContractSpace",
    "LumpSumClosure", "with_lump_sums", "is_budget_balanced", "is_lump_sum_closed", "is_capped",
]


@dataclass(frozen=True)
class Check:
    """Outcome of a predicate: ``holds``, a ``witness`` (documented per predicate) and a
    one-line ``reason``.  ``bool(check)`` is ``check.holds``.

    Examples
    --------
    >>> bool(Check(True, None, "trivially"))
    True
    """

    holds: bool
    witness: Any = None
    reason: str = ""

    def __bool__(self) -> bool:
        return self.holds


def _fraction(x: Any, what: str) -> Fraction:
    try:
        return to_fraction(x, what=what)
    except GameError as exc:
        raise ParameterError(str(exc)) from None


class ContractSpace:
    """Base class: a set Θ of contracts on one game.

    Subclasses provide :attr:`game`, :attr:`is_finite`, :meth:`__contains__` and, for finite
    spaces, :attr:`contracts` (a tuple).
    """

    game: NormalFormGame
    is_finite: bool = True
    name: str = ""

    @property
    def contracts(self) -> tuple[Contract, ...]:
        raise NotImplementedError

    def __iter__(self) -> Iterator[Contract]:
        if not self.is_finite:
            raise ParameterError(f"{self!r} is infinite; it cannot be enumerated")
        return iter(self.contracts)

    def __len__(self) -> int:
        if not self.is_finite:
            raise ParameterError(f"{self!r} is infinite; it has no length")
        return len(self.contracts)

    def __contains__(self, contract: object) -> bool:
        return isinstance(contract, Contract) and any(contract == c for c in self.contracts)

    def max_abs(self) -> tuple[Fraction, Contract] | None:
        """(max_{θ∈Θ} max |θ_i(a)|, a contract attaining it), or ``None`` if Θ is empty
        or unbounded (see :func:`is_capped`)."""
        if not self.is_finite or not self.contracts:
            return None
        best = max(self.contracts, key=lambda c: c.max_transfer)
        return best.max_transfer, best


class FiniteContractSpace(ContractSpace):
    """A finite contract space: the given contracts (all on the same game).

    Membership compares transfer functions exactly (:meth:`Contract.__eq__`).
    O(|Θ| · n · prod(m_i)) per membership test.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> from contract_theory.contracting.contracts.contract import null_contract, deviation_penalty
    >>> g = prisoners_dilemma()
    >>> space = FiniteContractSpace([null_contract(g), deviation_penalty(g, [0, 1], ("C", "C"), 2)])
    >>> len(space), deviation_penalty(g, [1, 0], ("C", "D"), 2) in space
    (2, False)
    """

    def __init__(self, contracts: Iterable[Contract], *, name: str = "") -> None:
        cs = tuple(contracts)
        if not cs:
            raise ParameterError("a finite contract space needs at least one contract")
        for k, c in enumerate(cs):
            if not isinstance(c, Contract):
                raise ContractError(f"element {k} of the contract space is a {type(c).__name__}, not a Contract")
        g = cs[0].game
        for k, c in enumerate(cs[1:], 1):
            if c.game is not g and c.game != g:
                raise ContractError(f"contract {k} of the space is on a different game than contract 0")
        self.game = g
        self._contracts = cs
        self.name = name

    @property
    def contracts(self) -> tuple[Contract, ...]:
        return self._contracts

    def __repr__(self) -> str:
        nm = f" {self.name!r}" if self.name else ""
        return f"<FiniteContractSpace{nm} |Θ|={len(self._contracts)}>"


class DeviationPenaltySpace(FiniteContractSpace):
    """The deviation-penalty family {θ^pen_ψ : ψ ∈ grid} for coalition S and target a*
    (docs/background/model.md#3-contracts; :func:`~contract_theory.contracting.contracts.contract.deviation_penalty`).

    With ``cap``, only grid points whose contract has ``max_transfer <= cap`` are kept
    (:attr:`psi_values`; the others are listed in :attr:`dropped`).  A grid that keeps no
    point, or a negative ψ or cap, raises :class:`ParameterError`.  O(|grid| · n · prod(m_i)).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> sp = DeviationPenaltySpace(prisoners_dilemma(), [0, 1], ("C", "C"), [0, 1, 2, 3], cap=2)
    >>> [str(p) for p in sp.psi_values], [str(p) for p in sp.dropped]
    (['0', '1', '2'], ['3'])
    """

    def __init__(self, game: NormalFormGame, signatories: Sequence[int | str], target: Sequence[int | str],
                 psi_grid: Iterable[Any], cap: Any = None, *, name: str = "") -> None:
        grid = [_fraction(p, "psi") for p in psi_grid]
        if not grid:
            raise ParameterError("the psi grid is empty")
        cap_f = None if cap is None else _fraction(cap, "cap")
        if cap_f is not None and cap_f < 0:
            raise ParameterError(f"cap must be >= 0, got {fmt(cap_f)}")
        kept, dropped, cs = [], [], []
        for p in grid:
            c = deviation_penalty(game, signatories, target, p)
            if cap_f is not None and c.max_transfer > cap_f:
                dropped.append(p)
            else:
                kept.append(p)
                cs.append(c)
        if not cs:
            raise ParameterError(f"no psi in the grid respects the cap {fmt(cap_f)}")
        super().__init__(cs, name=name or "deviation penalties")
        self.signatories = resolve_signatories(game, signatories)
        self.target = game.check_profile(target)
        self.cap = cap_f
        self.psi_values: tuple[Fraction, ...] = tuple(kept)
        self.dropped: tuple[Fraction, ...] = tuple(dropped)


class UserContractSpace(ContractSpace):
    """A user-defined parametric family {family(p) : p ∈ params}.

    ``family(p)`` returns a :class:`Contract` or a raw transfer array of shape
    ``game.shape + (n,)`` (then ``game`` and ``signatories`` are required).  Raw arrays are
    *not* validated here, so that :func:`is_budget_balanced` can report which parameter
    breaks budget balance; :attr:`contracts` validates them and raises
    :class:`ContractError` naming the parameter.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> from contract_theory.contracting.contracts.contract import deviation_penalty
    >>> g = prisoners_dilemma()
    >>> sp = UserContractSpace(lambda p: deviation_penalty(g, [0, 1], ("C", "C"), p), [1, 2])
    >>> [str(c.max_transfer) for c in sp]
    ['1', '2']
    """

    def __init__(self, family: Callable[[Any], Any], params: Iterable[Any], *,
                 game: NormalFormGame | None = None, signatories: Sequence[int | str] | None = None,
                 observes: Observes = DEFAULT_OBSERVES, name: str = "") -> None:
        ps = list(params)
        if not ps:
            raise ParameterError("a user contract space needs at least one parameter")
        items: list[tuple[Any, Any]] = []
        for p in ps:
            v = family(p)
            if isinstance(v, Contract):
                if game is None:
                    game = v.game
                elif v.game is not game and v.game != game:
                    raise ContractError(f"family({p!r}) is a contract on a different game")
                items.append((p, v))
            else:
                if game is None or signatories is None:
                    raise ContractError(f"family({p!r}) returned an array: pass game= and signatories=")
                try:
                    arr, _ = fraction_array(v, what=f"transfers of family({p!r})")
                except GameError as exc:
                    raise ContractError(str(exc)) from None
                if arr.shape != game.shape + (game.n_players,):
                    raise ContractError(
                        f"family({p!r}) has shape {arr.shape}, expected {game.shape + (game.n_players,)}")
                items.append((p, arr))
        assert game is not None
        self.game = game
        self.signatories = None if signatories is None else resolve_signatories(game, signatories)
        self.observes: Observes = observes
        self.params = tuple(ps)
        self.items = tuple(items)
        self.name = name
        self._contracts: tuple[Contract, ...] | None = None

    @property
    def contracts(self) -> tuple[Contract, ...]:
        if self._contracts is None:
            out = []
            for p, v in self.items:
                if isinstance(v, Contract):
                    out.append(v)
                    continue
                try:
                    out.append(Contract(self.game, self.signatories or (), v, observes=self.observes,
                                        name=f"{self.name or 'family'}({p!r})"))
                except ContractError as exc:
                    raise ContractError(f"parameter {p!r}: {exc}") from None
            self._contracts = tuple(out)
        return self._contracts

    def __repr__(self) -> str:
        return f"<UserContractSpace {self.name!r} |params|={len(self.params)}>"


class LumpSumClosure(ContractSpace):
    """The symbolic full lump-sum closure {θ + c : θ ∈ base, c constant, Σ_{i∈S_θ} c_i = 0,
    c_i = 0 for i ∉ S_θ} of a finite space (assumption A5).

    Infinite when some base contract has |S| ≥ 2.  Membership: some base θ with the same
    signatories differs from the contract by an outcome-independent vector (exact,
    O(|base| · n · prod(m_i))).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> from contract_theory.contracting.contracts.contract import deviation_penalty, lump_sum
    >>> g = prisoners_dilemma()
    >>> th = deviation_penalty(g, [0, 1], ("C", "C"), 2)
    >>> closure = with_lump_sums(FiniteContractSpace([th]), "all")
    >>> th + lump_sum(g, [0, 1], [7, -7]) in closure, is_lump_sum_closed(closure).holds
    (True, True)
    """

    def __init__(self, base: ContractSpace) -> None:
        if not base.is_finite:
            raise ParameterError("the lump-sum closure is built on a finite contract space")
        self.base = base
        self.game = base.game
        self.name = f"{base.name or 'space'} + all lump sums"
        self.is_finite = all(len(c.signatories) < 2 for c in base.contracts)

    @property
    def contracts(self) -> tuple[Contract, ...]:
        if not self.is_finite:
            raise ParameterError(f"{self!r} is infinite; it cannot be enumerated")
        return self.base.contracts

    def __contains__(self, contract: object) -> bool:
        if not isinstance(contract, Contract):
            return False
        for th in self.base.contracts:
            if th.signatories != contract.signatories or (th.game is not contract.game and th.game != contract.game):
                continue
            diff = contract.transfers - th.transfers
            flat = diff.reshape(-1, diff.shape[-1])
            if bool(np.all(flat == flat[0])):
                return True
        return False

    def max_abs(self) -> tuple[Fraction, Contract] | None:
        return self.base.max_abs() if self.is_finite else None

    def __repr__(self) -> str:
        return f"<LumpSumClosure of {self.base!r}>"


def with_lump_sums(space: ContractSpace, lump_sum_grid: Iterable[Any] | str) -> ContractSpace:
    """Θ plus lump sums: {θ + c : θ ∈ Θ, c ∈ grid ∪ {0}} (finite), or with ``"all"`` the
    symbolic full closure :class:`LumpSumClosure` (assumption A5).

    Each grid entry is a sequence of amounts aligned with the contract's signatories in
    increasing index order, or a mapping player -> amount; entries must sum to 0
    (:class:`ContractError`).  The base contracts are always included (the zero lump sum).
    O(|Θ| · |grid| · n · prod(m_i)).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> sp = DeviationPenaltySpace(prisoners_dilemma(), [0, 1], ("C", "C"), [2])
    >>> len(with_lump_sums(sp, [[1, -1], [-1, 1]]))
    3
    """
    if isinstance(lump_sum_grid, str):
        if lump_sum_grid != "all":
            raise ParameterError(f"lump_sum_grid must be a list of amount vectors or 'all', got {lump_sum_grid!r}")
        return LumpSumClosure(space)
    if not space.is_finite:
        raise ParameterError("lump sums on a grid need a finite base space")
    grid = list(lump_sum_grid)
    out: list[Contract] = []
    seen: set[Contract] = set()
    for th in space.contracts:
        cands = [th]
        for c in grid:
            amounts = c if isinstance(c, Mapping) else list(c)
            cands.append(th + lump_sum(space.game, th.signatories, amounts))
        for x in cands:
            if x not in seen:
                seen.add(x)
                out.append(x)
    return FiniteContractSpace(out, name=f"{space.name or 'space'} + lump sums")


# ---------------------------------------------------------------------- predicates
def _raw_items(space: ContractSpace) -> list[tuple[Any, Any, tuple[int, ...]]]:
    """(label, transfers object array, signatories) for every element of a finite space."""
    if isinstance(space, UserContractSpace):
        return [(p, v.transfers, v.signatories) if isinstance(v, Contract) else (p, v, space.signatories or ())
                for p, v in space.items]
    return [(k, c.transfers, c.signatories) for k, c in enumerate(space.contracts)]


def is_budget_balanced(space: ContractSpace) -> Check:
    """A2: every θ ∈ Θ has Σ_{i∈S} θ_i(a) = 0 and θ_i(a) = 0 for i ∉ S at every outcome.

    Contracts built with :class:`Contract` are balanced by construction; raw arrays of a
    :class:`UserContractSpace` are checked exactly.  Witness on failure:
    ``(parameter or index, outcome labels, what)`` where ``what`` is ``("sum", value)`` or
    ``("pays non-signatory", player, value)``.  The closure of a balanced space is balanced.
    O(|Θ| · n · prod(m_i)).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> g = prisoners_dilemma()
    >>> sp = UserContractSpace(lambda p: [[[p, -p], [0, 0]], [[0, 0], [0, p]]], [0, 1],
    ...                        game=g, signatories=[0, 1])
    >>> is_budget_balanced(sp).witness
    (1, ('D', 'D'), ('sum', Fraction(1, 1)))
    """
    base = space.base if isinstance(space, LumpSumClosure) else space
    g = space.game
    for label, arr, S in _raw_items(base):
        table, den = integer_table(arr)
        v = transfer_violation(table, S, observes="all", denominator=den)
        if v is None:
            continue
        at = g.labels(v.where)
        if v.kind == "non-signatory":
            o = g.players[v.player or 0]
            return Check(False, (label, at, ("pays non-signatory", o, v.value)),
                         f"element {label!r} pays non-signatory {o!r} {fmt(v.value)} at {at}")
        return Check(False, (label, at, ("sum", v.value)),
                     f"element {label!r}: members' transfers sum to {fmt(v.value)} at {at}")
    return Check(True, None, "every contract is budget-balanced")


def is_lump_sum_closed(space: ContractSpace) -> Check:
    """A5: Θ + {c constant : Σ_{i∈S_θ} c_i = 0} ⊆ Θ.

    The full closure holds.  A finite space holds only trivially (every contract has
    |S| < 2, so the only lump sum is 0); otherwise the witness is ``(θ, c)``: a contract of
    Θ and a lump-sum contract c = (+M, −M) on θ's first two signatories with
    M = 2·max_{Θ}|θ| + 1, so that θ + c has a transfer above every contract's maximum and
    is not in Θ.  O(|Θ| · n · prod(m_i)).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> sp = DeviationPenaltySpace(prisoners_dilemma(), [0, 1], ("C", "C"), [2])
    >>> chk = is_lump_sum_closed(sp)
    >>> chk.holds, chk.witness[1].transfer(("C", "C"))
    (False, (Fraction(5, 1), Fraction(-5, 1)))
    """
    if isinstance(space, LumpSumClosure):
        return Check(True, None, "full lump-sum closure")
    big = [c for c in space.contracts if len(c.signatories) >= 2]
    if not big:
        return Check(True, None, "no contract has two signatories: the only lump sum is 0")
    th = big[0]
    ma = space.max_abs()
    assert ma is not None
    M = 2 * ma[0] + 1
    i, j = th.signatories[:2]
    c = lump_sum(space.game, th.signatories, {i: M, j: -M})
    assert (th + c) not in space
    return Check(False, (th, c), f"{th!r} + lump sum ({fmt(M)}, {fmt(-M)}) to "
                                  f"{space.game.players[i]!r}, {space.game.players[j]!r} is not in the space")


def is_capped(space: ContractSpace, cap: Any) -> Check:
    """A3 (cap side): every θ ∈ Θ has max_{i,a} |θ_i(a)| ≤ cap.

    Witness ``(max |θ| over Θ, a contract attaining it)`` for finite spaces (whether or not
    the check holds); for an unbounded closure the check fails with witness
    ``(m, θ + c)``, a member of the closure whose max |θ| = m exceeds the cap.
    O(|Θ| · n · prod(m_i)).

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> sp = DeviationPenaltySpace(prisoners_dilemma(), [0, 1], ("C", "C"), [1, "5/2"])
    >>> chk = is_capped(sp, 2)
    >>> chk.holds, chk.witness[0]
    (False, Fraction(5, 2))
    """
    cap_f = _fraction(cap, "cap")
    if cap_f < 0:
        raise ParameterError(f"cap must be >= 0, got {fmt(cap_f)}")
    if isinstance(space, LumpSumClosure) and not space.is_finite:
        th = next(c for c in space.base.contracts if len(c.signatories) >= 2)
        M = cap_f + th.max_transfer + 1
        i, j = th.signatories[:2]
        x = th + lump_sum(space.game, th.signatories, {i: M, j: -M})
        return Check(False, (x.max_transfer, x), f"the lump-sum closure is unbounded: {x!r} exceeds cap {fmt(cap_f)}")
    if isinstance(space, UserContractSpace):
        best: tuple[Fraction, Any] | None = None
        for p, arr, _S in _raw_items(space):
            table, den = integer_table(arr)
            m = Fraction(int(np.abs(table).max()), den)
            if best is None or m > best[0]:
                best = (m, p)
        assert best is not None
        return Check(best[0] <= cap_f, best, f"max |θ| = {fmt(best[0])} at parameter {best[1]!r}, cap {fmt(cap_f)}")
    ma = space.max_abs()
    assert ma is not None
    return Check(ma[0] <= cap_f, ma, f"max |θ| = {fmt(ma[0])}, cap {fmt(cap_f)}")
