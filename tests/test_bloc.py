"""Tests of :mod:`contract_theory.contracting.coalitions.bloc`, the coalition engine, on a scripted adapter.

:class:`Scripted` is a :class:`~contract_theory.contracting.coalitions.bloc.PlayerBloc` whose
continuation functions return hand-written candidates, so every step of the engine -- timing
dispatch, the tie rule, sharing, acceptance, gains, the missing-baseline note, ``ties``, ``notes``
and ``complete``, the symmetric transport -- is checked against values computed by hand here.  The
real adapters are tested in ``test_coalitions.py`` (normal form), ``test_markov_coalitions.py`` and
``test_compact.py``.
"""

from fractions import Fraction as F

import pytest

from contract_theory import Budgets, Rules
from contract_theory.contracting.coalitions.bloc import (
    Candidate,
    CoalitionOutcome,
    Continuations,
    Outcome,
    PlayerBloc,
    Slot,
    check_coalition,
    check_coalition_sizes,
    player_slots,
    rank_candidates,
    share,
    share_slots,
    shared_payoffs,
    solve_all_coalitions,
    solve_coalition,
    transport,
)
from contract_theory.errors import ParameterError, SizeLimitError

NOTE = "no baseline here"


class Players:
    """A game with ``n`` players named P0, P1, ... (what the engine reads of a game)."""

    def __init__(self, n):
        self.n_players = n

    def player_index(self, p):
        return int(p[1:]) if isinstance(p, str) else int(p)


class Scripted(PlayerBloc):
    """Continuations from a script: ``stack[S]`` and ``nash[S]`` are (candidates, notes, complete);
    a profile's payoffs are ``pay[profile]``; mixed outcomes are strings."""

    missing_baseline_note = NOTE
    continuation_kind = "scripted continuations"

    def __init__(self, n, stack, nash=None, pay=None, base=(F(1),) * 3, symmetric=False):
        self.game = Players(n)
        self.stack, self.nash, self.pay = stack, nash or {}, pay or {}
        self.base, self.symmetric, self.sized = base, symmetric, []
        self.asked: list = []  # (what, selection or flag) the engine passed
        self.built: list = []  # the outcome each build received

    def optimum(self):
        return F(0), (), ()

    def no_contract(self, selection):
        self.asked.append(("no_contract", selection))
        return Outcome((0,) * self.game.n_players, self.base, None if self.base is None else sum(self.base))

    def coalitions(self, min_size, k, rules, symmetric):
        self.asked.append(("coalitions", symmetric))
        return super().coalitions(min_size, k, rules, symmetric)

    def build(self, key, rules, found, evaluated, shared):
        self.built.append(found.outcome)
        return super().build(key, rules, found, evaluated, shared)

    def is_symmetric(self):
        return self.symmetric

    def check_size(self, members):
        self.sized.append(members)

    def outsiders_equilibria(self, members, selection):
        self.asked.append(("stackelberg", selection))
        return Continuations(*self.stack[members])

    def bloc_equilibria(self, members, selection):
        self.asked.append(("nash", selection))
        return Continuations(*self.nash[members])

    def payoffs_of(self, outcome):
        return self.pay[outcome], {"profile": None, "strategies": outcome} if self.is_mixed(outcome) else {
            "profile": outcome}

    def is_mixed(self, outcome):
        return isinstance(outcome, str)


def C(b, w, outcome, mixed=False):
    return Candidate(F(b), F(w), outcome, mixed)


# ---------------------------------------------------------------------------- the tie rule
def test_rank_candidates_bloc_first_then_welfare_by_selection_then_smallest():
    cands = [C(2, 5, (1, 0)), C(2, 3, (0, 1)), C(2, 3, (0, 0)), C(1, 9, (1, 1)), C(2, 3, "mix", mixed=True)]
    assert rank_candidates(cands, "pessimistic") == [(0, 0), (0, 1), "mix"]
    assert rank_candidates(cands, "optimistic") == [(1, 0)]
    assert rank_candidates(cands, "pessimistic", order=lambda p: tuple(-x for x in p)) == [(0, 1), (0, 0), "mix"]
    assert rank_candidates([], "pessimistic") == []
    assert rank_candidates([C(0, 0, "b", True), C(0, 0, "a", True)], "optimistic") == ["b", "a"]  # adapter order


