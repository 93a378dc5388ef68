"""Contracting theory: ``docs/background/model.md#3-contracts`` to ``#6-assumptions``, and the modifications.

Four sub-packages, one concept each; dependencies run one way (``lint-imports`` checks it):
``modifications`` -> ``protocol`` -> ``coalitions`` and ``contracts`` (these two are independent).

* :mod:`.contracts` -- a contract (S, theta), contract spaces and enforceability;
* :mod:`.coalitions` -- what a K-coalition reaches (the bloc engine and its normal-form and compact
  adapters), stability, the K-coalition study and the :class:`~.coalitions.rules.Rules` of a study;
* :mod:`.protocol` -- the contracting game's subgame-perfect equilibria, the theorem check and the
  theorem's assumptions as checks;
* :mod:`.modifications` -- the contract modifications when only K < N sign (payments to outsiders,
  contracts observing outsiders, several contracts, recruitment), the treaty repairs (minimum
  participation, sanctions on outsiders, stabilizing transfers) and their comparison.
"""
