"""Claims about games, and the search for certified counterexamples.

* :mod:`.counterexamples` -- claims, game spaces and the search;
* :mod:`.certificates` -- independent re-verification of a counterexample;
* :mod:`.parallel` -- the same search over an execution backend;
* :mod:`.strategies` -- hypothesis strategies for games.
"""
