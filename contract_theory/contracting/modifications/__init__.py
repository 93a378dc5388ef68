"""Contract modifications when only K < N sign (``docs/background/modifications.md``).

* :mod:`.shared` -- what the modifications share: the selection rule over profiles, the solver
  record and the welfare curve W_k^mod;
* :mod:`.outsider_payments` -- payments to outsiders (strategy-contingent side payments);
* :mod:`.observing_contracts` -- contracts that observe outsiders' actions;
* :mod:`.coalition_structures` -- several contracts at once: coalition structures and their stability;
* :mod:`.structure_classes` -- coalition structures by composition (classes of structures of games
  with exchangeable players);
* :mod:`.recruitment` -- recruitment: dynamically sized contracts;
* :mod:`.membership` -- the membership stage under a treaty's terms (threshold, sanction,
  stabilizing transfers): the coalition table, repaired payoffs, stability, the best stable outcome;
* :mod:`.minimum_participation`, :mod:`.sanctions`, :mod:`.stabilizing_transfers` -- the treaty
  repairs, one each;
* :mod:`.repairs` -- the repairs side by side: the stable view and the cheapest repair reaching W*;
* :mod:`.design` -- the comparison table: which modification restores optimality;
* :mod:`.design_diagnosis` -- why a row of that table stops below W*: the binding reason and its witness.
"""
