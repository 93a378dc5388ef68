"""``contract-theory search CLAIM``: look for the smallest game that breaks a conjecture (issue 5).

Exit status 0 whether or not a counterexample is found (``found`` says which); 2 on bad input
(every flag is checked before any work: positive budgets, 2 <= K <= N, a non-negative seed, ...),
130 on Ctrl-C, 1 when a chunk fails on every retry (chunked mode).

Chunked mode (``--backend``, ``--workers``, ``--scheduler``, ``--checkpoint`` or
``$CONTRACT_THEORY_SCHEDULER``) runs :func:`contract_theory.search.parallel.parallel_search` on
:mod:`contract_theory.util.execution`; without those flags the same search runs in-process: both
evaluate the seed's one stream of games, so they report the same counterexample.  By default the
search keeps looking for a counterexample with margin > 0 (``--allow-ties``: the first failing game).
A Ctrl-C during the search or the shrinking is caught by the search itself, which prints what it
found so far -- the counterexample, tie-resting or not, certified but unshrunk -- then one line on
stderr ("interrupted: searched N games; best so far: ...; resume with: ...") and exits 130.

``--claim-file`` runs trusted code with the user's rights, in a supervised child process under
``--claim-timeout`` seconds per call and ``--claim-memory`` MB (:mod:`contract_theory.search.claim_worker`).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from contract_theory.cli.commands import add_study_options


def add_parser(sub: Any) -> None:
    from contract_theory.search.claims import BUILTIN_CLAIMS

    p = sub.add_parser(
        "search", help="find a (shrunk, certified) counterexample to a claim",
        description="Search small games for a counterexample to a claim about partial contracts, shrink it to a "
                    "minimal game and print it with an exactly re-verified certificate. Built-in claims: "
                    + "; ".join(f"{c.name}: {c.description}" for c in BUILTIN_CLAIMS.values()) + ".")
    p.add_argument("claim", nargs="?", help=f"built-in claim ({', '.join(BUILTIN_CLAIMS)}); omit with --claim-file")
    p.add_argument("--claim-file", help="Python file defining claim(game, **params) -> bool (trusted code, run with "
                                        "your rights in a supervised child process)")
    from contract_theory.search.claim_worker import DEFAULT_CLAIM_MEMORY_MB, DEFAULT_CLAIM_TIMEOUT
    p.add_argument("--claim-timeout", type=float, default=DEFAULT_CLAIM_TIMEOUT, metavar="SECONDS",
                   help="wall-clock limit on importing the claim file and on each claim() call (default %(default)s)")
    p.add_argument("--claim-memory", type=int, default=DEFAULT_CLAIM_MEMORY_MB, metavar="MB",
                   help="address-space limit of the claim file's process, in MB (default %(default)s)")
    p.add_argument("--players", default="2", help="number of players N, or a range MIN..MAX (default 2)")
    p.add_argument("--actions", default="2", help="actions per player, or a range MIN..MAX (default 2)")
    p.add_argument("--payoffs", default="0..3", help="integer payoff range LOW..HIGH (default 0..3)")
    p.add_argument("--denominator", type=int, default=1, help="payoffs are k/DENOMINATOR (default 1)")
    p.add_argument("--budget", type=float, default=30.0, help="search time budget in seconds (default 30)")
    p.add_argument("--shrink-budget", type=float, default=60.0, help="shrinking time budget in seconds")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--max-games", type=int, default=None, help="stop random search after this many games")
    p.add_argument("--exhaustive-limit", type=int, default=20_000,
                   help="enumerate the space exhaustively when it has at most this many games (default 20000)")
    add_claim_arguments(p)
    p.add_argument("--allow-ties", action="store_true",
                   help="report the first counterexample even if it rests on ties (margin 0); by default the search "
                        "keeps looking for one with margin > 0 and reports a tie-resting one only if none was found")
    p.add_argument("--format", choices=("text", "json", "latex", "nfg"), default="text")
    p.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                   help="progress bar on stderr (auto: when stderr is a terminal)")
    p.add_argument("--chunk-size", type=int, default=None,
                   help="games per chunk in chunked mode (default 100; see docs/howto/cluster.md)")
    from contract_theory.util.execution import add_execution_arguments
    add_execution_arguments(p)
    p.set_defaults(run=run)


def add_claim_arguments(p: Any) -> None:
    """The claims' parameters as options (shared by ``search`` and ``prove``)."""
    p.add_argument("--k", type=int, default=None, help="largest coalition size K (default max(2, N-1); "
                                                        "N for spe-optimal)")
    add_study_options(p)
    p.add_argument("--cap", default=None, help="spe-optimal: transfer cap (exact number)")
    p.add_argument("--no-lump-sums", action="store_true", help="spe-optimal: no lump-sum transfers (drop A5)")
    p.add_argument("--refinement", choices=("sequential", "simultaneous", "undominated"), default="sequential",
                   help="spe-optimal: voting refinement")
    p.add_argument("--voting", choices=("unanimous", "majority"), default="unanimous", help="spe-optimal")
    p.add_argument("--default", choices=("pessimistic", "optimistic", "any"), default="pessimistic",
                   help="spe-optimal: disagreement equilibrium")


