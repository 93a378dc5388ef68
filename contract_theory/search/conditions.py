r"""Which premises suffice for a claim: the lattice of premise sets, explored from small to large.

Model: MODEL.md section 10, premises, conditions and guarantees.  For a claim, a shape and a set
L of registered premises (:mod:`contract_theory.search.premises`), every subset P of L is a
class of games ("the games satisfying every premise in P"); the classes shrink as P grows, so

* if the claim **holds** under P it holds under every superset of P (pruned: never decided);
* if it **fails** under P with a counterexample G, and G satisfies the premises Q of L
  (:func:`~contract_theory.search.premises.satisfied_premises`, by their exact checks; Q contains P),
  it fails under every subset of Q (pruned as well).

:func:`conditions` walks the subsets by size (then registry order), decides only those neither
rule settles (one :func:`~contract_theory.search.prove.prove` call each, with ``timeout`` seconds),
and reports

* ``sufficient``: the **minimal sufficient** sets (the claim holds under each and, unless an
  undecided set lies below, fails under every proper subset), excluding empty classes;
* ``empty``: minimal sets no game of the shape satisfies (the claim holds vacuously: e.g.
  ``symmetric`` with ``generic``, since a symmetric game has W(0,1) = W(1,0));
* ``insufficient``: the **maximal insufficient** sets -- the maximal Q among the counterexamples,
  each with its counterexample (``nfg``, certificate and margin);
* ``undecided``: the sets whose decision timed out and that no other answer settles.

The work is bounded by ``max_calls`` decisions: past it, :class:`ConditionsError` names the number
of premises, the lattice's size, the calls made and the way out (fewer premises, or a larger bound).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from contract_theory.errors import ParameterError
from contract_theory.search.claims import claim_parameters, get_claim, json_parameters
from contract_theory.search.premises import PREMISES, parse_premises, satisfied_premises
from contract_theory.search.prove import prove

__all__ = ["ConditionsError", "ConditionsResult", "conditions", "DEFAULT_MAX_CALLS"]

#: Default bound on the number of decisions (``prove`` calls) one :func:`conditions` run makes.
DEFAULT_MAX_CALLS = 64


class ConditionsError(ParameterError):
    """The lattice needs more decisions than allowed (the message says how many and the way out)."""


@dataclass
class ConditionsResult:
    """What :func:`conditions` found (module docstring); sets are tuples of premise names in registry order."""

    claim: str
    parameters: dict[str, Any]
    shape: tuple[int, ...]
    candidates: tuple[str, ...]
    sufficient: list[tuple[str, ...]] = field(default_factory=list)
    empty: list[tuple[str, ...]] = field(default_factory=list)
    insufficient: list[dict[str, Any]] = field(default_factory=list)
    undecided: list[tuple[str, ...]] = field(default_factory=list)
    calls: int = 0
    elapsed: float = 0.0
    decisions: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The ``conditions --format json`` document (keys: claim, parameters, shape, candidates,
        sufficient, empty, insufficient, undecided, calls, decisions, elapsed_seconds)."""
        return {"claim": self.claim, "parameters": json_parameters(self.parameters), "shape": list(self.shape),
                "candidates": list(self.candidates), "sufficient": [list(s) for s in self.sufficient],
                "empty": [list(s) for s in self.empty],
                "insufficient": [{"premises": list(d["premises"]), "counterexample": d["counterexample"]}
                                 for d in self.insufficient],
                "undecided": [list(s) for s in self.undecided], "calls": self.calls,
                "decisions": self.decisions, "elapsed_seconds": round(self.elapsed, 3)}


def _order(names: frozenset[str]) -> tuple[str, ...]:
    return tuple(n for n in PREMISES if n in names)


def conditions(claim: str, players: int, actions: int | tuple[int, ...], *, params: dict[str, Any] | None = None,
               candidates: Sequence[str] | None = None, timeout: float = 30.0,
               max_calls: int = DEFAULT_MAX_CALLS) -> ConditionsResult:
    """The minimal sufficient and maximal insufficient premise sets of ``claim`` over the games of
    the shape (``players``, ``actions``), among subsets of ``candidates`` (default: every
    registered premise but those of the same class as an earlier one: A4, which with unbounded
    transfers is B1), with ``params`` as in :func:`~contract_theory.search.prove.prove`.

    ``timeout``: seconds per decision (a set not decided in time is ``undecided``); ``max_calls``:
    the most decisions to make (:class:`ConditionsError` past it).  Complexity: at most
    min(2^|L|, max_calls) ``prove`` calls; with the two pruning rules (module docstring) far fewer,
    e.g. 26 for ``members-gain`` with lump sums at 2x2x2, K = 2, over the eight default premises
    (of 256 sets; 15 s).

    Examples
    --------
    >>> r = conditions("members-gain", 3, 2, params={"k": 2, "sharing": "lump_sum"},
    ...                candidates=["dominant-strategies", "generic"])
    >>> r.sufficient, [d["premises"] for d in r.insufficient]
    ([('generic',)], [('dominant-strategies',)])
    """
    start = time.perf_counter()
    c = get_claim(claim)
    p = claim_parameters(c, players, dict(params or {}))
    names = (parse_premises(list(candidates)) if candidates is not None
             else tuple(n for n, q in PREMISES.items() if q.same_as is None and q.lattice))
    if max_calls < 1:
        raise ParameterError(f"max_calls must be at least 1, got {max_calls}")
    shape = (actions,) * players if isinstance(actions, int) else tuple(int(a) for a in actions)
    out = ConditionsResult(c.name, p, shape, names)
    holding: list[frozenset[str]] = []
    failing: list[tuple[frozenset[str], dict[str, Any]]] = []
    pending: list[frozenset[str]] = []
    for size in range(len(names) + 1):
        for combo in itertools.combinations(names, size):
            T = frozenset(combo)
            if any(S <= T for S in holding) or any(T <= Q for Q, _ in failing):
                continue
            if out.calls >= max_calls:
                raise ConditionsError(
                    f"conditions needs more than {max_calls} decisions for {len(names)} premises ({2 ** len(names)} "
                    f"premise sets; {out.calls} decided so far, next: {', '.join(combo) or 'no premise'}); pass fewer "
                    "premises with --from "
                    "or allow more with --max-calls")
            r = prove(c.name, players, shape, params=p, timeout=timeout, assuming=combo)
            out.calls += 1
            out.decisions.append({"premises": list(combo), "verdict": r.verdict, "vacuous": r.vacuous,
                                  "seconds": round(r.elapsed, 3)})
            if r.verdict == "holds":
                holding.append(T)
                (out.empty if r.vacuous else out.sufficient).append(_order(T))
            elif r.verdict == "fails":
                assert r.game is not None and r.counterexample is not None
                Q = frozenset(n for n, ok in satisfied_premises(r.game, int(p["k"]), names).items() if ok)
                failing.append((Q | T, r.counterexample))
            else:
                pending.append(T)
    out.undecided = [_order(T) for T in pending
                     if not any(S <= T for S in holding) and not any(T <= Q for Q, _ in failing)]
    tops = [(Q, cex) for Q, cex in failing if not any(Q < R for R, _ in failing)]
    seen: set[frozenset[str]] = set()
    for Q, cex in tops:
        if Q not in seen:
            seen.add(Q)
            out.insufficient.append({"premises": _order(Q), "counterexample": cex})
    out.elapsed = time.perf_counter() - start
    return out
