r"""Conjecture search: find, shrink and certify counterexamples.

Model: ``docs/background/model.md#4-partial-contracts``,
``docs/background/model.md#5-the-contracting-protocol``, ``docs/background/model.md#6-assumptions`` (issue 5).

A **claim** is a predicate over a normal-form game plus parameters; :func:`find_counterexample`
looks for a game in a :class:`GameSpace` on which it fails, shrinks the failure to a minimal game
and returns it with a **certificate** (:mod:`contract_theory.search.certificates`) whose numbers are
re-verified by independent loop-based code.

Built-in claims (all parameterized by ``k`` (default ``max(2, N - 1)``, clamped to N), ``timing``,
``selection``, ``sharing``, ``tie`` as in ``contract-theory analyze``; every coalition S with
2 <= |S| <= K is solved by :func:`contract_theory.contracting.coalitions.coalition_outcome`, compared with the
no-contract default equilibrium of the same ``selection``):

``optimum-reachable``
    some coalition of size <= K reaches W* (W_K = W*, the no-contract outcome counting as K = 1);
``members-gain``
    for every coalition, every member's payoff under ``sharing`` is at least its no-contract payoff;
``welfare-rises``
    for every coalition, W(S) >= W(no contract);
``outsiders-gain``
    for every coalition, every outsider's payoff is at least its no-contract payoff;
``stable-is-best``
    some internally and externally stable coalition (``tie`` rule, :mod:`contract_theory.contracting.stability`)
    has the highest W(S) among coalitions of size 2..K;
``spe-optimal``
    the full-contract theorem: every SPE of the contracting game over the theorem's rich contract
    space is optimal (:func:`contract_theory.contracting.protocol.theorem_check`; extra parameters ``cap``,
    ``lump_sums``, ``voting``, ``refinement``, ``default``; ``k`` defaults to N).

Every coalition is solved directly (no symmetry transport), so individual payoffs follow the
tie rule of :mod:`contract_theory.contracting.coalitions` exactly as the certificate's recomputation does.

Domain rule (named): a game on which a claim's quantities are undefined — no pure no-contract
equilibrium, or no coalition with a pure continuation — is *outside the claim's domain*: it is
counted as searched and is never a counterexample.  Coalitions without a pure continuation are
ignored by the for-every-coalition claims.

User claims: a Python file defining ``claim(game, **params) -> bool`` (``True`` = holds), optionally
``INVARIANT = True`` (the claim is invariant under relabelling players and actions, which enables
the symmetry reduction) and ``DESCRIPTION``; see :func:`load_claim_file`.

Search (named steps):

1. **Exhaustive** when the number of games to evaluate is at most ``exhaustive_limit``: every
   payoff table of every shape in the space, in order of increasing (largest payoff magnitude,
   total), reduced to one representative per orbit of the relabelling group (player permutations
   preserving the shape times action permutations of each player) when the claim is invariant.
   E.g. all 2x2 games with payoffs in 0..3: 65,536 tables, 8,356 orbits.
2. Otherwise **random**: games drawn by ``numpy.random.default_rng(seed)`` (shape uniform among the
   space's shapes, payoffs uniform), until a failure, the time ``budget_seconds`` or ``max_games``.
3. **Shrink** (greedy passes, deterministic): drop a player (fixing its action), drop an action, move
   every payoff one step toward 0, then each payoff to 0 (or the bound of the range nearest 0) and
   one step toward it, keeping a change only when the claim still fails and the game is smaller in
   the order (players, total actions, sum |payoff|, largest |payoff|, payoff list).  It stays inside
   the space (its minimum players/actions and payoff range).

The same seed gives the same games in the same order, so the first counterexample and its shrunk
form are reproducible (the *number* searched within a time budget is not; pass ``max_games`` for a
fully deterministic run).  Ctrl-C (KeyboardInterrupt) ends the search or the shrinking and returns
what was found so far (``interrupted=True``).
"""

from __future__ import annotations

import importlib.util
import itertools
import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from contract_theory.errors import ParameterError, ParseError
from contract_theory.exact.numbers import fmt
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.games.size import check_payoff_tensor
from contract_theory.search.certificates import FORMAT, game_payload

