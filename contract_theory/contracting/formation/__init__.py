"""How coalitions form and share (issue 25): partition functions, cooperative values, formation processes.

See ``docs/background/formation.md``.  Above the other contracting sub-packages (it solves
coalition structures with :mod:`~contract_theory.contracting.modifications.coalition_structures`):

* :mod:`.partition_function` -- v(B; pi): each block's value when every block of a structure acts
  as a bloc and the blocks play the stated equilibrium;
* :mod:`.characteristic` -- characteristic functions under the alpha, beta, gamma and delta
  assumptions about the others;
* :mod:`.cooperative` -- the core, the least core, the nucleolus and the Shapley value, exact;
* :mod:`.bloch` -- Bloch's (1996) sequential game of coalition formation;
* :mod:`.farsighted` -- Chwe's (1994) largest consistent set and farsighted stable sets over
  coalition structures.
"""
