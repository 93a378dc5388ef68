"""Rendering results: JSON views, analysis tables, plots and the full study report.

* :mod:`.serialize` -- exact JSON views of results;
* :mod:`.analysis` -- the partial-contract analysis as JSON, text and LaTeX;
* :mod:`.plots` -- welfare curves;
* :mod:`.study` -- the ``report`` command's whole study;
* :mod:`.atlas` -- the claims atlas and its verified cache;
* :mod:`.catalog` -- the built-in game specs as text and JSON (``contract-theory games``).
"""
