"""Symbolic derivations (sympy) for parametric families, each spot-checked against the numerical solvers.

Each module ``proofs/<name>.py`` is importable without side effects, exposes the closed forms as
functions, a ``derive()`` that re-derives them symbolically, and a ``spot_check()`` that compares
them with :mod:`contract_theory`'s exact solvers on concrete parameters (returning a list of
mismatches, empty when formula and solver agree).  ``proofs/<name>.md`` is the write-up;
``tests/test_proofs.py`` runs every proof and shows that a perturbed formula is caught.
"""

MODULES = ("welfare_invariance", "public_goods", "n_prisoners_dilemma", "cournot", "penalty_bound")
