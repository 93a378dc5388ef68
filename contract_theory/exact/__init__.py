"""Exact arithmetic: rationals and integer tables, exact linear algebra, certified LP.

The lowest layer of the package (only :mod:`contract_theory.errors` and
:mod:`contract_theory.util` lie below it).

* :mod:`.numbers` -- exact numbers: parsing, ``Fraction`` arrays, integer tables over a common
  denominator, formatting;
* :mod:`.bounds` -- the length and exponent a number token may have before it is converted;
* :mod:`.linalg` -- exact rational linear algebra (python-flint);
* :mod:`.lp` -- linear programs solved in floating point and certified exactly.
"""

from contract_theory.exact.numbers import fmt, fraction_array, integer_table, parse_number, to_fraction

__all__ = ["to_fraction", "fraction_array", "integer_table", "fmt", "parse_number"]