def test_transport_is_order_preserving():
    assert transport((1, 1, 0), (0, 1), (0, 2), 3) == (1, 0, 1)
    assert transport(("a", "b", "c", "d"), (0, 1), (1, 3), 4) == ("c", "a", "d", "b")


# ---------------------------------------------------------------------------- sharing, acceptance, gains
def test_sharing_rules_by_hand():
    raw, base = (F(0), F(6), F(3)), (F(1), F(1), F(4))
    eq = share(raw, [0, 1], "equal", base)      # U_S = 6: 3 each; gains (6 - 2, 3 - 4, 9 - 6)
    assert (eq.payoffs, eq.bloc_value, eq.welfare, eq.members_accept, eq.gains) == (
        (3, 3, 3), 6, 9, True, (4, -1, 3))
    lump = share(raw, [0, 1], "lump_sum", base)  # surplus 6 - 2 = 4: baseline + 2 each
    assert (lump.payoffs, lump.members_accept, lump.gains) == ((3, 3, 3), True, (4, -1, 3))
    none = share(raw, [0, 1], "none", base)      # member 0 keeps 0 < 1: rejects
    assert (none.payoffs, none.members_accept, none.gains) == (raw, False, (4, -1, 3))
    poor = share((F(0), F(1), F(3)), [0, 1], "lump_sum", (F(1), F(1), F(4)))  # U_S = 1 < 2: rejects
    assert (poor.payoffs, poor.members_accept) == ((F(1, 2), F(1, 2), 3), False)  # 1 + (1 - 2)/2 each
    undefined = share(raw, [0, 1], "lump_sum", None)  # no baseline: raw payoffs, no acceptance, no gains
    assert (undefined.payoffs, undefined.members_accept, undefined.gains) == (raw, None, None)
    assert (undefined.bloc_value, undefined.welfare) == (6, 9)
    # exactly at the no-contract payoffs, members accept (weak inequalities)
    assert share((F(1), F(1), F(0)), [0, 1], "none", (F(1), F(1), F(0))).members_accept is True
    assert share((F(0), F(2), F(0)), [0, 1], "lump_sum", (F(1), F(1), F(0))).members_accept is True
    assert share((F(0), F(2), F(0)), [0, 1], "equal", (F(1), F(1), F(0))).members_accept is True


def test_slots_share_runs_of_equal_players():
    slots = [Slot(F(0), F(1), True, 2), Slot(F(6), F(1), True), Slot(F(3), F(4), False, 3)]
    assert shared_payoffs(slots, "equal") == ((2, 2, 3), 6, 15, 3)
    assert shared_payoffs(slots, "lump_sum")[0] == (2, 2, 3)  # surplus (6 - 3)/3 = 1 on top of 1
    assert shared_payoffs(slots, "none")[0] == (0, 6, 3)
    s = share_slots(slots, "equal")
    assert (s.members_accept, s.gains) == (True, (3, -3, 0))
    assert share_slots(slots, "none").members_accept is False
    assert share_slots([Slot(F(1), None, True, 2)], "lump_sum").gains is None
    # two outsider slots: their gains add up, (3 - 4) * 3 + (5 - 1) * 1 = 1; members (2 - 1) * 3 = 3 under
    # equal sharing (U_S = 6 over 3); social 6 + 9 + 5 - (3 + 12 + 1) = 4
    two = share_slots(slots + [Slot(F(5), F(1), False)], "equal")
    assert (two.payoffs, two.gains) == ((2, 2, 3, 5), (3, 1, 4))
    assert player_slots([1, 2, 3], [2, 0], [0, 0, 5])[2] == Slot(F(3), F(5), True, 1, 2)