__all__ = ["Verdict", "Claim", "GameSpace", "SearchResult", "BUILTIN_CLAIMS", "get_claim", "load_claim_file",
           "find_counterexample", "certificate_for", "shrink", "parse_range", "claim_parameters"]

_COALITION_DEFAULTS = {"timing": "stackelberg", "selection": "pessimistic", "sharing": "equal", "tie": "inside"}
_SPE_DEFAULTS = {"cap": None, "lump_sums": True, "voting": "unanimous", "refinement": "sequential",
                 "default": "pessimistic"}


@dataclass(frozen=True)
class Verdict:
    """Outcome of evaluating a claim on one game: ``holds`` is True, False, or None (outside the domain)."""

    holds: bool | None
    witness: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Claim:
    """A named predicate over games.

    ``evaluate(game, params) -> Verdict``; ``invariant(params) -> bool`` says whether the verdict is
    unchanged by relabelling players and actions (then exhaustive search uses orbit representatives);
    ``defaults`` are the claim's parameters and their defaults.
    """

    name: str
    description: str
    evaluate: Callable[[NormalFormGame, dict[str, Any]], Verdict]
    invariant: Callable[[dict[str, Any]], bool]
    defaults: dict[str, Any]
    file: str | None = None

    def verdict(self, game: NormalFormGame, params: dict[str, Any] | None = None) -> Verdict:
        """Evaluate on ``game`` with ``params`` completed by :func:`claim_parameters`."""
        return self.evaluate(game, claim_parameters(self, game.n_players, params or {}))


def claim_parameters(claim: Claim, n_players: int, params: dict[str, Any]) -> dict[str, Any]:
    """The claim's full parameter dict for an N-player game: defaults, then ``params``; K clamped to N.

    >>> claim_parameters(get_claim("welfare-rises"), 3, {})["k"]
    2
    """
    unknown = set(params) - set(claim.defaults) - {"k"}
    if unknown and claim.file is None:
        raise ParameterError(f"claim {claim.name!r} has no parameter(s) {sorted(unknown)}; "
                             f"it takes {sorted(set(claim.defaults) | {'k'})}")
    out = dict(claim.defaults)
    out.update({k: v for k, v in params.items() if v is not None or k == "cap"})
    k = out.get("k")
    if k is None:
        k = n_players if claim.name == "spe-optimal" else max(2, n_players - 1)
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        raise ParameterError(f"K must be an integer >= 2, got {k!r}")
    out["k"] = min(k, n_players)
    for key, allowed in (("timing", ("stackelberg", "nash")), ("selection", ("pessimistic", "optimistic")),
                         ("sharing", ("equal", "lump_sum", "none")),
                         ("tie", ("inside", "outside", "both-weak", "both-strict"))):
        if key in out and out[key] not in allowed:
            raise ParameterError(f"unknown {key} {out[key]!r}; choose one of {list(allowed)}")
    return out


# ---------------------------------------------------------------------------- built-in claims
def _coalition_study(game: NormalFormGame, p: dict[str, Any]) -> Any:
    from contract_theory.contracting.partial_contracts import partial_contract_analysis

    return partial_contract_analysis(game, p["k"], timing=p["timing"], selection=p["selection"], mixed=False,
                                     sharing=p["sharing"], tie=p["tie"], use_symmetry=False)


def _outcomes(game: NormalFormGame, p: dict[str, Any]) -> tuple[Any, dict[tuple[int, ...], Any]]:
    from contract_theory.contracting.coalitions import all_coalition_outcomes, no_contract_outcome

    base = no_contract_outcome(game, p["selection"], mixed=False)
    outs = all_coalition_outcomes(game, p["k"], timing=p["timing"], selection=p["selection"], mixed=False,
                                  sharing=p["sharing"], baseline=base, use_symmetry=False)
    return base, outs


def _optimum_reachable(game: NormalFormGame, p: dict[str, Any]) -> Verdict:
    from contract_theory.equilibria.welfare import optimum

    w_star, _ = optimum(game)
    base, outs = _outcomes(game, p)
    reached = [o.welfare for o in outs.values() if o.welfare is not None]
    if base.welfare is not None:
        reached.append(base.welfare)
    if not reached:
        return Verdict(None)
    best = max(reached)
    return Verdict(best == w_star, {"optimum": fmt(w_star), "best_reached": fmt(best)})


