r"""Certificates for counterexamples, and their independent re-verification.

Model: ``docs/background/model.md#2-solution-concepts``, ``docs/background/model.md#4-partial-contracts``.

A **certificate** is a plain JSON-ready dict (every number an exact string such as ``"21/2"``)
holding a game, the claim it refutes with the claim's parameters, and every quantity the
claim's verdict depends on: the pure Nash equilibria, the optimum W* and its profiles, the
no-contract outcome (the default equilibrium of docs/background/model.md#4-partial-contracts, assumption A10), the
outcome of every coalition S with 2 <= |S| <= K (profile, raw and shared payoffs, bloc value
U_S, welfare W(S)), and, for ``stable-is-best``, internal/external stability.

:func:`verify_certificate` recomputes all of it **independently of the search**: plain Python
loops over joint actions with :class:`~fractions.Fraction` arithmetic (no numpy, none of the
vectorized kernels of :mod:`contract_theory.equilibria.pure` or :mod:`contract_theory.contracting.coalitions.normal_form`), the
same published tie rule (module docstring of :mod:`contract_theory.contracting.coalitions.normal_form`: rank by the bloc
total U_S, then social welfare lowest-first under pessimistic / highest-first under optimistic
selection, then the lexicographically smallest joint action), and re-derives the claim's
verdict from the recomputed numbers.  It returns ``True`` only if every recorded number is
reproduced exactly *and* the recomputed verdict is "the claim fails".  Claims whose verdict
needs the contracting-game SPE (``spe-optimal``) or a user's predicate record what was re-derived
independently (optimum, equilibria, the SPE outcome's welfare) in ``"verification"``; their
verdict is re-derived by the claim itself.

Exports: :func:`certificate_latex` (booktabs payoff table with the certificate's numbers); the
``.nfg`` text is stored in the certificate (``cert["nfg"]``, Gambit's format).

Complexity of verification: O(C * n * prod(m_i) * max m_i) Fraction operations for C coalitions;
meant for the small games a search shrinks to (it refuses games above ``max_profiles``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from contract_theory.contracting.coalitions.normal_form import no_contract_outcome
from contract_theory.contracting.coalitions.partial_contracts import partial_contract_analysis
from contract_theory.contracting.coalitions.rules import Rules, Selection, Sharing, Tie, Timing
from contract_theory.equilibria.pure import pure_nash_solve
from contract_theory.equilibria.welfare import optimum
from contract_theory.errors import GameError, SizeLimitError
from contract_theory.exact.numbers import fmt
from contract_theory.games.formats.nfg import parse_nfg, write_nfg
from contract_theory.games.normal_form import NormalFormGame
from contract_theory.search.claims import BUILTIN_CLAIMS, Claim, claim_parameters, get_claim, json_parameters
from contract_theory.search.margin import counterexample_margin
from contract_theory.util.latex import tex_escape, tex_number

__all__ = ["FORMAT", "certificate_for", "game_payload", "certificate_game", "reference_quantities", "verify_certificate",
           "certificate_mismatches", "certificate_latex", "COALITION_CLAIMS", "joint_profile"]

FORMAT = "contract-theory-certificate"

#: Built-in claims whose verdict is re-derived from the independently recomputed coalition outcomes.
COALITION_CLAIMS: tuple[str, ...] = ("optimum-reachable", "members-gain", "welfare-rises", "outsiders-gain",
                                     "stable-is-best")

Pay = dict[tuple[int, ...], tuple[Fraction, ...]]


# ---------------------------------------------------------------------------- game payload
def game_payload(game: Any) -> dict[str, Any]:
    """The game as exact strings: title, players, actions, shape, and payoffs per profile.

    ``payoffs`` lists one entry per joint action in lexicographic order of action indices
    (last player's action varying fastest), each the list of the n payoffs.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> game_payload(prisoners_dilemma())["payoffs"][1]
    ['0', '5']
    """
    return {"title": game.title, "players": list(game.players), "actions": [list(a) for a in game.actions],
            "shape": list(game.shape),
            "payoffs": [[fmt(v) for v in game.payoff(p)] for p in game.profiles()]}


def certificate_game(cert: dict[str, Any]) -> Any:
    """Rebuild the :class:`~contract_theory.games.normal_form.NormalFormGame` stored in a certificate."""
    g = cert["game"]
    shape = tuple(int(m) for m in g["shape"])
    pay = _payoff_dict(g)
    return NormalFormGame.from_function(lambda a: pay[tuple(a)], shape, players=g["players"],
                                        actions=g["actions"], title=g.get("title", ""))


def _payoff_dict(g: dict[str, Any]) -> Pay:
    shape = tuple(int(m) for m in g["shape"])
    profiles = list(itertools.product(*(range(m) for m in shape)))
    rows = g["payoffs"]
    if len(rows) != len(profiles):
        raise GameError(f"certificate lists {len(rows)} payoff rows for {len(profiles)} joint actions")
    out: Pay = {}
    for prof, row in zip(profiles, rows):
        if len(row) != len(shape):
            raise GameError(f"certificate payoff row {row} at {list(prof)} does not have {len(shape)} entries")
        out[prof] = tuple(Fraction(str(v)) for v in row)
    return out


# ---------------------------------------------------------------------------- assembly
def certificate_for(claim: Claim, game: NormalFormGame, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Certificate of ``claim`` on ``game``: exact quantities (strings) from the library's solvers.

    The numbers come from :mod:`contract_theory.contracting.coalitions.normal_form`,
    :mod:`contract_theory.contracting.coalitions.partial_contracts` and :mod:`contract_theory.equilibria.pure`;
    :func:`contract_theory.search.certificates.verify_certificate` recomputes them independently.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> c = certificate_for(get_claim("welfare-rises"), prisoners_dilemma(), {"k": 2})
    >>> c["holds"], c["no_contract"]["welfare"], c["coalitions"][0]["welfare"]
    (True, '2', '6')
    """
    p = claim_parameters(claim, game.n_players, params or {})
    verdict = claim.evaluate(game, p)
    w_star, opt = optimum(game)
    cert: dict[str, Any] = {
        "format": FORMAT, "version": 1,
        "claim": {"name": claim.name, "description": claim.description, "parameters": json_parameters(p)},
        "holds": verdict.holds,
        "game": game_payload(game),
        "nfg": write_nfg(game),
        "pure_equilibria": [list(e) for e in pure_nash_solve(game).equilibria],
        "optimum": {"welfare": fmt(w_star), "profiles": [list(x) for x in opt]},
        "witness": verdict.witness,
    }
    if claim.file is not None:
        cert["claim"]["file"] = claim.file
    cert["margin"] = None if verdict.holds is not False else counterexample_margin(
        claim.name, game.table, p, file=claim.file)
    sel = p.get("selection", "pessimistic")
    base = no_contract_outcome(game, sel, mixed=False)
    cert["no_contract"] = None if base.profile is None or base.payoffs is None else {
        "profile": list(base.profile), "payoffs": [fmt(v) for v in base.payoffs], "welfare": fmt(base.welfare)}
    if claim.name in BUILTIN_CLAIMS and claim.name != "spe-optimal" and claim.file is None:
        rules = Rules(timing=p["timing"], selection=sel, sharing=p["sharing"], tie=p["tie"])
        a = partial_contract_analysis(game, p["k"], rules, mixed=False, use_symmetry=False)
        rows: list[dict[str, Any]] = []
        for S in sorted(a.outcomes, key=lambda s: (len(s), s)):
            o = a.outcomes[S]
            if o.profile is None or o.raw_payoffs is None or o.payoffs is None:
                rows.append({"coalition": list(S), "profile": None})
                continue
            rows.append({"coalition": list(S), "profile": list(o.profile),
                         "raw_payoffs": [fmt(v) for v in o.raw_payoffs], "payoffs": [fmt(v) for v in o.payoffs],
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


# ---------------------------------------------------------------------------- loop-based reference
def _profiles(shape: Sequence[int]) -> list[tuple[int, ...]]:
    return list(itertools.product(*(range(m) for m in shape)))


def _is_equilibrium(pay: Pay, shape: Sequence[int], prof: tuple[int, ...], players: Sequence[int]) -> bool:
    for i in players:
        for b in range(shape[i]):
            dev = prof[:i] + (b,) + prof[i + 1:]
            if pay[dev][i] > pay[prof][i]:
                return False
    return True


def _equilibria(pay: Pay, shape: Sequence[int]) -> list[tuple[int, ...]]:
    n = len(shape)
    return [p for p in _profiles(shape) if _is_equilibrium(pay, shape, p, range(n))]


def _no_contract(pay: Pay, shape: Sequence[int], selection: Selection) -> tuple[int, ...] | None:
    eqs = _equilibria(pay, shape)
    if not eqs:
        return None
    sign = 1 if selection == "pessimistic" else -1
    return min(eqs, key=lambda p: (sign * sum(pay[p]), p))


def joint_profile(n: int, S: tuple[int, ...], a_s: tuple[int, ...], outs: list[int], a_o: tuple[int, ...]
                  ) -> tuple[int, ...]:
    """The joint action of ``n`` players in which the coalition ``S`` plays ``a_s`` and the outsiders ``outs``
    play ``a_o`` (in the order given).  O(n).

    Examples
    --------
    >>> joint_profile(3, (0, 2), (1, 1), [1], (0,))
    (1, 0, 1)
    """
    prof = [0] * n
    for i, a in zip(S, a_s):
        prof[i] = a
    for o, a in zip(outs, a_o):
        prof[o] = a
    return tuple(prof)


def _coalition(pay: Pay, shape: Sequence[int], S: tuple[int, ...], timing: Timing, selection: Selection
               ) -> tuple[int, ...] | None:
    """The representative outcome of coalition S (module docstring's tie rule), by loops."""
    n = len(shape)
    outs = [i for i in range(n) if i not in S]
    pess = selection == "pessimistic"

    def U(p: tuple[int, ...]) -> Fraction:
        return sum((pay[p][i] for i in S), Fraction(0))

    def W(p: tuple[int, ...]) -> Fraction:
        return sum(pay[p], Fraction(0))

    def select(cands: list[tuple[int, ...]]) -> tuple[int, ...]:
        # pessimistic: lowest U_S, then lowest W; optimistic: highest, highest; then smallest profile
        if pess:
            return min(cands, key=lambda p: (U(p), W(p), p))
        return min(cands, key=lambda p: (-U(p), -W(p), p))

    bloc_actions = list(itertools.product(*(range(shape[i]) for i in S)))
    if timing == "stackelberg":
        chosen = []
        for a_s in bloc_actions:
            cands = [p for a_o in itertools.product(*(range(shape[o]) for o in outs))
                     if _is_equilibrium(pay, shape, p := joint_profile(n, S, a_s, outs, a_o), outs)]
            if cands:
                chosen.append(select(cands))
        if not chosen:
            return None
        # the bloc maximizes U_S over its commitments; ties by welfare per selection, then smallest profile
        return min(chosen, key=lambda p: (-U(p), W(p) if pess else -W(p), p))
    # nash timing: equilibria of the bloc (payoff U_S, joint action a_S) versus the outsiders
    eqs = [p for p in _profiles(shape) if _is_equilibrium(pay, shape, p, outs)
           and all(U(joint_profile(n, S, a_s, outs, tuple(p[o] for o in outs))) <= U(p) for a_s in bloc_actions)]
    return select(eqs) if eqs else None


def _shared(pay: Pay, prof: tuple[int, ...], S: tuple[int, ...], sharing: Sharing,
            base: tuple[Fraction, ...] | None) -> tuple[Fraction, ...]:
    raw = list(pay[prof])
    bloc = sum((raw[i] for i in S), Fraction(0))
    out = list(raw)
    if sharing == "equal":
        for i in S:
            out[i] = bloc / len(S)
    elif sharing == "lump_sum" and base is not None:
        surplus = bloc - sum((base[i] for i in S), Fraction(0))
        for i in S:
            out[i] = base[i] + surplus / len(S)
    return tuple(out)


def reference_quantities(game_or_payload: Any, params: dict[str, Any], *, coalitions: bool = True,
                         stability: bool = False, max_profiles: int = 4096) -> dict[str, Any]:
    """Every certificate quantity recomputed by plain loops (independent of the search code).

    ``params`` needs ``k``, ``timing``, ``selection``, ``sharing`` and (for stability) ``tie``.
    Returns exact strings in the certificate's layout.  Games with more than ``max_profiles``
    joint actions raise :class:`~contract_theory.errors.SizeLimitError`.

    Examples
    --------
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> q = reference_quantities(prisoners_dilemma(), {"k": 2, "timing": "stackelberg",
    ...                          "selection": "pessimistic", "sharing": "equal"})
    >>> q["pure_equilibria"], q["optimum"]["welfare"], q["coalitions"][0]["welfare"]
    ([[1, 1]], '6', '6')
    """
    g = game_or_payload if isinstance(game_or_payload, dict) else game_payload(game_or_payload)
    shape = tuple(int(m) for m in g["shape"])
    n = len(shape)
    nprof = 1
    for m in shape:
        nprof *= m
    if nprof > max_profiles:
        raise SizeLimitError(f"independent verification is limited to max_profiles={max_profiles} joint actions; "
                             f"this game has {nprof}")
    pay = _payoff_dict(g)
    eqs = _equilibria(pay, shape)
    wel = {p: sum(pay[p], Fraction(0)) for p in pay}
    w_star = max(wel.values())
    out: dict[str, Any] = {
        "pure_equilibria": [list(p) for p in eqs],
        "optimum": {"welfare": fmt(w_star), "profiles": [list(p) for p in sorted(pay) if wel[p] == w_star]},
    }
    sel = params.get("selection", "pessimistic")
    b = _no_contract(pay, shape, sel)
    base = None if b is None else pay[b]
    out["no_contract"] = None if b is None or base is None else {"profile": list(b), "payoffs": [fmt(v) for v in base],
                                                 "welfare": fmt(wel[b])}
    if not coalitions:
        return out
    k = int(params["k"])
    outcomes: dict[tuple[int, ...], tuple[Fraction, ...] | None] = {}
    rows: list[dict[str, Any]] = []
    for size in range(2, k + 1):
        for S in itertools.combinations(range(n), size):
            prof = _coalition(pay, shape, S, params["timing"], sel)
            if prof is None:
                outcomes[S] = None
                rows.append({"coalition": list(S), "profile": None})
                continue
            shared = _shared(pay, prof, S, params["sharing"], base)
            outcomes[S] = shared
            rows.append({"coalition": list(S), "profile": list(prof), "raw_payoffs": [fmt(v) for v in pay[prof]],
                         "payoffs": [fmt(v) for v in shared],
                         "bloc_value": fmt(sum((pay[prof][i] for i in S), Fraction(0))),
                         "welfare": fmt(wel[prof])})
    out["coalitions"] = rows
    if stability:
        out["stability"] = [_stability(S, outcomes, base, n, k, params.get("tie", "inside"))
                            for S in outcomes]
    return out


def _stability(S: tuple[int, ...], outcomes: dict[tuple[int, ...], tuple[Fraction, ...] | None],
               base: tuple[Fraction, ...] | None, n: int, k: int, tie: Tie) -> dict[str, Any]:
    strict_in, strict_out = {"inside": (False, True), "outside": (True, False), "both-weak": (False, False),
                             "both-strict": (True, True)}[tie]
    here = outcomes[S]

    def stays(a: Fraction, b: Fraction, strict: bool) -> bool:
        return a > b if strict else a >= b

    if here is None:
        return {"coalition": list(S), "internal": None, "external": None}
    internal: bool | None = True
    for i in S:
        rest = tuple(m for m in S if m != i)
        after = base if len(rest) < 2 else outcomes[rest]
        if after is None:
            internal = None
            break
        if not stays(here[i], after[i], strict_in):
            internal = False
            break
    external: bool | None = True
    if len(S) < k:
        for j in range(n):
            if j in S:
                continue
            joined = outcomes[tuple(sorted(S + (j,)))]
            if joined is None:
                external = None
                break
            if not stays(here[j], joined[j], strict_out):
                external = False
                break
    return {"coalition": list(S), "internal": internal, "external": external}


def _reference_verdict(name: str, q: dict[str, Any], n: int) -> bool | None:
    """Recompute a built-in claim's verdict from reference quantities (True = the claim holds)."""
    F = Fraction
    base = q["no_contract"]
    rows = [r for r in q["coalitions"] if r["profile"] is not None]
    w_star = F(q["optimum"]["welfare"])
    if name == "optimum-reachable":
        reached = [F(r["welfare"]) for r in rows] + ([F(base["welfare"])] if base else [])
        return any(w == w_star for w in reached)
    if name == "stable-is-best":
        if not rows:
            return None
        best = max(F(r["welfare"]) for r in rows)
        stable = {tuple(s["coalition"]) for s in q["stability"] if s["internal"] and s["external"]}
        return any(tuple(r["coalition"]) in stable and F(r["welfare"]) == best for r in rows)
    if base is None:
        return None
    b = [F(v) for v in base["payoffs"]]
    for r in rows:
        S = r["coalition"]
        if name == "members-gain" and any(F(r["payoffs"][i]) < b[i] for i in S):
            return False
        if name == "outsiders-gain" and any(F(r["raw_payoffs"][o]) < b[o] for o in range(n) if o not in S):
            return False
        if name == "welfare-rises" and F(r["welfare"]) < F(base["welfare"]):
            return False
    return True


# ---------------------------------------------------------------------------- verification
def _payload_mismatches(cert: dict[str, Any], g: dict[str, Any], q: dict[str, Any]) -> list[str]:
    """The .nfg text against the payoff list, and every recorded quantity against its recomputation."""
    problems: list[str] = []
    if "nfg" in cert:
        try:
            from_nfg = parse_nfg(cert["nfg"])
            if game_payload(from_nfg)["payoffs"] != [[fmt(Fraction(v)) for v in row] for row in g["payoffs"]]:
                problems.append("the .nfg text and the payoff list disagree")
        except ValueError as exc:
            problems.append(f"the .nfg text does not parse: {exc}")
    for key, value in q.items():
        if cert.get(key) != value:
            problems.append(f"{key}: certificate has {cert.get(key)!r}, recomputation gives {value!r}")
    return problems


def _spe_mismatches(cert: dict[str, Any], g: dict[str, Any], q: dict[str, Any]) -> list[str] | None:
    """An ``spe-optimal`` certificate's worst SPE outcome: its welfare, and that it is below W*.

    ``None`` when the certificate records no worst SPE profile (nothing further can be checked).
    """
    spe = cert.get("spe") or {}
    try:
        prof = tuple(spe["worst_profile"])
        w = sum(_payoff_dict(g)[prof], Fraction(0))
    except (KeyError, TypeError):
        return None
    problems: list[str] = []
    if fmt(w) != spe.get("worst_welfare"):
        problems.append(f"worst SPE outcome {list(prof)} has welfare {fmt(w)}, certificate says "
                        f"{spe.get('worst_welfare')}")
    if not w < Fraction(q["optimum"]["welfare"]):
        problems.append("the worst SPE outcome is optimal: no counterexample")
    return problems


def _claim_mismatches(cert: dict[str, Any], name: str, params: dict[str, Any],
                      claim: Callable[..., Any] | None) -> list[str]:
    """The claim itself (built-in by name, or the user's predicate) re-evaluated on the certificate's game."""
    if claim is None:
        try:
            claim_obj = get_claim(name, cert["claim"].get("file"))
        except ValueError as exc:
            return [f"cannot re-evaluate claim {name!r}: {exc}"]
        verdict_fn: Callable[..., Any] = lambda game: claim_obj.verdict(game, params).holds
    else:
        verdict_fn = lambda game: claim(game, **params)  # noqa: E731
    if verdict_fn(certificate_game(cert)) is not False:
        return [f"claim {name!r} does not fail on the certificate's game"]
    return []


def certificate_mismatches(cert: dict[str, Any], claim: Callable[..., Any] | None = None) -> list[str]:
    """Everything in ``cert`` that the independent recomputation does not reproduce (empty = verified).

    ``claim`` is needed only for user claims (a predicate ``claim(game, **params) -> bool``);
    when omitted for such a certificate the claim file recorded in it is loaded.
    """
    if cert.get("format") != FORMAT:
        return [f"not a certificate (format {cert.get('format')!r}, expected {FORMAT!r})"]
    try:
        g = cert["game"]
        name = cert["claim"]["name"]
        params = dict(cert["claim"]["parameters"])
        n = len(g["shape"])
        is_coal = name in COALITION_CLAIMS
        q = reference_quantities(g, params, coalitions=is_coal, stability=name == "stable-is-best")
    except (KeyError, TypeError, ValueError) as exc:
        return [f"malformed certificate: {exc}"]
    problems = _payload_mismatches(cert, g, q)
    if is_coal:
        verdict = _reference_verdict(name, q, n)
        if verdict is not False:
            problems.append(f"the recomputed quantities do not refute {name!r} (verdict {verdict})")
        return problems
    if name == "spe-optimal":
        spe_problems = _spe_mismatches(cert, g, q)
        if spe_problems is None:
            return problems + ["spe-optimal certificate lacks the worst SPE profile"]
        problems += spe_problems
    return problems + _claim_mismatches(cert, name, params, claim)


def verify_certificate(cert: dict[str, Any], claim: Callable[..., Any] | None = None) -> bool:
    """``True`` iff the certificate's numbers are reproduced independently and refute the claim.

    Equal sharing hurts player 0 of this game (no contract: (2, 1); the grand coalition splits
    W = 3 into 3/2 each), so ``members-gain`` fails and the certificate verifies; the PD's does
    not (the claim holds there: both get 3 >= 1).

    Examples
    --------
    >>> from contract_theory.search.claims import get_claim
    >>> from contract_theory.games.normal_form import NormalFormGame
    >>> from contract_theory.games.library import prisoners_dilemma
    >>> g = NormalFormGame.from_bimatrix([[2, 1], [0, 0]], [[1, 0], [0, 0]])
    >>> verify_certificate(certificate_for(get_claim("members-gain"), g))
    True
    >>> verify_certificate(certificate_for(get_claim("members-gain"), prisoners_dilemma()))
    False
    """
    return not certificate_mismatches(cert, claim)


# ---------------------------------------------------------------------------- LaTeX
_tex = tex_escape


def _texnum(s: str | None) -> str:
    return tex_number(s, frac="tfrac")


def _profiles_text(g: dict[str, Any], profiles: Any) -> str:
    """Profiles given by action indices (the certificate's JSON) as ``(a0, a1), (a1, a0)`` by label; ``-`` if none."""
    shown = [p for p in profiles or () if p is not None]
    return ", ".join("(" + ", ".join(str(g["actions"][i][a]) for i, a in enumerate(p)) + ")" for p in shown) or "-"


def _members_text(g: dict[str, Any], members: Any) -> str:
    """A coalition given by player indices as ``{P0, P1}``."""
    return "{" + ", ".join(str(g["players"][i]) for i in members or ()) + "}"


def _spe_profile_text(g: dict[str, Any], profile: Any) -> str:
    """The worst SPE's profile: action indices or labels, as ``(C, D)``; ``-`` if none."""
    if profile is None:
        return "-"
    if all(isinstance(a, int) for a in profile):
        return _profiles_text(g, [profile])
    return "(" + ", ".join(str(a) for a in profile) + ")"


def certificate_latex(cert: dict[str, Any]) -> str:
    """A booktabs payoff table of the counterexample and a table of the certificate's numbers.

    Two-player games are drawn as a bimatrix (cells ``u_1, u_2``); larger games as one row per
    joint action with payoffs and welfare.  Pure equilibria carry a dagger, optimal profiles a star.
    """
    g = cert["game"]
    shape = [int(m) for m in g["shape"]]
    n = len(shape)
    eqs = {tuple(p) for p in cert["pure_equilibria"]}
    opt = {tuple(p) for p in cert["optimum"]["profiles"]}
    profiles = _profiles(shape)
    rows_pay = dict(zip(profiles, g["payoffs"]))

    def mark(p: tuple[int, ...]) -> str:
        return ("$^\\dagger$" if p in eqs else "") + ("$^*$" if p in opt else "")

    claim = cert["claim"]
    words = {None: "none", True: "yes", False: "no"}
    params = ", ".join(f"{k}={words[v] if v is None or isinstance(v, bool) else v}"
                       for k, v in claim["parameters"].items())
    out = ["% requires \\usepackage{booktabs}", "\\begin{table}[ht]", "\\centering",
           f"\\caption{{Counterexample to \\texttt{{{_tex(claim['name'])}}} ({_tex(params)}). "
           "$\\dagger$: pure Nash equilibrium; $*$: welfare-optimal.}"]
    if n == 2:
        out += [f"\\begin{{tabular}}{{l{'c' * shape[1]}}}", "\\toprule",
                " & " + " & ".join(_tex(a) for a in g["actions"][1]) + " \\\\", "\\midrule"]
        for r in range(shape[0]):
            cells = []
            for c in range(shape[1]):
                p: tuple[int, ...] = (r, c)
                cells.append(f"{_texnum(rows_pay[p][0])}, {_texnum(rows_pay[p][1])}{mark(p)}")
            out.append(f"{_tex(g['actions'][0][r])} & " + " & ".join(cells) + " \\\\")
    else:
        out += [f"\\begin{{tabular}}{{{'l' * n}{'r' * n}r}}", "\\toprule",
                " & ".join(_tex(p) for p in g["players"]) + " & "
                + " & ".join(f"$u$({_tex(p)})" for p in g["players"]) + " & $W$ \\\\", "\\midrule"]
        for prof in profiles:
            labels = [_tex(g["actions"][i][a]) for i, a in enumerate(prof)]
            w = fmt(sum((Fraction(v) for v in rows_pay[prof]), Fraction(0)))
            out.append(" & ".join(labels) + " & " + " & ".join(_texnum(v) for v in rows_pay[prof])
                       + f" & {_texnum(w)}{mark(prof)} \\\\")
    out += ["\\bottomrule", "\\end{tabular}", "\\end{table}", ""]
    # the certificate's numbers
    base = cert["no_contract"]
    out += ["\\begin{table}[ht]", "\\centering", "\\caption{Certificate: exact quantities the verdict depends on.}",
            "\\begin{tabular}{lll}", "\\toprule", "quantity & outcome & value \\\\", "\\midrule",
            f"optimum $W^*$ & {_tex(_profiles_text(g, cert['optimum']['profiles']))} & {_texnum(cert['optimum']['welfare'])} \\\\"]
    if base is not None:
        out.append(f"no contract & {_tex(_profiles_text(g, [base['profile']]))} & $W = $ {_texnum(base['welfare'])}, "
                   f"$u = ({', '.join(base['payoffs'])})$ \\\\")
    for r in cert.get("coalitions", []):
        if r["profile"] is None:
            out.append(f"$S = $ {_tex(_members_text(g, r['coalition']))} & -- & no pure continuation \\\\")
            continue
        out.append(f"$S = $ {_tex(_members_text(g, r['coalition']))} & {_tex(_profiles_text(g, [r['profile']]))} & $W(S) = $ "
                   f"{_texnum(r['welfare'])}, $u = ({', '.join(r['payoffs'])})$ \\\\")
    if cert.get("spe"):
        out.append(f"worst SPE & {_tex(_spe_profile_text(g, cert['spe'].get('worst_profile')))} & "
                   f"{_texnum(cert['spe'].get('worst_welfare'))} \\\\")
    out += ["\\bottomrule", "\\end{tabular}", "\\end{table}"]
    return "\n".join(out) + "\n"

