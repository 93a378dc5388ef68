"""Solution concepts of ``docs/background/model.md#2-solution-concepts`` on normal-form games.

* :mod:`.results` -- the result objects every ``*_solve`` returns;
* :mod:`.pure` -- pure Nash equilibria;
* :mod:`.vertex_enumeration` -- all extreme equilibria of two-player games (exact);
* :mod:`.support_enumeration` -- mixed equilibria of small N-player games (exact);
* :mod:`.support_systems` -- exact solution of one support system by pair elimination;
* :mod:`.lemke_howson` -- one equilibrium of a 2-player game (exact Lemke-Howson);
* :mod:`.logit_path` -- one equilibrium of an N-player game (logit path, made exact);
* :mod:`.correlated` -- correlated and coarse correlated equilibria (exact LP);
* :mod:`.dominance` -- dominance and iterated elimination;
* :mod:`.compact` -- pure equilibria and the optimum of compact games, by counts;
* :mod:`.aggregative` -- the same for aggregative games, through the aggregate (DP over partial sums);
* :mod:`.welfare` / :mod:`.welfare_ratios` -- welfare, the optimum, prices of anarchy and stability.
"""
