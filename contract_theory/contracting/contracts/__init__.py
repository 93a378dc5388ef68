"""Contracts (``docs/background/model.md#3-contracts``): what a contract is and what it can enforce.

* :mod:`.contract` -- contracts (S, theta), the one contract interface and the budget-balance check;
* :mod:`.contract_space` -- contract spaces Theta and the predicates the theorems use;
* :mod:`.enforcement` -- enforceability of a target profile by exact LP over transfers, and the
  smallest penalty that does it.
"""
