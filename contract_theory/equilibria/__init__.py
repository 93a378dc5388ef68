"""Solution concepts of ``docs/background/model.md#2-solution-concepts`` on normal-form games.

* :mod:`.results` -- the result objects every ``*_solve`` returns;
* :mod:`.pure` -- pure Nash equilibria;
* :mod:`.vertex_enumeration` -- all extreme equilibria of two-player games (exact);
* :mod:`.support_enumeration` -- mixed equilibria of small N-player games (exact);
* :mod:`.correlated` -- correlated and coarse correlated equilibria (exact LP);
* :mod:`.dominance` -- dominance and iterated elimination;
* :mod:`.welfare` / :mod:`.welfare_ratios` -- welfare, the optimum, prices of anarchy and stability.
"""