def _for_every_coalition(kind: str) -> Callable[[NormalFormGame, dict[str, Any]], Verdict]:
    def evaluate(game: NormalFormGame, p: dict[str, Any]) -> Verdict:
        base, outs = _outcomes(game, p)
        if base.payoffs is None:
            return Verdict(None)
        live = [o for o in outs.values() if o.payoffs is not None]
        if not live:
            return Verdict(None)
        for o in live:
            if kind == "welfare" and o.welfare < base.welfare:
                return Verdict(False, {"coalition": list(o.coalition), "welfare": fmt(o.welfare),
                                       "no_contract_welfare": fmt(base.welfare)})
            who = o.coalition if kind == "members" else o.outsiders
            pay = o.payoffs if kind == "members" else o.raw_payoffs
            if kind in ("members", "outsiders"):
                for i in who:
                    if pay[i] < base.payoffs[i]:
                        return Verdict(False, {"coalition": list(o.coalition), "player": i, "payoff": fmt(pay[i]),
                                               "no_contract_payoff": fmt(base.payoffs[i])})
        return Verdict(True)
    return evaluate


def _stable_is_best(game: NormalFormGame, p: dict[str, Any]) -> Verdict:
    a = _coalition_study(game, p)
    live = [o for o in a.outcomes.values() if o.welfare is not None]
    if not live:
        return Verdict(None)
    best = max(o.welfare for o in live)
    stable = set(a.stable_coalitions)
    ok = any(o.coalition in stable and o.welfare == best for o in live)
    return Verdict(ok, {"best_welfare": fmt(best), "stable": [list(S) for S in sorted(stable)],
                        "stable_welfare": [fmt(a.outcomes[S].welfare) for S in sorted(stable)]})


def _spe_optimal(game: NormalFormGame, p: dict[str, Any]) -> Verdict:
    from contract_theory.contracting.protocol import theorem_check

    try:
        r = theorem_check(game, k=p["k"], cap=p["cap"], lump_sums=p["lump_sums"], voting=p["voting"],
                          refinement=p["refinement"], default=p["default"])
    except ParameterError:
        return Verdict(None)  # no pure no-contract equilibrium: outside the domain
    worst = min((x.worst for x in r.per_proposer if x.worst is not None), key=lambda b: b.welfare)
    return Verdict(bool(r.every_spe_optimal), {
        "optimum": fmt(r.optimum), "worst_welfare": fmt(r.worst_welfare), "best_welfare": fmt(r.best_welfare),
        "worst_profile": list(worst.profile), "worst_accepted": worst.accepted,
        "worst_contract": worst.contract_index})


def _always(_: dict[str, Any]) -> bool:
    return True


def _never(_: dict[str, Any]) -> bool:
    return False


BUILTIN_CLAIMS: dict[str, Claim] = {
    "optimum-reachable": Claim(
        "optimum-reachable", "some coalition of size <= K (or no contract) reaches the optimal welfare W*",
        _optimum_reachable, _always, dict(_COALITION_DEFAULTS)),
    "members-gain": Claim(
        "members-gain", "in every coalition of size 2..K every member weakly gains over no contract",
        _for_every_coalition("members"), _never, dict(_COALITION_DEFAULTS)),
    "welfare-rises": Claim(
        "welfare-rises", "every coalition of size 2..K weakly raises social welfare over no contract",
        _for_every_coalition("welfare"), _always, dict(_COALITION_DEFAULTS)),
    "outsiders-gain": Claim(
        "outsiders-gain", "for every coalition of size 2..K every outsider weakly gains over no contract",
        _for_every_coalition("outsiders"), _never, dict(_COALITION_DEFAULTS)),
    "stable-is-best": Claim(
        "stable-is-best", "some stable coalition of size 2..K has the highest welfare W(S)",
        _stable_is_best, _never, dict(_COALITION_DEFAULTS)),
    "spe-optimal": Claim(
        "spe-optimal", "every SPE of the contracting game over the theorem's rich contract space is optimal",
        _spe_optimal, _never, dict(_SPE_DEFAULTS)),
}


