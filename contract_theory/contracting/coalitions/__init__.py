"""Partial contracts (``docs/background/model.md#4-partial-contracts``): what a K-coalition achieves.

* :mod:`.rules` -- :class:`~.rules.Rules`, the modelling choices of a study (timing, selection,
  sharing, tie, the protocol's voting rules) and its budgets, as one validated value;
* :mod:`.bloc` -- the one coalition engine for every kind of game: the bloc, its continuations, the
  tie rule, sharing, symmetry (the adapter interface :class:`~.bloc.BlocGame`);
* :mod:`.normal_form` -- the normal-form adapter: what a coalition reaches in a normal-form game;
* :mod:`.compact` -- the compact adapter (anonymous, typed and aggregative games): coalitions by composition;
* :mod:`.aggregative` -- the compact adapter's aggregate engine: continuations through partial sums of the aggregate;
* :mod:`.stability` -- internal and external stability under a tie rule, per player;
* :mod:`.partial_contracts` -- the K-coalition study of any adapter: W_K, the welfare curve, stability.
"""
