"""One contract interface and one transfer validator for normal-form, Markov and learning contracts.

The vectorized validator :func:`transfer_violation` is cross-checked against a plain loop over
every outcome written from the definition (docs/background/model.md#contracts): theta_o = 0 for
outsiders, sum_{i in S} theta_i = 0, and (observes="members") theta unchanged when outsiders
switch to their first action; the three contract types must accept exactly the same transfers.
"""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory.contracting.coalitions.bloc import Candidate, rank_candidates
from contract_theory.contracting.coalitions.normal_form import NormalFormBloc
from contract_theory.contracting.contracts.contract import Contract, ContractLike, transfer_violation
from contract_theory.contracting.protocol.spe import NormalFormProtocol, ProtocolGame
from contract_theory.errors import ContractError
from contract_theory.games.library import prisoners_dilemma, public_goods
from contract_theory.games.markov_library import random_markov_game, repeated_prisoners_dilemma
from contract_theory.learning.contracted import as_transfers, penalty_contract
from contract_theory.markov.coalitions import MarkovBloc
from contract_theory.markov.contracts import MarkovContract, deviation_penalty
from contract_theory.markov.protocol import MarkovProtocol


def naive_violation(theta: np.ndarray, S: tuple[int, ...], observes: str) -> tuple[str, tuple[int, ...]] | None:
    """First violation by a loop over outcomes in lexicographic order (one rule after the other)."""
    n = theta.shape[-1]
    outs = [o for o in range(n) if o not in S]
    cells = list(itertools.product(*(range(m) for m in theta.shape[:-1])))
    for a in cells:
        if any(theta[a + (o,)] != 0 for o in outs):
            return "non-signatory", a
    for a in cells:
        if sum(theta[a + (i,)] for i in S) != 0:
            return "budget", a
    if observes == "members":
        for a in cells:
            base = tuple(0 if k in outs else x for k, x in enumerate(a))
            if any(theta[a + (i,)] != theta[base + (i,)] for i in range(n)):
                return "observes", a
    return None


@given(st.integers(2, 3), st.data())
def test_validator_matches_the_definition(n, data):
    shape = tuple(data.draw(st.integers(1, 2)) for _ in range(n))
    S = tuple(sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n))))
    raw = np.array(data.draw(st.lists(st.integers(-1, 1), min_size=int(np.prod(shape)) * n,
                                      max_size=int(np.prod(shape)) * n)), dtype=object).reshape(shape + (n,))
    if data.draw(st.booleans()):            # often balanced among the members, so later rules are reached
        raw[..., [o for o in range(n) if o not in S]] = 0
        raw[..., S[-1]] = -raw[..., list(S[:-1])].sum(axis=-1) if len(S) > 1 else 0
    observes = data.draw(st.sampled_from(["members", "all"]))
    got = transfer_violation(raw, S, observes=observes)
    want = naive_violation(raw, S, observes)
    assert (None if got is None else (got.kind, got.where)) == want


def test_the_three_contract_types_share_the_interface_and_the_verdicts():
    pd = prisoners_dilemma()
    c = Contract(pd, [0, 1], [[[0, 0], [3, -3]], [[-3, 3], [0, 0]]])   # the defector pays 3 to the other
    m = deviation_penalty(repeated_prisoners_dilemma(), [0, 1], [["C"], ["C"]], 3)
    t = penalty_contract(pd, [0, 1], (0, 0), 3)
    for x in (c, m, t):
        assert isinstance(x, ContractLike)
        assert x.signatories == (0, 1) and x.observes == "members"
    # the same transfers, seen by the three types: equal augmented payoffs at (D, C): T - 3, S + 3
    assert c.augmented_game().payoff((1, 0)) == t.augmented_game().payoff((1, 0)) == (F(2), F(3))
    assert m.augmented_game().reward("play", (1, 0)) == (F(2), F(3))
    # one unbalanced array: each type rejects it at the same outcome (D, C)
    bad = np.zeros((2, 2, 2), dtype=object)
    bad[1, 0] = [F(1, 2), 0]
    with pytest.raises(ContractError, match=r"\('D', 'C'\)"):
        Contract(pd, [0, 1], bad, observes="all")
    with pytest.raises(ContractError, match=r"\(D, C\)"):
        as_transfers(pd, bad, signatories=[0, 1])
    with pytest.raises(ContractError, match=r"state 'play', joint action \('D', 'C'\)"):
        MarkovContract(repeated_prisoners_dilemma(), [0, 1], bad[None])


def test_adapters_provide_the_shared_interfaces():
    g = public_goods(3, 2, 1)
    mg = random_markov_game(3, 1, 2, seed=1)
    for bloc in (NormalFormBloc(g), MarkovBloc(mg)):
        for name in ("outsiders_equilibria", "bloc_equilibria", "evaluate", "no_contract", "optimum",
                     "is_symmetric", "check_size", "is_mixed"):
            assert callable(getattr(bloc, name))
    # public goods (r = 2 < n = 3): giving returns 2/3 < 1, so nobody gives and each keeps e = 1;
    # repeated PD at gamma = 1/2: (D, D) forever, V = P/(1 - gamma) = 2 each
    rpd = repeated_prisoners_dilemma(discount="1/2")
    protocols: list[ProtocolGame] = [NormalFormProtocol(g), MarkovProtocol(rpd)]
    assert [p.continuations(p.game) for p in protocols] == [[((0, 0, 0), (F(1), F(1), F(1)))],
                                                            [(((1,), (1,)), (F(2), F(2)))]]


def test_tie_rule_ranks_bloc_value_then_welfare_then_pure_then_smallest():
    c = [Candidate(F(2), F(5), (1, 0)), Candidate(F(2), F(3), ((F(1),), (F(1),)), mixed=True),
         Candidate(F(2), F(3), (0, 1)), Candidate(F(2), F(3), (0, 0)), Candidate(F(1), F(0), (1, 1))]
    assert rank_candidates(c, "pessimistic") == [(0, 0), (0, 1), ((F(1),), (F(1),))]
    assert rank_candidates(c, "optimistic") == [(1, 0)]
    assert rank_candidates([], "optimistic") == []