def load_claim_file(path: str | os.PathLike[str]) -> Claim:
    """A user claim from a Python file defining ``claim(game, **params) -> bool``.

    Optional module attributes: ``INVARIANT`` (bool, default False), ``DESCRIPTION`` (str),
    ``NAME`` (str, default the file's stem).  The file is executed as a module.
    """
    p = os.fspath(path)
    if not os.path.isfile(p):
        raise ParseError(f"claim file {p!r} does not exist")
    spec = importlib.util.spec_from_file_location(f"_contract_theory_claim_{abs(hash(p))}", p)
    if spec is None or spec.loader is None:
        raise ParseError(f"cannot load claim file {p!r} as Python")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    fn = getattr(mod, "claim", None)
    if not callable(fn):
        raise ParseError(f"claim file {p!r} defines no function claim(game, **params) -> bool")
    inv = bool(getattr(mod, "INVARIANT", False))

    def evaluate(game: NormalFormGame, params: dict[str, Any]) -> Verdict:
        out = fn(game, **params)
        return Verdict(None if out is None else bool(out))

    return Claim(str(getattr(mod, "NAME", os.path.splitext(os.path.basename(p))[0])),
                 str(getattr(mod, "DESCRIPTION", fn.__doc__ or "user claim")), evaluate,
                 (lambda _: True) if inv else _never, dict(_COALITION_DEFAULTS), file=os.path.abspath(p))


def get_claim(name: str, file: str | None = None) -> Claim:
    """A built-in claim by name, or the user claim in ``file``."""
    if file is not None:
        return load_claim_file(file)
    if name not in BUILTIN_CLAIMS:
        raise ParameterError(f"unknown claim {name!r}; built-in claims are {sorted(BUILTIN_CLAIMS)} "
                             "(or pass a claim file)")
    return BUILTIN_CLAIMS[name]


# ---------------------------------------------------------------------------- the space
def parse_range(text: str | int | Sequence[int], what: str = "range") -> tuple[int, int]:
    """``"0..3"`` -> (0, 3); ``"3"`` or 3 -> (3, 3); negative bounds allowed (``"-2..2"``).

    >>> parse_range("0..3"), parse_range("-1..2"), parse_range(2)
    ((0, 3), (-1, 2), (2, 2))
    """
    if isinstance(text, (tuple, list)):
        lo, hi = int(text[0]), int(text[-1])
    elif isinstance(text, int):
        lo = hi = text
    else:
        s = str(text).strip()
        try:
            if ".." in s:
                a, b = s.split("..", 1)
                lo, hi = int(a), int(b)
            else:
                lo = hi = int(s)
        except ValueError:
            raise ParseError(f"{what} must be an integer or LOW..HIGH", token=s) from None
    if lo > hi:
        raise ParameterError(f"{what} {lo}..{hi} is empty")
    return lo, hi


@dataclass(frozen=True)
class GameSpace:
    """A finite space of games: players, actions per player, payoffs k/denominator with k/den in [low, high].

    ``players`` and ``actions`` are (min, max) ranges.  ``shapes()`` lists every shape, smallest first.

    >>> s = GameSpace(players=(2, 2), actions=(2, 2), low=0, high=3)
    >>> s.shapes(), s.size()
    ([(2, 2)], 65536)
    """

    players: tuple[int, int] = (2, 2)
    actions: tuple[int, int] = (2, 2)
    low: int = 0
    high: int = 3
    denominator: int = 1

    def __post_init__(self) -> None:
        if not 2 <= self.players[0] <= self.players[1]:
            raise ParameterError(f"players must be a range with 2 <= min <= max, got {self.players}")
        if not 1 <= self.actions[0] <= self.actions[1]:
            raise ParameterError(f"actions must be a range with 1 <= min <= max, got {self.actions}")
        if self.low > self.high:
            raise ParameterError(f"payoff range {self.low}..{self.high} is empty")
        if self.denominator < 1:
            raise ParameterError(f"denominator must be a positive integer, got {self.denominator}")
        # the largest game of the space is built for every draw: refuse it before the search starts
        check_payoff_tensor((self.actions[1],) * self.players[1], "payoff tensor of the search's largest game")

    @property
    def values(self) -> int:
        """Number of payoff values: (high - low) * denominator + 1."""
        return (self.high - self.low) * self.denominator + 1

    def shapes(self) -> list[tuple[int, ...]]:
        out = []
        for n in range(self.players[0], self.players[1] + 1):
            out += list(itertools.product(range(self.actions[0], self.actions[1] + 1), repeat=n))
        return sorted(out, key=lambda s: (len(s), sum(s), s))

    def size(self) -> int:
        """Number of payoff tables in the space (before any symmetry reduction)."""
        return sum(self.values ** (len(s) * math.prod(s)) for s in self.shapes())

    def game(self, ints: np.ndarray) -> NormalFormGame:
        """The game whose payoffs are ``ints / denominator`` (ints of shape ``shape + (n,)``)."""
        if self.denominator == 1:
            return NormalFormGame(np.asarray(ints, dtype=np.int64))
        arr = np.asarray(ints, dtype=object)
        fr = np.empty(arr.shape, dtype=object)
        fr.reshape(-1)[:] = [Fraction(int(v), self.denominator) for v in arr.reshape(-1)]
        return NormalFormGame(fr)


