"""Library specs ``"name:key=value,..."``: the one parser, and the parameters of the library builders.

A spec names a builder of a registry (:data:`contract_theory.games.library.GAMES`, the compact and
Markov libraries) and its keyword arguments.  :func:`parse_spec` splits it and bounds what it
accepts before anything is converted (issue 27): a string, a name, ``key=value`` items, no key
given twice (``n=3,n=4`` is an error, not "the last one wins").  :func:`spec_value` reads a value:
``a|b|c`` is a list, ``true``/``false`` booleans, numbers exact (within the length and exponent
bounds of :mod:`contract_theory.exact.bounds`), other words strings.  :func:`build_from_spec`
calls the builder; every error is a :class:`~contract_theory.errors.ParseError` or
:class:`~contract_theory.errors.ParameterError` naming the parameter.

The builders check their own parameters with :func:`exact_parameter` and
:func:`integer_parameter` (a count such as ``n=2.5`` or ``n=0`` is refused, never truncated).

Examples
--------
>>> parse_spec("public_goods:n=4, r=8/5")
('public_goods', {'n': '4', 'r': '8/5'})
>>> spec_value("0|2|5/2")
[Fraction(0, 1), Fraction(2, 1), Fraction(5, 2)]
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, TypeVar

from contract_theory.errors import GameError, ParameterError, ParseError
from contract_theory.exact.bounds import number_token_problem, short_token
from contract_theory.exact.numbers import fmt, parse_number, to_fraction

__all__ = ["parse_spec", "spec_value", "spec_parameter", "build_from_spec", "build_named", "exact_parameter",
           "integer_parameter", "takes_options", "options_of"]

_F = TypeVar("_F", bound=Callable[..., Any])

# a value that starts like a number is read as one (or refused as one), never kept as a word
_NUMBER_LIKE = re.compile(r"\s*[+-]?\.?\d")


def _shown(x: Any) -> str:
    """A parameter value as the user wrote it: ``5/2`` for a Fraction, ``2.5`` for a float, ``'x'`` for text."""
    if isinstance(x, Fraction):
        return fmt(x)
    return repr(x) if isinstance(x, str) else short_token(str(x), 40)


def exact_parameter(x: Any, name: str) -> Fraction:
    """Parameter ``name`` as an exact number, or a :class:`~contract_theory.errors.ParameterError`.

    Examples
    --------
    >>> exact_parameter("8/5", "r")
    Fraction(8, 5)
    """
    try:
        return to_fraction(x, what=f"parameter {name}")
    except GameError as exc:
        raise ParameterError(str(exc)) from None


def integer_parameter(x: Any, name: str, low: int) -> int:
    """Parameter ``name`` as an integer of at least ``low``; ``2.5``, ``"5/2"`` or ``low - 1`` are refused.

    Examples
    --------
    >>> integer_parameter("4", "n", 2)
    4
    >>> integer_parameter(2.5, "n", 2)
    Traceback (most recent call last):
    ...
    contract_theory.errors.ParameterError: parameter n must be an integer >= 2, got 2.5
    """
    f = exact_parameter(x, name)
    if f.denominator != 1 or f < low:
        raise ParameterError(f"parameter {name} must be an integer >= {low}, got {_shown(x)}")
    return int(f)


def spec_value(text: str) -> Any:
    """A spec value: ``a|b|c`` is a list, ``true``/``false`` booleans, numbers exact, other words strings.

    A value that starts like a number must be a number within the bounds of
    :mod:`contract_theory.exact.bounds` (a :class:`~contract_theory.errors.ParseError` names it).

    Examples
    --------
    >>> spec_value("true"), spec_value("proportional"), spec_value("-0.25")
    (True, 'proportional', Fraction(-1, 4))
    """
    if "|" in text:  # lists: grid=0|2|3
        return [spec_value(t) for t in text.split("|")]
    if text in ("true", "false"):
        return text == "true"
    if _NUMBER_LIKE.match(text):
        problem = number_token_problem(text.strip())
        if problem is not None:
            raise ParseError(problem)
    try:
        return parse_number(text)
    except ParseError:
        return text  # words, e.g. depletion=proportional; the constructor validates them


def parse_spec(spec: Any, what: str = "game") -> tuple[str, dict[str, str]]:
    """Split ``"name:key=value,..."`` into the name and the raw values (stripped, in order).

    A missing ``=``, an empty key or a key given twice is a
    :class:`~contract_theory.errors.ParseError`; a spec that is not a string a
    :class:`~contract_theory.errors.ParameterError`.  O(len(spec)).

    Examples
    --------
    >>> parse_spec("public_goods:n=3,n=4")
    Traceback (most recent call last):
    ...
    contract_theory.errors.ParseError: parameter n is given twice in the game spec 'public_goods:n=3,n=4' (token 'n')
    """
    if not isinstance(spec, str):
        raise ParameterError(f"a {what} spec must be a string, got {type(spec).__name__}")
    name, _, rest = spec.partition(":")
    name = name.strip()
    if not name:
        raise ParseError(f"empty {what} spec: give a game file (.nfg, .json) or a library spec such as "
                         "public_goods:n=4 (contract-theory games lists them)")
    params: dict[str, str] = {}
    for item in filter(None, (s.strip() for s in rest.split(","))):
        key, eq, val = item.partition("=")
        key = key.strip()
        if not eq or not key:
            raise ParseError(f"expected key=value in {what} spec {short_token(spec, 60)!r}", token=short_token(item))
        if key in params:
            raise ParseError(f"parameter {key} is given twice in the {what} spec {short_token(spec, 60)!r}", token=key)
        params[key] = val.strip()
    return name, params


def spec_parameter(name: str, key: str, text: str, integer: bool = False) -> Any:
    """Parameter ``key`` of builder ``name`` from its raw spec text (:func:`spec_value`); ``integer``
    ones must be integers (element-wise for lists).  Errors name the parameter.

    Examples
    --------
    >>> spec_parameter("random", "shape", "2|3", integer=True)
    [2, 3]
    """
    try:
        v = spec_value(text)
    except ParseError as exc:
        raise ParseError(f"parameter {key} of {name!r}: {exc}") from None
    if not integer:
        return v
    items = v if isinstance(v, list) else [v]
    if not all(isinstance(x, Fraction) and x.denominator == 1 for x in items):
        raise ParseError(f"parameter {key} of {name!r} must be an integer, got {short_token(text, 40)!r}",
                         token=short_token(text))
    return [int(x) for x in items] if isinstance(v, list) else int(v)


def build_named(name: str, params: dict[str, str], registry: dict[str, Callable[..., Any]], *,
                what: str = "game", int_params: Sequence[str] = ()) -> Any:
    """Call ``registry[name]`` with the raw ``params`` of :func:`parse_spec` (see :func:`build_from_spec`)."""
    if name not in registry:
        raise ParseError(f"unknown {what} {name!r}; library {what}s are {', '.join(sorted(registry))}", token=name)
    ctor = registry[name]
    accepted = list(inspect.signature(ctor).parameters)
    kwargs: dict[str, Any] = {}
    for key, text in params.items():
        if key not in accepted:
            raise ParseError(f"{what} {name!r} has no parameter {key!r}; it accepts {', '.join(accepted)}", token=key)
        kwargs[key] = spec_parameter(name, key, text, key in int_params)
    return ctor(**kwargs)


def build_from_spec(spec: str, registry: dict[str, Callable[..., Any]], *, what: str = "game",
                    int_params: Sequence[str] = ()) -> Any:
    """Call ``registry[name](**params)`` for a spec ``"name:key=value,key=value"``.

    Parameters named in ``int_params`` are converted to ints (element-wise for lists) and must
    be integers.  Unknown names, unknown parameters, a missing ``=``, a key given twice or a
    non-integer where an integer is needed raise :class:`~contract_theory.errors.ParseError`
    naming the token.  Used by :func:`contract_theory.games.library.from_spec`,
    :func:`contract_theory.games.loading.from_markov_spec` and the compact library.

    Examples
    --------
    >>> from contract_theory.games.library import GAMES
    >>> build_from_spec("random:shape=2.5|2", GAMES, int_params=("shape",))
    Traceback (most recent call last):
    ...
    contract_theory.errors.ParseError: parameter shape of 'random' must be an integer, got '2.5|2' (token '2.5|2')
    """
    name, params = parse_spec(spec, what)
    return build_named(name, params, registry, what=what, int_params=int_params)


# ----------------------------------------------------------------------------- builders with many options
def takes_options(options: type) -> Callable[[_F], _F]:
    """Decorator for a builder ``f(leading..., **options)`` whose keyword options are the fields of the
    dataclass ``options``: the builder's signature (``inspect.signature``, ``help``, the spec parser and
    ``contract-theory games``) lists every field with its default, keyword-only.

    The builder reads them with :func:`options_of`, which refuses unknown keys, so grouping its
    parameters into one options object keeps every spec (``commons_markov:greedy=3``) and keyword call
    working while the function itself takes few parameters.
    """
    def decorate(f: _F) -> _F:
        sig = inspect.signature(f)
        params = [p for p in sig.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
        params += [inspect.Parameter(fl.name, inspect.Parameter.KEYWORD_ONLY, default=fl.default, annotation=fl.type)
                   for fl in dataclasses.fields(options)]
        setattr(f, "__signature__", sig.replace(parameters=params))  # noqa: B010 - a function attribute
        return f
    return decorate


def options_of(options: Any, given: dict[str, Any], owner: str) -> Any:
    """``options(**given)``, or a :class:`~contract_theory.errors.ParameterError` naming an unknown key.

    Examples
    --------
    >>> import dataclasses
    >>> @dataclasses.dataclass(frozen=True)
    ... class O:
    ...     a: int = 1
    >>> options_of(O, {"b": 2}, "f")
    Traceback (most recent call last):
    ...
    contract_theory.errors.ParameterError: f has no parameter 'b'; its options are a
    """
    names = [fl.name for fl in dataclasses.fields(options)]
    unknown = sorted(set(given) - set(names))
    if unknown:
        raise ParameterError(f"{owner} has no parameter {unknown[0]!r}; its options are {', '.join(names)}")
    return options(**given)
