"""Plumbing with no game theory in it: atomic file writes, LaTeX escaping, execution backends.

* :mod:`.atomic` -- atomic file writes;
* :mod:`.latex` -- LaTeX escaping and number typesetting;
* :mod:`.execution` -- serial, local-process and Dask execution with per-chunk seeds and checkpoints;
* :mod:`.interrupts` -- Ctrl-C that keeps what was done (the partial answer it carries; workers ignore it).
"""