# ---------------------------------------------------------------------------- results
@dataclass
class SearchResult:
    """What :func:`find_counterexample` found.

    ``searched``: games evaluated (orbit representatives count once); ``exhaustive``: the space was
    enumerated systematically (all of it when nothing was found and the search was not cut short:
    then ``complete`` is True); ``in_domain``: evaluated games inside the claim's domain;
    ``original`` is the first failing game before shrinking; ``shrink_steps`` the accepted steps.
    """

    found: bool
    game: NormalFormGame | None
    certificate: dict[str, Any] | None
    searched: int
    exhaustive: bool
    elapsed: float
    complete: bool = False
    in_domain: int = 0
    claim: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    original: NormalFormGame | None = None
    shrink_steps: int = 0
    interrupted: bool = False
    seed: int = 0
    space: GameSpace | None = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The ``search --format json`` document: found, nfg, certificate, searched, ..."""
        from contract_theory.games.formats.nfg import write_nfg

        return {"claim": self.claim, "parameters": _json_params(self.parameters), "found": self.found,
                "nfg": None if self.game is None else write_nfg(self.game),
                "certificate": self.certificate,
                "searched": {"games": self.searched, "exhaustive": self.exhaustive, "complete": self.complete,
                             "in_domain": self.in_domain},
                "seed": self.seed, "elapsed_seconds": round(self.elapsed, 3), "interrupted": self.interrupted,
                "shrink_steps": self.shrink_steps,
                "space": None if self.space is None else {
                    "players": list(self.space.players), "actions": list(self.space.actions),
                    "payoffs": f"{self.space.low}..{self.space.high}", "denominator": self.space.denominator},
                "notes": list(self.notes)}


def _json_params(p: dict[str, Any]) -> dict[str, Any]:
    return {k: (fmt(v) if isinstance(v, Fraction) else v) for k, v in p.items()}


# ---------------------------------------------------------------------------- certificates
def certificate_for(claim: Claim, game: NormalFormGame, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Certificate of ``claim`` on ``game``: exact quantities (strings) from the library's solvers.

    The numbers come from :mod:`contract_theory.contracting.coalitions`, :mod:`contract_theory.contracting.partial_contracts`
    and :mod:`contract_theory.equilibria.pure`; :func:`contract_theory.search.certificates.verify_certificate`
    recomputes them independently.

    >>> from contract_theory.games.library import prisoners_dilemma
    >>> c = certificate_for(get_claim("welfare-rises"), prisoners_dilemma(), {"k": 2})
    >>> c["holds"], c["no_contract"]["welfare"], c["coalitions"][0]["welfare"]
    (True, '2', '6')
    """
    from contract_theory.equilibria.pure import pure_nash_solve
    from contract_theory.equilibria.welfare import optimum
    from contract_theory.games.formats.nfg import write_nfg

    p = claim_parameters(claim, game.n_players, params or {})
    verdict = claim.evaluate(game, p)
    w_star, opt = optimum(game)
    cert: dict[str, Any] = {
        "format": FORMAT, "version": 1,
        "claim": {"name": claim.name, "description": claim.description, "parameters": _json_params(p)},
        "holds": verdict.holds,
        "game": game_payload(game),
        "nfg": write_nfg(game),
        "pure_equilibria": [list(e) for e in pure_nash_solve(game).equilibria],
        "optimum": {"welfare": fmt(w_star), "profiles": [list(x) for x in opt]},
        "witness": verdict.witness,
    }
    if claim.file is not None:
        cert["claim"]["file"] = claim.file
    sel = p.get("selection", "pessimistic")
    from contract_theory.contracting.coalitions import no_contract_outcome
    base = no_contract_outcome(game, sel, mixed=False)
    cert["no_contract"] = None if base.profile is None else {
        "profile": list(base.profile), "payoffs": [fmt(v) for v in base.payoffs or ()], "welfare": fmt(base.welfare)}
    if claim.name in BUILTIN_CLAIMS and claim.name != "spe-optimal" and claim.file is None:
        from contract_theory.contracting.partial_contracts import partial_contract_analysis
        a = partial_contract_analysis(game, p["k"], timing=p["timing"], selection=sel, sharing=p["sharing"], mixed=False,
                                      tie=p["tie"], use_symmetry=False)
        rows: list[dict[str, Any]] = []
        for S in sorted(a.outcomes, key=lambda s: (len(s), s)):
            o = a.outcomes[S]
            if o.profile is None:
                rows.append({"coalition": list(S), "profile": None})
                continue
            rows.append({"coalition": list(S), "profile": list(o.profile),
                         "raw_payoffs": [fmt(v) for v in o.raw_payoffs or ()], "payoffs": [fmt(v) for v in o.payoffs or ()],
                         "bloc_value": fmt(o.bloc_value), "welfare": fmt(o.welfare)})
        cert["coalitions"] = rows
        if claim.name == "stable-is-best":
            cert["stability"] = [{"coalition": list(S), "internal": a.stability[S].internal,
                                  "external": a.stability[S].external}
                                 for S in sorted(a.stability, key=lambda s: (len(s), s))]
        cert["verification"] = ("equilibria, optimum, no-contract outcome, every coalition outcome"
                                + (" and stability" if claim.name == "stable-is-best" else "")
                                + " and the verdict are recomputed by independent loop-based code")
    elif claim.name == "spe-optimal" and claim.file is None:
        cert["spe"] = {k: verdict.witness.get(k) for k in ("worst_profile", "worst_welfare", "best_welfare",
                                                             "worst_accepted", "worst_contract")}
        cert["verification"] = ("equilibria, optimum, no-contract outcome and the worst SPE outcome's welfare are "
                                "recomputed independently; SPE-ness is re-derived by re-running the claim")
    else:
        cert["verification"] = ("equilibria, optimum and no-contract outcome are recomputed independently; "
                                "the verdict by re-running the user's claim")
    return cert


