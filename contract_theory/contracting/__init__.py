"""Contracting theory: ``docs/background/model.md#3-contracts`` to ``#6-assumptions``.

* :mod:`.contracts` -- contracts (S, theta), the one contract interface and budget-balance check;
* :mod:`.contract_space` -- contract spaces and their predicates;
* :mod:`.enforcement` -- enforceability by exact LP over transfers;
* :mod:`.bloc` -- the coalition study of any game kind (bloc, continuations, tie rule, symmetry);
* :mod:`.coalitions` -- what a K-coalition reaches in a normal-form game (its bloc adapter);
* :mod:`.stability` -- internal and external stability;
* :mod:`.partial_contracts` -- the K-coalition study: W_K, the welfare curve;
* :mod:`.protocol` -- the contracting game's subgame-perfect equilibria (one core for every game kind);
* :mod:`.assumptions` -- the theorem's assumptions as checks.
"""
