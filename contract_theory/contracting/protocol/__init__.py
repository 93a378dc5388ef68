"""The contracting protocol and the theorem (``docs/background/model.md#5-the-contracting-protocol``, ``#6-assumptions``).

* :mod:`.spe` -- the contracting game's subgame-perfect equilibria (one core for every game kind),
  the theorem's rich contract space and the theorem check (remembered per game, K, rules, space);
* :mod:`.assumptions` -- the full-contract theorem's assumptions A1-A12, B1-B4 as checks;
* :mod:`.compact_checks` -- what compact games decide by counts: their assumption checks and the SPE.
"""