# ---------------------------------------------------------------------------- enumeration
def _group(shape: tuple[int, ...]) -> list[tuple[list[int], list[list[int]]]]:
    """Relabellings (player order, per-player action orders) preserving the shape."""
    n = len(shape)
    orders = [list(o) for o in itertools.permutations(range(n)) if all(shape[o[k]] == shape[k] for k in range(n))]
    acts = list(itertools.product(*(list(itertools.permutations(range(m))) for m in shape)))
    return [(o, [list(a) for a in ac]) for o in orders for ac in acts]


def _apply(batch: np.ndarray, order: list[int], acts: list[list[int]]) -> np.ndarray:
    """Relabel a batch (B, *shape, n): new player k = old player order[k]; then permute actions."""
    n = len(order)
    out = np.transpose(batch, [0] + [1 + o for o in order] + [n + 1])[..., order]
    for i, perm in enumerate(acts):
        out = np.take(out, perm, axis=1 + i)
    return out


def _enumerate(space: GameSpace, shape: tuple[int, ...], invariant: bool, cap: int) -> np.ndarray | None:
    """All payoff tables (as value offsets 0..V-1) of ``shape``, one per orbit if ``invariant``.

    Ordered by (largest |payoff|, sum of |payoffs|, code).  ``None`` when there are more than ``cap``
    tables to enumerate.
    """
    n = len(shape)
    entries = n * math.prod(shape)
    V = space.values
    total = V ** entries
    if total > cap:
        return None
    codes = np.arange(total, dtype=np.int64)
    digits = np.empty((total, entries), dtype=np.int64)
    rest = codes.copy()
    for e in range(entries):
        digits[:, e] = rest % V
        rest //= V
    batch = digits.reshape((total,) + shape + (n,))
    if invariant:
        weights = V ** np.arange(entries, dtype=np.int64)
        canon = codes.copy()
        for order, acts in _group(shape):
            moved = _apply(batch, order, acts).reshape(total, entries)
            canon = np.minimum(canon, moved @ weights)
        batch = batch[canon == codes]
    vals = np.abs(batch.reshape(len(batch), -1) + space.low * space.denominator)
    key = np.lexsort((np.arange(len(batch)), vals.sum(axis=1), vals.max(axis=1)))
    return batch[key]