# ---------------------------------------------------------------------------- one coalition
PAY = {(0, 0, 0): (F(2), F(2), F(2)), (1, 1, 0): (F(4), F(0), F(1)), (0, 1, 1): (F(1), F(3), F(1)),
       "mix": (F(1), F(1), F(1))}


def test_timing_chooses_the_continuation_function_and_the_outcome_is_shared():
    bloc = Scripted(3, {(0, 1): ([C(4, 5, (1, 1, 0)), C(4, 7, (0, 0, 0))], ["stack note"], True)},
                    {(0, 1): ([C(4, 7, (0, 0, 0))], [], True)}, PAY)
    s = solve_coalition(bloc, ["P1", 0], Rules())                      # pessimistic: W = 5 first
    assert (s.coalition, s.profile, s.raw_payoffs, s.payoffs, s.bloc_value, s.welfare) == (
        (0, 1), (1, 1, 0), (4, 0, 1), (2, 2, 1), 4, 5)
    assert (s.members_accept, s.gains, s.ties, s.notes, s.complete) == (True, (2, 0, 2), ((1, 1, 0),),
                                                                         ("stack note",), True)
    o = solve_coalition(bloc, [0, 1], Rules(selection="optimistic"))    # W = 7 first
    assert (o.profile, o.welfare, o.ties) == ((0, 0, 0), 6, ((0, 0, 0),))
    assert (s.timing, s.selection, s.sharing, o.selection) == ("stackelberg", "pessimistic", "equal", "optimistic")
    n = solve_coalition(bloc, [0, 1], Rules(timing="nash", sharing="none"))
    assert (n.profile, n.payoffs, n.timing, n.sharing, n.notes) == ((0, 0, 0), (2, 2, 2), "nash", "none", ())
    assert bloc.sized == [(0, 1)] * 3 and bloc.built == [(1, 1, 0), (0, 0, 0), (0, 0, 0)]
    assert bloc.asked == [("no_contract", "pessimistic"), ("stackelberg", "pessimistic"),
                          ("no_contract", "optimistic"), ("stackelberg", "optimistic"),
                          ("no_contract", "pessimistic"), ("nash", "pessimistic")]


class Reversed(Scripted):
    """The last step of the tie rule in the adapter's order: here the largest profile first."""

    def outcome_order(self, outcome):
        return tuple(-a for a in outcome)


def test_the_adapters_order_decides_between_tied_pure_outcomes():
    script = {(0, 1): ([C(4, 5, (0, 0, 0)), C(4, 5, (1, 1, 0))], [], True)}
    assert solve_coalition(Scripted(3, script, pay=PAY), [0, 1]).profile == (0, 0, 0)
    o = solve_coalition(Reversed(3, script, pay=PAY), [0, 1])
    assert (o.profile, o.ties) == ((1, 1, 0), ((1, 1, 0), (0, 0, 0)))


def test_ties_keep_pure_outcomes_and_completeness_is_the_continuations():
    bloc = Scripted(3, {(1, 2): ([C(4, 5, "mix", True), C(4, 5, (0, 1, 1)), C(4, 5, (0, 0, 0))],
                                 ["one branch excluded"], False)}, pay=PAY)
    o = solve_coalition(bloc, [1, 2])
    assert (o.profile, o.ties, o.complete, o.notes) == ((0, 0, 0), ((0, 0, 0), (0, 1, 1)), False,
                                                       ("one branch excluded",))
    mixed = solve_coalition(Scripted(3, {(1, 2): ([C(4, 5, "mix", True)], [], True)}, pay=PAY), [1, 2])
    assert (mixed.profile, mixed.strategies, mixed.ties, mixed.raw_payoffs) == (None, "mix", (), (1, 1, 1))


