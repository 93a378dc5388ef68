"""Contracting theory: ``docs/background/model.md#3-contracts`` to ``#6-assumptions``.

* :mod:`.contracts` -- contracts (S, theta), budget balance, the augmented game;
* :mod:`.contract_space` -- contract spaces and their predicates;
* :mod:`.enforcement` -- enforceability by exact LP over transfers;
* :mod:`.coalitions` -- what a K-coalition reaches (the bloc game);
* :mod:`.stability` -- internal and external stability;
* :mod:`.partial_contracts` -- the K-coalition study: W_K, the welfare curve;
* :mod:`.protocol` -- the contracting game's subgame-perfect equilibria;
* :mod:`.assumptions` -- the theorem's assumptions as checks.
"""