# ---------------------------------------------------------------------------- shrinking
def _key(ints: np.ndarray) -> tuple[Any, ...]:
    n = ints.ndim - 1
    flat = [int(v) for v in ints.reshape(-1)]
    return (n, sum(ints.shape[:-1]), math.prod(ints.shape[:-1]), sum(abs(v) for v in flat),
            max((abs(v) for v in flat), default=0), tuple(abs(v) for v in flat), tuple(flat))


def _candidates(ints: np.ndarray, space: GameSpace) -> Iterator[np.ndarray]:
    n = ints.ndim - 1
    shape = ints.shape[:-1]
    lo, hi = space.low * space.denominator, space.high * space.denominator
    target = min(max(0, lo), hi)
    if n > space.players[0]:
        for i in range(n):
            for a in range(shape[i]):
                yield np.delete(np.take(ints, a, axis=i), i, axis=-1)
    for i in range(n):
        if shape[i] > space.actions[0]:
            for a in range(shape[i]):
                yield np.delete(ints, a, axis=i)
    step = np.sign(target - ints)
    if step.any():
        yield ints + step
    flat = ints.reshape(-1)
    for e in range(flat.size):
        v = int(flat[e])
        if v == target:
            continue
        for new in dict.fromkeys((target, v + (1 if target > v else -1))):
            c = flat.copy()
            c[e] = new
            yield c.reshape(ints.shape)


def shrink(claim: Claim, params: dict[str, Any], ints: np.ndarray, space: GameSpace, *,
           deadline: float | None = None) -> tuple[np.ndarray, int, bool]:
    """Greedy shrinking of a failing payoff table (module docstring, step 3).

    Returns ``(smallest failing table, accepted steps, interrupted)``.  Deterministic; stops at a
    local minimum, at ``deadline`` (``time.perf_counter()`` value) or on Ctrl-C.
    """
    cur = np.asarray(ints, dtype=np.int64)
    steps = 0

    def fails(t: np.ndarray) -> bool:
        g = space.game(t)
        return claim.evaluate(g, claim_parameters(claim, g.n_players, params)).holds is False

    try:
        improved = True
        while improved:
            improved = False
            for cand in _candidates(cur, space):
                if deadline is not None and time.perf_counter() > deadline:
                    return cur, steps, False
                if _key(cand) < _key(cur) and fails(cand):
                    cur, steps, improved = cand, steps + 1, True
                    break
    except KeyboardInterrupt:
        return cur, steps, True
    return cur, steps, False


# ---------------------------------------------------------------------------- the search
def resolve_search(claim: Claim | str, space: GameSpace | None, params: dict[str, Any] | None
                   ) -> tuple[Claim, GameSpace, dict[str, Any]]:
    """A search's claim (by name or object), space (default :class:`GameSpace`) and validated parameters."""
    if isinstance(claim, str):
        claim = get_claim(claim)
    space = space or GameSpace()
    params = dict(params or {})
    claim_parameters(claim, space.players[1], params)  # validate early
    return claim, space, params