def test_no_continuation_gives_an_empty_incomplete_outcome():
    o = solve_coalition(Scripted(3, {(0, 2): ([], ["nothing left"], True)}), [0, 2])
    assert o == CoalitionOutcome((0, 2), "stackelberg", "pessimistic", "equal", None, None, None, None, None, None,
                                 None, (), False, ("nothing left",))
    assert o.outsiders == ()


def test_the_missing_baseline_note_goes_exactly_to_outcomes_without_a_baseline():
    script = {(0, 1): ([C(4, 5, (1, 1, 0))], ["from the continuations"], True)}
    bare = Scripted(3, script, pay=PAY, base=None)
    without = solve_coalition(bare, [0, 1], Rules(sharing="lump_sum"))
    assert (without.notes, without.members_accept, without.gains) == (("from the continuations", NOTE), None, None)
    assert bare.built == [(1, 1, 0)] and without.profile == (1, 1, 0)  # the note is added, the outcome kept
    assert without.payoffs == (4, 0, 1)  # lump-sum without baselines: the raw payoffs
    with_base = solve_coalition(Scripted(3, script, pay=PAY), [0, 1], Rules(sharing="lump_sum"))
    assert with_base.notes == ("from the continuations",) and with_base.members_accept is True
    given = solve_coalition(Scripted(3, script, pay=PAY, base=None), [0, 1],
                            baseline=Outcome(None, (F(0), F(0), F(0)), F(0)))
    assert given.notes == ("from the continuations",) and given.gains == (4, 1, 5)


def test_coalitions_are_validated():
    g = Players(3)
    assert check_coalition(g, ["P2", 0]) == (0, 2)
    with pytest.raises(ParameterError, match="names a player twice"):
        check_coalition(g, [1, "P1"])
    with pytest.raises(ParameterError, match=r"1 member\(s\); a contract needs at least 2 signatories \(\|S\| = 1 means no"):
        check_coalition(g, [1])
    assert check_coalition_sizes(5, 2, 3, 20) == 20
    with pytest.raises(SizeLimitError, match="20 coalitions exceed max_coalitions=19"):
        check_coalition_sizes(5, 2, 3, 19)
    with pytest.raises(ParameterError, match="2 <= min_size <= k <= n=5; got min_size=1, k=3"):
        check_coalition_sizes(5, 1, 3, 100)
    with pytest.raises(ParameterError, match="got min_size=3, k=6"):
        check_coalition_sizes(5, 3, 6, 100)


# ---------------------------------------------------------------------------- every coalition
def test_every_coalition_is_solved_once_without_symmetry():
    script = {S: ([C(len(S), 1, (0, 0, 0))], [], True) for S in ((0, 1), (0, 2), (1, 2), (0, 1, 2))}
    bloc = Scripted(3, script, pay=PAY)
    out = solve_all_coalitions(bloc, 3, use_symmetry=False)
    assert list(out) == [(0, 1), (0, 2), (1, 2), (0, 1, 2)] and bloc.sized == list(out)
    bloc.sized, bloc.asked = [], []
    assert list(solve_all_coalitions(bloc, 3)) == list(out) and bloc.sized == list(out)  # not symmetric: direct
    assert bloc.asked[:2] == [("coalitions", False), ("no_contract", "pessimistic")]
    sym = Scripted(3, script, pay=PAY, symmetric=True)
    solve_all_coalitions(sym, 3, Rules(selection="optimistic"))
    assert sym.asked[:2] == [("coalitions", True), ("no_contract", "optimistic")] and sym.sized == [(0, 1), (0, 1, 2)]
    assert list(solve_all_coalitions(bloc, 3, min_size=3)) == [(0, 1, 2)]
    with pytest.raises(SizeLimitError, match="4 coalitions exceed max_coalitions=3"):
        solve_all_coalitions(bloc, 3, Rules(budgets=Budgets(max_coalitions=3)))


