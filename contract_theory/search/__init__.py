"""Claims about games, and the search for certified counterexamples.

* :mod:`.claims` -- the built-in claims and user claim files;
* :mod:`.claim_worker` -- a claim file imported and called in a supervised child process (time and memory limits);
* :mod:`.spaces` -- finite spaces of games, their enumeration and the random stream;
* :mod:`.search` -- the search: plan, evaluate, shrink, certify (one ending for every backend);
* :mod:`.certificates` -- certificate assembly and independent re-verification of a counterexample;
* :mod:`.parallel` -- the same search in chunks over an execution backend;
* :mod:`.strategies` -- hypothesis strategies for games;
* :mod:`.counts` -- symmetric games by counts (claims for many players).
"""