def find_counterexample(
    claim: Claim | str, space: GameSpace | None = None, *, params: dict[str, Any] | None = None,
    budget_seconds: float = 30.0, seed: int = 0, exhaustive_limit: int = 20_000, max_games: int | None = None,
    shrink_seconds: float | None = 60.0, enumerate_cap: int = 2_000_000,
    progress: Callable[[int, float, str], None] | None = None,
) -> SearchResult:
    """Search ``space`` for a game on which ``claim`` fails; shrink it; certify it.

    ``params`` are the claim's parameters (``k``, ``timing``, ...; see the module docstring).
    ``exhaustive_limit`` is the largest number of games (orbit representatives for invariant
    claims) enumerated exhaustively; larger spaces are sampled at random.  ``budget_seconds``
    bounds the search (not the shrinking, bounded by ``shrink_seconds``); ``max_games`` bounds the
    number of random games.  ``progress(games, elapsed, phase)`` is called about every 0.2 s.
    Complexity: one claim evaluation per game (a coalition study: C(n, <=K) coalition solves).

    >>> r = find_counterexample("welfare-rises", GameSpace(players=(2, 2), high=1), budget_seconds=10)
    >>> r.found, r.exhaustive, r.complete, r.searched
    (False, True, True, 43)
    """
    claim, space, params = resolve_search(claim, space, params)
    start = time.perf_counter()
    deadline = start + budget_seconds
    rng = np.random.default_rng(seed)
    searched = in_domain = 0
    last_report = start
    found_ints: np.ndarray | None = None
    interrupted = False
    notes: list[str] = []
    invariant = claim.invariant(params)
    shapes = space.shapes()
    exhaustive = False
    complete = False

    def check(ints: np.ndarray) -> bool:
        nonlocal searched, in_domain
        g = space.game(ints)
        v = claim.evaluate(g, claim_parameters(claim, g.n_players, params))
        searched += 1
        if v.holds is not None:
            in_domain += 1
        return v.holds is False

    def tick(phase: str) -> None:
        nonlocal last_report
        now = time.perf_counter()
        if progress is not None and now - last_report >= 0.2:
            last_report = now
            progress(searched, now - start, phase)

    try:
        plan: list[np.ndarray] | None = []
        total = 0
        for shape in shapes:
            batch = _enumerate(space, shape, invariant, enumerate_cap)
            if batch is None:
                plan = None
                break
            assert plan is not None
            plan.append(batch)
            total += len(batch)
        if plan is not None and total <= exhaustive_limit:
            exhaustive = True
            notes.append(f"exhaustive over {total} games" + (" (one per relabelling orbit)" if invariant else ""))
            cut = False
            for batch in plan:
                for offs in batch:
                    if time.perf_counter() > deadline:
                        cut = True
                        break
                    if check(offs + space.low * space.denominator):
                        found_ints = offs + space.low * space.denominator
                        break
                    tick("exhaustive")
                if found_ints is not None or cut:
                    break
            complete = found_ints is None and not cut
            if cut:
                notes.append(f"time budget reached after {searched} of {total} games")
        else:
            lo, hi = space.low * space.denominator, space.high * space.denominator
            while time.perf_counter() <= deadline and (max_games is None or searched < max_games):
                shape = shapes[int(rng.integers(len(shapes)))]
                ints = rng.integers(lo, hi + 1, size=shape + (len(shape),))
                if check(ints):
                    found_ints = ints
                    break
                tick("random")
    except KeyboardInterrupt:
        interrupted = True
        notes.append("interrupted during the search")
    original = None if found_ints is None else space.game(found_ints)
    steps = 0
    if found_ints is not None and not interrupted:
        sdl = None if shrink_seconds is None else time.perf_counter() + shrink_seconds
        found_ints, steps, interrupted = shrink(claim, params, found_ints, space, deadline=sdl)
        if interrupted:
            notes.append("interrupted during shrinking: the game is the smallest found so far")
    game = None if found_ints is None else space.game(found_ints)
    cert = None
    if game is not None:
        cert = certificate_for(claim, game, params)
    elapsed = time.perf_counter() - start
    return SearchResult(found=game is not None, game=game, certificate=cert, searched=searched,
                        exhaustive=exhaustive, elapsed=elapsed, complete=complete, in_domain=in_domain,
                        claim=claim.name, parameters=claim_parameters(claim, space.players[1], params),
                        original=original, shrink_steps=steps, interrupted=interrupted, seed=seed, space=space,
                        notes=notes)