def test_symmetric_games_transport_the_smallest_tie():
    """Canonical (0, 1) ties (0, 1, 1) and (1, 0, 0).  Transported to (1, 2) they become (1, 0, 1) and
    (0, 1, 0): the representative is (0, 1, 0), what a direct solve picks, not the image (1, 0, 1) of
    the canonical representative."""
    pay = {p: (F(1), F(1), F(1)) for p in ((0, 1, 1), (1, 0, 0), (1, 0, 1), (0, 1, 0), (1, 1, 0))}
    script = {(0, 1): ([C(2, 3, (1, 0, 0)), C(2, 3, (0, 1, 1))], ["canonical note"], True)}
    bloc = Scripted(3, script, pay=pay, symmetric=True)
    out = solve_all_coalitions(bloc, 2)
    assert bloc.sized == [(0, 1)]
    assert out[(0, 1)].profile == (0, 1, 1) and out[(0, 1)].notes == ("canonical note",)
    assert (out[(0, 2)].profile, out[(0, 2)].ties) == ((0, 1, 1), ((0, 1, 1), (1, 0, 0)))
    assert (out[(1, 2)].profile, out[(1, 2)].ties) == ((0, 1, 0), ((0, 1, 0), (1, 0, 1)))
    assert out[(1, 2)].notes == ("canonical note", "symmetric game: outcome transported from coalition [0, 1]")
    assert out[(1, 2)].coalition == (1, 2) and out[(1, 2)].complete


def test_symmetric_transport_keeps_one_missing_baseline_note_and_empty_outcomes():
    script = {(0, 1): ([C(2, 3, (1, 1, 0))], [], False)}
    pay = {p: (F(1), F(1), F(1)) for p in ((1, 1, 0), (1, 0, 1), (0, 1, 1))}
    out = solve_all_coalitions(Scripted(3, script, pay=pay, base=None, symmetric=True), 2)
    assert out[(0, 2)].notes == ("symmetric game: outcome transported from coalition [0, 1]", NOTE)
    assert out[(0, 2)].complete is False and out[(0, 1)].notes == (NOTE,)
    empty = solve_all_coalitions(Scripted(3, {(0, 1): ([], ["none"], True)}, symmetric=True), 2)
    assert [(S, o.coalition, o.profile, o.complete, o.notes) for S, o in empty.items()] == [
        (S, S, None, False, ("none",)) for S in ((0, 1), (0, 2), (1, 2))]


def test_mixed_canonical_outcomes_are_transported_as_strategies():
    bloc = Scripted(3, {(0, 1): ([C(2, 3, ("a", "b", "c"), True)], [], True)}, symmetric=True)
    bloc.pay = {("a", "b", "c"): (F(1),) * 3, ("a", "c", "b"): (F(1),) * 3, ("c", "a", "b"): (F(1),) * 3}
    bloc.is_mixed = lambda o: isinstance(o, tuple) and isinstance(o[0], str)
    out = solve_all_coalitions(bloc, 2)
    assert [o.strategies for o in out.values()] == [("a", "b", "c"), ("a", "c", "b"), ("c", "a", "b")]


def test_player_adapters_stability_inputs():
    bloc = Scripted(3, {})
    outcomes = {(0, 1): CoalitionOutcome((0, 1), "stackelberg", "pessimistic", "equal", (0, 0, 0), None,
                                         (F(5), F(6), F(7)), None, None, None, None)}
    value = bloc.stability_value(outcomes, Outcome(None, (F(1), F(2), F(3)), F(6)))
    assert (value((0, 1), 2), value((1,), 0), value((), 2)) == (7, 1, 3)
    assert bloc.stability_value({}, Outcome(None, None, None))((0,), 0) is None
    assert bloc.movers((0, 2), outcomes, None) == ([0, 2], [1])
    assert (bloc.size((0, 2)), bloc.players((0, 2)), bloc.outcome_order((1, 0))) == (2, (0, 2), (1, 0))
    assert bloc.coalitions(2, 3, Rules(), False) == [(0, 1), (0, 2), (1, 2), (0, 1, 2)]
    with pytest.raises(NotImplementedError, match="^an adapter provides payoffs_of$"):
        PlayerBloc().payoffs_of((0,))
