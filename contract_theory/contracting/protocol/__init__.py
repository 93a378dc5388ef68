"""The contracting protocol and the theorem (``docs/background/model.md#5-the-contracting-protocol``, ``#6-assumptions``).

* :mod:`.spe` -- the contracting game's subgame-perfect equilibria (one core for every game kind),
  the theorem's rich contract space and the theorem check;
* :mod:`.assumptions` -- the full-contract theorem's assumptions A1-A12, B1-B4 as checks;
* :mod:`.compact_checks` -- the assumptions and the theorem check on compact games, by composition.
"""
