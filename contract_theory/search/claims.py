r"""Claims about games: the built-in ones and user claim files (`docs/background/model.md#4-partial-contracts`).

A **claim** is a predicate over a normal-form game plus parameters.

Built-in claims (all parameterized by ``k`` (default ``max(2, N - 1)``, clamped to N), ``timing``,
``selection``, ``sharing``, ``tie`` as in ``contract-theory analyze``; every coalition S with
2 <= |S| <= K is solved by :func:`contract_theory.contracting.coalitions.normal_form.coalition_outcome`, compared with the
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
    some internally and externally stable coalition (``tie`` rule, :mod:`contract_theory.contracting.coalitions.stability`)
    has the highest W(S) among coalitions of size 2..K;
``spe-optimal``
    the full-contract theorem: every SPE of the contracting game over the theorem's rich contract
    space is optimal (:func:`contract_theory.contracting.protocol.spe.theorem_check`; extra parameters ``cap``,
    ``lump_sums``, ``voting``, ``refinement``, ``default``; ``k`` defaults to N).

Every coalition is solved directly (no symmetry transport), so individual payoffs follow the
tie rule of :mod:`contract_theory.contracting.coalitions.normal_form` exactly as the certificate's recomputation does.

Domain rule (named): a game on which a claim's quantities are undefined — no pure no-contract
equilibrium, or no coalition with a pure continuation — is *outside the claim's domain*: it is
counted as searched and is never a counterexample.  Coalitions without a pure continuation are
ignored by the for-every-coalition claims.

User claims: a Python file defining ``claim(game, **params) -> bool`` (``True`` = holds), optionally
``INVARIANT = True`` (the claim is invariant under relabelling players and actions, which enables
the symmetry reduction) and ``DESCRIPTION``; see :func:`load_claim_file`.  A claim file is trusted
code run with the user's rights, imported and called in a supervised child process with a
wall-clock and a memory limit (:mod:`contract_theory.search.claim_worker`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypeVar

import numpy as np

from contract_theory.contracting.coalitions.normal_form import all_coalition_outcomes, no_contract_outcome
from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
from contract_theory.contracting.coalitions.rules import Rules
from contract_theory.contracting.protocol.spe import TheoremSpace, theorem_check
from contract_theory.equilibria.welfare import optimum
from contract_theory.errors import ParameterError, ParseError
from contract_theory.exact.numbers import fmt
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.search.claim_worker import ClaimLimits, ClaimWorker, claim_file_failure
from contract_theory.search.spaces import GameSpace

__all__ = ["Verdict", "Claim", "BUILTIN_CLAIMS", "get_claim", "load_claim_file", "claim_parameters",
           "json_parameters", "claim_file_failure", "verdicts", "ClaimLimits"]

T = TypeVar("T")

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
    #: a claim file's batch evaluator (:meth:`contract_theory.search.claim_worker.ClaimWorker.verdicts`), else None
    stream: Callable[[Any, Iterable[tuple[Any, Any, dict[str, Any]]]], Iterator[tuple[Any, bool | None]]] | None = None
    #: a claim file's limits (shipped with it to worker processes)
    limits: ClaimLimits | None = None

    def verdict(self, game: NormalFormGame, params: dict[str, Any] | None = None) -> Verdict:
        """Evaluate on ``game`` with ``params`` completed by :func:`claim_parameters`."""
        return self.evaluate(game, claim_parameters(self, game.n_players, params or {}))


def claim_parameters(claim: Claim, n_players: int, params: dict[str, Any]) -> dict[str, Any]:
    """The claim's full parameter dict for an N-player game: defaults, then ``params``; K clamped to N.

    Examples
    --------
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
def _rules(p: dict[str, Any]) -> Rules:
    """The :class:`Rules` of a coalition claim's parameters."""
    return Rules(timing=p["timing"], selection=p["selection"], sharing=p["sharing"], tie=p["tie"])


def _coalition_study(game: NormalFormGame, p: dict[str, Any]) -> Any:
    return partial_contract_analysis(game, p["k"], _rules(p), mixed=False, use_symmetry=False)