def claim_params(args: argparse.Namespace, claim: Any) -> dict[str, Any]:
    """The claim's parameters from the options of :func:`add_claim_arguments`."""
    from contract_theory.exact.numbers import parse_number

    out: dict[str, Any] = {"k": args.k}
    if claim.name == "spe-optimal" and claim.file is None:
        out.update(cap=None if args.cap is None else parse_number(args.cap), lump_sums=not args.no_lump_sums,
                   refinement=args.refinement, voting=args.voting, default=args.default)
    else:
        out.update(timing=args.timing, selection=args.selection, sharing=args.sharing, tie=args.tie)
    return out


def _bar(stream: Any) -> Any:
    def show(games: int, elapsed: float, phase: str) -> None:
        width = 24
        pos = int(elapsed * 4) % (2 * width)
        pos = pos if pos < width else 2 * width - pos - 1
        bar = "." * pos + "#" + "." * (width - pos - 1)
        stream.write(f"\r[{bar}] {phase}: {games} games, {elapsed:.1f}s")
        stream.flush()
    return show


def search_options(args: argparse.Namespace) -> Any:
    """The validated :class:`~contract_theory.search.search.SearchOptions` of the flags."""
    from contract_theory.search.parallel import DEFAULT_CHUNK_SIZE
    from contract_theory.search.search import SearchOptions

    return SearchOptions(seed=args.seed, budget_seconds=args.budget, max_games=args.max_games,
                         shrink_seconds=args.shrink_budget, exhaustive_limit=args.exhaustive_limit,
                         allow_ties=args.allow_ties,
                         chunk_size=DEFAULT_CHUNK_SIZE if args.chunk_size is None else args.chunk_size,
                         checkpoint=args.checkpoint)


def _search(args: argparse.Namespace, claim: Any, space: Any, options: Any, progress: Any) -> Any:
    """The in-process search, or the chunked one when an execution flag is given (same answer)."""
    from contract_theory.errors import ParameterError
    from contract_theory.search.search import find_counterexample
    from contract_theory.util.execution import executor_from_args

    executor = executor_from_args(args)
    if executor is None and args.chunk_size is not None:
        raise ParameterError("--chunk-size needs chunked mode: give --backend, --workers, --scheduler or --checkpoint")
    if executor is None:  # in-process: the same stream as chunked mode
        return find_counterexample(claim, space, params=claim_params(args, claim), options=options, progress=progress)
    from contract_theory.search.parallel import parallel_search

    with executor:
        return parallel_search(claim, space, executor=executor, params=claim_params(args, claim), options=options,
                               progress=progress)


def run(args: argparse.Namespace) -> int:
    from contract_theory.errors import ParameterError
    from contract_theory.search.claims import ClaimLimits, get_claim
    from contract_theory.search.spaces import GameSpace, parse_range
    from contract_theory.util.execution import ChunkError

    if (args.claim is None) == (args.claim_file is None):
        raise ParameterError("give either a built-in CLAIM or --claim-file PATH (exactly one)")
    options = search_options(args)
    limits = ClaimLimits(timeout=args.claim_timeout, memory_mb=args.claim_memory)
    lo, hi = parse_range(args.payoffs, "--payoffs")
    space = GameSpace(players=parse_range(args.players, "--players"), actions=parse_range(args.actions, "--actions"),
                      low=lo, high=hi, denominator=args.denominator)
    claim = get_claim(args.claim or "", args.claim_file, limits)
    show = args.progress == "always" or (args.progress == "auto" and sys.stderr.isatty())
    try:
        result = _search(args, claim, space, options, _bar(sys.stderr) if show else None)
    except ChunkError as exc:
        sys.stderr.write(f"contract-theory: {exc}\n")
        return 1
    finally:
        if show:
            sys.stderr.write("\n")
    _emit(args, result, claim)
    if result.interrupted:
        from contract_theory.cli import interrupted, resume_command
        resume = (f"resume with: {resume_command(args)} (the checkpoint keeps the finished chunks)" if args.checkpoint
                  else "this run kept no checkpoint: give --checkpoint PATH to make a search resumable")
        return interrupted(f"searched {result.searched} games; best so far: {_best(result)}", resume)
    return 0


