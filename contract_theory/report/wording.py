"""Words and numbers for people: the one number formatter, profiles, coalitions and witness sentences.

Every human-readable string of :mod:`contract_theory.report` formats an exact number with
:func:`num` (``32/29``, never ``1.103...``; ``3``, never ``3/1``; ``None`` stays ``None`` for JSON,
:func:`num_text` prints ``-``), a profile with :func:`profile_text` (``(C, D)``), a coalition
with :func:`coalition_text` (``{P0, P1}``: player names, never indices) and an assumption's
failure with :func:`witness_sentence`, a true sentence built from the check's structured
witness and the name registry
(:mod:`contract_theory.contracting.protocol.assumption_names`).  JSON keeps the data beside the
sentence (:func:`jsonable`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, overload

from contract_theory.contracting.protocol.assumption_names import assumption_name
from contract_theory.exact.numbers import fmt

__all__ = ["num", "num_text", "profile_text", "coalition_text", "yes_no", "params_text", "data_text", "jsonable",
           "witness_sentence", "assumption_line"]


@overload
def num(x: None) -> None: ...


@overload
def num(x: int | Fraction | str) -> str: ...


@overload
def num(x: Any) -> str | None: ...


def num(x: Any) -> str | None:
    """The one number formatter of the package's human and JSON output: an exact number as its shortest
    exact string (``32/29``, never ``1.103...``; ``3``, never ``3/1``); ``None`` stays ``None`` (JSON ``null``).

    Complexity: one fraction normalization.

    Examples
    --------
    >>> num(Fraction(64, 58)), num(Fraction(6, 2)), num(None)
    ('32/29', '3', None)
    """
    return None if x is None else fmt(x)


def num_text(x: Any) -> str:
    """:func:`num` for text: ``-`` for ``None``.

    Examples
    --------
    >>> num_text(Fraction(-21, 2)), num_text(None)
    ('-21/2', '-')
    """
    return "-" if x is None else fmt(x)


def profile_text(labels: Sequence[Any] | None) -> str:
    """A profile by its action labels: ``(C, D)``; ``-`` for none.

    Examples
    --------
    >>> profile_text(("C", "D")), profile_text(None)
    ('(C, D)', '-')
    """
    return "-" if labels is None else "(" + ", ".join(str(x) for x in labels) + ")"


def coalition_text(players: Sequence[str], members: Sequence[int] | None) -> str:
    """A coalition by its players' names: ``{P0, P2}``; ``-`` for none.

    Examples
    --------
    >>> coalition_text(["Ann", "Bob", "Cat"], [0, 2]), coalition_text(["Ann"], None)
    ('{Ann, Cat}', '-')
    """
    return "-" if members is None else "{" + ", ".join(str(players[i]) for i in members) + "}"


def yes_no(x: bool | None) -> str:
    """``yes`` / ``no`` / ``-`` (never ``True``, ``False`` or ``None`` in a sentence).

    Examples
    --------
    >>> yes_no(True), yes_no(False), yes_no(None)
    ('yes', 'no', '-')
    """
    return "-" if x is None else ("yes" if x else "no")


def params_text(params: Mapping[str, Any]) -> str:
    """Parameters as ``k=v, ...`` for a sentence: ``None`` as ``none``, booleans as ``yes`` / ``no``.

    Examples
    --------
    >>> params_text({"cap": None, "lump_sums": True, "k": 2})
    'cap=none, lump_sums=yes, k=2'
    """
    def shown(v: Any) -> str:
        if v is None or isinstance(v, bool):
            return "none" if v is None else yes_no(v)
        return fmt(v) if isinstance(v, Fraction) else str(v)
    return ", ".join(f"{k}={shown(v)}" for k, v in params.items())


def data_text(x: Any, players: Sequence[str] = ()) -> str:
    """Structured data (a claim's witness, JSON-like) as words: ``key value; ...``, lists joined by commas,
    a ``coalition`` (player indices) and a ``player`` / ``outsider`` / ``member`` (one index) by the players'
    names, ``None`` as ``-``, booleans as yes / no.  O(size of ``x``).

    Examples
    --------
    >>> data_text({"coalition": [0, 1], "welfare": "0", "no_contract_welfare": "1"}, ["P0", "P1", "P2"])
    'coalition {P0, P1}; welfare 0; no contract welfare 1'
    >>> data_text({"coalition": [0, 2], "player": 2, "payoff": "2"}, ["P0", "P1", "P2"])
    'coalition {P0, P2}; player P2; payoff 2'
    """
    if isinstance(x, Mapping):
        parts = []
        for k, v in x.items():
            key = str(k).replace("_", " ")
            if k in ("coalition", "members", "signatories") and isinstance(v, (list, tuple)) and players and \
                    all(isinstance(i, int) and 0 <= i < len(players) for i in v):
                parts.append(f"{key} {coalition_text(players, v)}")
            elif k in ("player", "outsider", "member") and isinstance(v, int) and not isinstance(v, bool) \
                    and 0 <= v < len(players):
                parts.append(f"{key} {players[v]}")
            else:
                parts.append(f"{key} {data_text(v, players)}")
        return "; ".join(parts)
    if isinstance(x, (list, tuple)):
        return "(" + ", ".join(data_text(v, players) for v in x) + ")"
    if x is None or isinstance(x, bool):
        return "-" if x is None else yes_no(x)
    return fmt(x) if isinstance(x, Fraction) else str(x)


def jsonable(x: Any) -> Any:
    """A witness as JSON data: exact numbers as strings, tuples as lists, keys as strings.

    Examples
    --------
    >>> jsonable({"profile": ("C", "C"), 2: Fraction(1, 2), "n": 3})
    {'profile': ['C', 'C'], '2': '1/2', 'n': 3}
    """
    if isinstance(x, Mapping):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, Fraction):
        return fmt(x)
    return x


def _player(game: Any, i: Any) -> str:
    players = getattr(game, "players", None)
    return str(players[i]) if players is not None and isinstance(i, int) and 0 <= i < len(players) else str(i)


def _type(game: Any, t: Any) -> str:
    names = getattr(game, "type_names", None)
    return str(names[t]) if names is not None and isinstance(t, int) and 0 <= t < len(names) else str(t)


def _counts_text(game: Any, profile: Sequence[Mapping[str, int]]) -> str:
    """A count profile ``[{"20": 4}]`` as ``4 play 20``; with several types, per type."""
    parts = []
    for t, row in enumerate(profile):
        body = ", ".join(f"{c} play {a}" for a, c in row.items())
        parts.append(body if len(profile) == 1 else f"{_type(game, t)}: {body}")
    return "(" + "; ".join(parts) + ")"


def _composition_text(game: Any, comp: Sequence[int] | None) -> str:
    counts = getattr(game, "type_counts", None)
    if comp is None or counts is None:
        return "-"
    if len(comp) == 1:
        return f"{comp[0]} of {counts[0]}"
    return ", ".join(f"{_type(game, t)} {s} of {n}" for t, (s, n) in enumerate(zip(comp, counts)))


def _deviation(game: Any, w: Mapping[str, Any]) -> str:
    """A (dense or compact) deviation witness at an optimum: who gains how much by switching to what."""
    if "type" in w:
        return (f"at the optimal counts {_counts_text(game, w['profile'])}, a player of type {_type(game, w['type'])} "
                f"playing {w['action']} gains {w['gain']} by switching to {w['deviation']}")
    return (f"at the optimal profile {profile_text(w['profile'])}, player {_player(game, w['outsider'])} gains "
            f"{w['gain']} by switching to {w['deviation']}")


def _a4_b1(game: Any, w: Any) -> str | None:
    if isinstance(w, Mapping) and "needed" in w:
        return f"enforcing an optimal profile needs a deviation penalty of {w['needed']}, above the cap {w['cap']}"
    if isinstance(w, Mapping) and "gain" in w and w.get("deviation") is not None:
        return (_deviation(game, w) + "; at every optimal profile more players would deviate than a coalition of at "
                "most K can fine, so some outsider always has a profitable deviation")
    return None


def _a7(game: Any, w: Any) -> str | None:
    if not isinstance(w, Mapping):
        return None
    if "voting" in w:
        return f"under {w['voting']} voting a contract can bind a signatory who voted against it"
    if "composition" in w:
        return (f"at the outcome of the best coalition ({_composition_text(game, w['composition'])} sign), an outsider "
                f"of type {_type(game, w['type'])} loses {w['loss']} against no contract and has no veto")
    players = getattr(game, "players", ())
    return (f"at the outcome of the best coalition {coalition_text(players, w['coalition'])}, outsider "
            f"{_player(game, w['outsider'])} loses {w['loss']} against no contract and has no veto")


def _a10(game: Any, w: Any) -> str | None:
    if w == "no pure equilibrium":
        return "the game has no pure equilibrium to play after a rejection"
    if isinstance(w, Mapping) and isinstance(w.get("equilibria"), list):
        eqs = w["equilibria"]
        spread = [(Fraction(s), i) for i, s in enumerate(w.get("payoff spread", ()))]
        worst = max(spread, default=None)
        shown = " and ".join(profile_text(e) for e in eqs[:2])
        return (f"{len(eqs)} pure equilibria may follow a rejection (e.g. {shown}) and the protocol fixes none"
                + (f"; player {_player(game, worst[1])}'s payoff differs by {fmt(worst[0])} across them"
                   if worst is not None and worst[0] > 0 else ""))
    return None


def _b2(game: Any, w: Any) -> str | None:
    if not isinstance(w, Mapping) or "outsider changes" not in w:
        return None
    players = getattr(game, "players", ())
    losers = [(o, Fraction(d)) for o, d in w["outsider changes"].items() if Fraction(d) < 0]
    who = ", ".join(f"{_player(game, o)} loses {fmt(-d)}" for o, d in losers)
    return f"at the outcome of the best coalition {coalition_text(players, w['coalition'])}, against no contract {who}"


def _sensitivity(w: Any, what: str) -> str | None:
    if not isinstance(w, Mapping):
        return None
    if "this" in w:
        return (f"W_K is {w['this']} under these rules and {w['other']} with {w['timing']} timing and "
                f"{w['selection']} selection")
    (a, wa), (b, wb) = list(w.items())[:2]
    return f"W_K is {wa} under {a} {what} and {wb} under {b} {what}"


def _specific(aid: str, game: Any, w: Any) -> str | None:
    """The sentence of one failing check's witness, or ``None`` when the witness has another shape."""
    if aid == "A2" and isinstance(w, tuple) and len(w) == 3:
        return f"contract {w[0]} does not sum to zero at {profile_text(w[1])}: its transfers sum to {num(w[2])}"
    if aid == "A3" and isinstance(w, Mapping) and "profile" in w:
        return f"enforcing {profile_text(w['profile'])} needs a deviation penalty of {w['needed']}, above the cap {w['cap']}"
    if aid in ("A4", "B1"):
        return _a4_b1(game, w)
    if aid == "A5" and isinstance(w, str):
        return w
    if aid == "A7":
        return _a7(game, w)
    if aid == "A10":
        return _a10(game, w)
    if aid == "A11" and isinstance(w, Mapping):
        return (f"with simultaneous unanimous votes and {w['voters']} voters, everyone rejecting is an equilibrium of "
                "every vote: no single vote is pivotal")
    if aid == "B2":
        return _b2(game, w)
    if aid in ("B3", "B4"):
        return _sensitivity(w, "selection" if aid == "B3" else "timing")
    return None


def witness_sentence(check: Any, game: Any = None) -> str:
    """A failing (or undecided) check's witness as one true sentence, players and actions by name.

    ``check`` is an :class:`~contract_theory.contracting.protocol.assumptions.AssumptionCheck`;
    ``game`` names the players (and, for compact games, the types).  A check that holds or does not
    apply has no witness sentence (``""``); an undecided one, or a witness of a shape not listed,
    reads its explanation.  Complexity: linear in the witness.

    Examples
    --------
    >>> from contract_theory.contracting.protocol.assumptions import check_assumptions
    >>> from contract_theory.games.library import public_goods
    >>> g = public_goods(4, "8/5", 20)
    >>> b1 = [c for c in check_assumptions(g, k=3) if c.id == "B1"][0]
    >>> witness_sentence(b1, g).split(";")[0]
    'at the optimal profile (20, 20, 20, 20), player P0 gains 12 by switching to 0'
    """
    if check.status not in ("fails", "undecided"):
        return ""
    text = None if check.status == "undecided" else _specific(check.id, game, check.witness)
    return text if text is not None else str(check.explanation).rstrip(".")


def assumption_line(check: Any, game: Any = None) -> str:
    """``ID name: status`` and, for a failure, ``: witness sentence`` (the text report's line).

    Examples
    --------
    >>> from contract_theory.contracting.protocol.assumptions import check_assumptions
    >>> from contract_theory.games.library import cournot
    >>> g = cournot(3, 12, 0, [0, 2, 3, 4])
    >>> b4 = [c for c in check_assumptions(g, k=2) if c.id == "B4"][0]
    >>> assumption_line(b4, g)
    'B4 insensitive to timing: fails: W_K is 27 under stackelberg timing and 32 under nash timing'
    """
    head = f"{check.id} {assumption_name(check.id)}: {check.status}"
    sentence = witness_sentence(check, game)
    return head + (f": {sentence}" if sentence else "")