def _outcomes(game: NormalFormGame, p: dict[str, Any]) -> tuple[Any, dict[tuple[int, ...], Any]]:
    base = no_contract_outcome(game, p["selection"], mixed=False)
    outs = all_coalition_outcomes(game, p["k"], _rules(p), mixed=False, baseline=base, use_symmetry=False)
    return base, outs


def _optimum_reachable(game: NormalFormGame, p: dict[str, Any]) -> Verdict:
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
    try:
        r = theorem_check(game, k=p["k"], rules=Rules().replace(voting=p["voting"], refinement=p["refinement"],
                                                                 default=p["default"]),
                          space=TheoremSpace(cap=p["cap"], lump_sums=p["lump_sums"]))
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


_LOADED: dict[tuple[Any, ...], Claim] = {}


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


def load_claim_file(path: str | os.PathLike[str], limits: ClaimLimits | None = None) -> Claim:
    """A user claim from a Python file defining ``claim(game, **params) -> bool``.

    Optional module attributes: ``INVARIANT`` (bool, default False), ``DESCRIPTION`` (str),
    ``NAME`` (str, default the file's stem).  The file is **trusted code run with the user's
    rights**; it is imported and called in a supervised child process under ``limits``
    (:mod:`contract_theory.search.claim_worker`: a wall-clock limit per call and a memory limit),
    so that whatever it does ends in one :class:`~contract_theory.errors.ClaimFileError`.  A file
    loaded again unchanged, with the same limits, in the same process, gives the same claim (one
    child process).
    """
    p = os.fspath(path)
    if not os.path.isfile(p):
        raise ParseError(f"claim file {p!r} does not exist")
    p = os.path.abspath(p)
    limits = limits or ClaimLimits()
    st = os.stat(p)
    key = (p, st.st_mtime_ns, st.st_size, limits, os.getpid())
    if key not in _LOADED:
        worker = ClaimWorker(p, limits)
        meta = worker.start()

        def evaluate(game: NormalFormGame, params: dict[str, Any]) -> Verdict:
            return Verdict(worker.evaluate(game, params))

        _LOADED[key] = Claim(meta["name"], meta["description"], evaluate, _always if meta["invariant"] else _never,
                             dict(_COALITION_DEFAULTS), file=p, stream=worker.verdicts, limits=limits)
    return _LOADED[key]


def verdicts(claim: Claim, space: GameSpace, items: Iterable[tuple[T, np.ndarray, dict[str, Any]]]
             ) -> Generator[tuple[T, Verdict], None, None]:
    """``(tag, verdict)`` of ``claim`` for each ``(tag, payoff table, params)`` of ``items``, in order, lazily.

    A claim file's games go to its child process in batches (:mod:`contract_theory.search.claim_worker`);
    a built-in claim is evaluated here, one game at a time.  Close the iterator to stop early.

    Examples
    --------
    >>> c = get_claim("welfare-rises")
    >>> t = np.zeros((2, 2, 2), dtype=np.int64)
    >>> [(tag, v.holds) for tag, v in verdicts(c, GameSpace(), [("zero", t, claim_parameters(c, 2, {}))])]
    [('zero', True)]
    """
    if claim.stream is not None:
        for tag, holds in claim.stream(space, items):
            yield tag, Verdict(holds)
        return
    for tag, ints, p in items:
        yield tag, claim.evaluate(space.game(ints), p)


def get_claim(name: str, file: str | None = None, limits: ClaimLimits | None = None) -> Claim:
    """A built-in claim by name, or the user claim in ``file`` (supervised under ``limits``)."""
    if file is not None:
        return load_claim_file(file, limits)
    if name not in BUILTIN_CLAIMS:
        raise ParameterError(f"unknown claim {name!r}; built-in claims are {sorted(BUILTIN_CLAIMS)} "
                             "(or pass a claim file)")
    return BUILTIN_CLAIMS[name]


def json_parameters(p: dict[str, Any]) -> dict[str, Any]:
    """Claim parameters with exact numbers as strings (JSON-ready).

    Examples
    --------
    >>> json_parameters({"k": 2, "cap": Fraction(1, 2)})
    {'k': 2, 'cap': '1/2'}
    """
    return {k: (fmt(v) if isinstance(v, Fraction) else v) for k, v in p.items()}