def _best(result: Any) -> str:
    """The counterexample kept after a Ctrl-C, in a few words."""
    if not result.found:
        return "no counterexample"
    g = result.game
    margin = ((result.certificate or {}).get("margin") or {}).get("value")
    how = ("not certified" if result.certificate is None else "resting on ties (margin 0)" if margin == "0"
           else f"margin {margin}" if margin is not None else "certified")
    return f"a counterexample with {g.n_players} players, actions {' x '.join(str(m) for m in g.shape)}, {how} (printed above)"


def _emit(args: argparse.Namespace, result: Any, claim: Any) -> None:
    """Print the result in ``--format``."""
    from contract_theory.errors import ParameterError
    from contract_theory.search.certificates import certificate_latex, verify_certificate

    verified = verify_certificate(result.certificate) if result.certificate is not None else None
    if args.format == "json":
        doc = result.to_json()
        doc["verified"] = verified
        json.dump(doc, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.format == "nfg":
        if result.certificate is None:
            raise ParameterError(f"no counterexample to {claim.name!r} found ({result.searched} games searched); "
                                 "nothing to write as .nfg")
        sys.stdout.write(result.certificate["nfg"])
    elif args.format == "latex":
        if result.certificate is None:
            sys.stdout.write(f"% no counterexample to {claim.name} found ({result.searched} games searched)\n")
        else:
            sys.stdout.write(certificate_latex(result.certificate))
    else:
        print(_text(result, verified))


def _labelled(witness: Any, g: Any) -> Any:
    """The witness with its action-index profiles (spe-optimal's ``worst_profile``) as action labels."""
    if not isinstance(witness, dict):
        return witness
    p = witness.get("worst_profile")
    if isinstance(p, list) and len(p) == len(g.shape) and all(isinstance(a, int) for a in p):
        return {**witness, "worst_profile": g.labels(tuple(p))}
    return witness


def _text(result: Any, verified: bool | None) -> str:
    from contract_theory.report.wording import data_text, params_text

    params = params_text(result.to_json()["parameters"])
    how = "exhaustive" if result.exhaustive else "random"
    lines = [f"claim: {result.claim} ({params})",
             f"searched: {result.searched} games ({how}{', complete' if result.complete else ''}; "
             f"{result.in_domain} in the claim's domain), {result.elapsed:.2f}s, seed {result.seed}"]
    if result.interrupted:
        shrunk = f"after {result.shrink_steps} shrinking steps" if result.shrink_steps else "(not shrunk)"
        lines.append(f"interrupted: showing what was found so far {shrunk}")
    if not result.found:
        lines.append("no counterexample found" + (" (the whole space was checked)" if result.complete else ""))
        return "\n".join(lines)
    from contract_theory.exact.numbers import fmt

    cert = result.certificate
    g = result.game
    shape = " x ".join(str(m) for m in g.shape)
    if cert is None:   # a Ctrl-C while certifying: the game itself is kept
        lines.append(f"COUNTEREXAMPLE (not certified): {g.n_players} players, actions {shape}")
        lines += [f"  ({', '.join(g.labels(prof))}): ({', '.join(fmt(v) for v in g.payoff(prof))})"
                  for prof in g.profiles()]
        return "\n".join(lines + [f"note: {note}" for note in result.notes])
    lines.append(f"COUNTEREXAMPLE: {g.n_players} players, actions {shape} "
                 f"(shrunk in {result.shrink_steps} steps); certificate verified independently: "
                 f"{'yes' if verified else 'NO'}")
    for prof, row in zip(g.profiles(), cert["game"]["payoffs"]):
        lines.append(f"  ({', '.join(g.labels(prof))}): ({', '.join(row)})")

    def shown(profiles: Any) -> str:
        return ", ".join("(" + ", ".join(g.labels(tuple(p))) + ")" for p in profiles) or "none"
    lines.append(f"pure equilibria: {shown(cert['pure_equilibria'])}")
    lines.append(f"optimum W* = {cert['optimum']['welfare']} at {shown(cert['optimum']['profiles'])}")
    base = cert["no_contract"]
    if base is not None:
        lines.append(f"no contract: {shown([base['profile']])} payoffs ({', '.join(base['payoffs'])}), "
                     f"W = {base['welfare']}")
    for r in cert.get("coalitions", []):
        who = "{" + ", ".join(g.players[i] for i in r["coalition"]) + "}"
        if r["profile"] is None:
            lines.append(f"coalition {who}: no pure continuation")
        else:
            lines.append(f"coalition {who}: {shown([r['profile']])} payoffs ({', '.join(r['payoffs'])}), "
                         f"W = {r['welfare']}")
    if cert.get("witness"):
        lines.append(f"witness: {data_text(_labelled(cert['witness'], g), g.players)}")
    m = cert.get("margin") or {}
    if m.get("value") is not None:
        lines.append(f"margin: {m['value']}" + (" (rests on ties: " + "; ".join(m["ties"]) + ")" if m["value"] == "0"
                                                 else " (every game this close in max norm is a counterexample too)"))
    for note in result.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)
