"""Plumbing with no game theory in it: atomic file writes and folders, LaTeX escaping, execution backends.

* :mod:`.atomic` -- atomic file writes (with the user's umask);
* :mod:`.folders` -- output folders: one writer (a lock), the old contents or the new, swapped in whole;
* :mod:`.latex` -- LaTeX escaping and number typesetting;
* :mod:`.execution` -- serial, local-process and Dask execution with per-chunk seeds and checkpoints;
* :mod:`.interrupts` -- Ctrl-C that keeps what was done (the partial answer it carries; workers ignore it).
"""
