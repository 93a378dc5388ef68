"""Contract modifications when only K < N sign (``docs/background/modifications.md``).

* :mod:`.shared` -- what the modifications share: the selection rule over profiles, the solver
  record and the welfare curve W_k^mod;
* :mod:`.outsider_payments` -- payments to outsiders (strategy-contingent side payments);
* :mod:`.observing_contracts` -- contracts that observe outsiders' actions;
* :mod:`.coalition_structures` -- several contracts at once: coalition structures and their stability;
* :mod:`.recruitment` -- recruitment: dynamically sized contracts;
* :mod:`.design` -- the comparison table: which modification restores optimality.
"""
