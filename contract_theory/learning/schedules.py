r"""Named schedules for learning rates and exploration (docs/background/model.md#7-learning).

A schedule maps a step count t = 0, 1, 2, ... to a non-negative float.  Every schedule is a
small frozen dataclass whose parameters are validated on construction
(:class:`~contract_theory.errors.ParameterError` naming the parameter) and whose
:meth:`value` is vectorized: ``value(t)`` accepts an int or an integer array of any shape
and returns a float or a float64 array of the same shape.  Complexity O(size of t).

The four families:

* :class:`Constant`: v(t) = c.
* :class:`LinearDecay`: straight line from ``start`` at t = 0 to ``end`` at t = ``steps``,
  then constant ``end``.
* :class:`ExponentialDecay`: v(t) = max(``floor``, ``start`` * ``decay`` ** t).
* :class:`PowerDecay`: v(t) = ``scale`` / (t + ``offset``) ** ``power`` (the classic 1/t^p
  rate; with power in (1/2, 1] and offset >= 1 it satisfies the Robbins-Monro conditions
  sum v = inf, sum v^2 < inf).

:func:`parse_schedule` reads the textual form used on the command line, e.g.
``"linear:1,0.05,5000"``.

Examples
--------
>>> LinearDecay(1.0, 0.0, 4).value([0, 1, 2, 4, 10]).tolist()
[1.0, 0.75, 0.5, 0.0, 0.0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Union

import numpy as np

from contract_theory.errors import ParameterError

__all__ = ["Schedule", "Constant", "LinearDecay", "ExponentialDecay", "PowerDecay", "parse_schedule",
           "check_range"]


def _num(x: Any, name: str, *, low: float | None = None, high: float | None = None,
         low_open: bool = False, high_open: bool = False) -> float:
    """Validate one real parameter; ParameterError naming it otherwise."""
    if isinstance(x, bool):
        raise ParameterError(f"schedule parameter {name} must be a number, got {x!r}")
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise ParameterError(f"schedule parameter {name} must be a number, got {x!r}") from None
    if not math.isfinite(v):
        raise ParameterError(f"schedule parameter {name} must be finite, got {x!r}")
    if low is not None and (v < low or (low_open and v == low)):
        raise ParameterError(f"schedule parameter {name} must be {'>' if low_open else '>='} {low}, got {x!r}")
    if high is not None and (v > high or (high_open and v == high)):
        raise ParameterError(f"schedule parameter {name} must be {'<' if high_open else '<='} {high}, got {x!r}")
    return v


def _steps(t: Any) -> np.ndarray:
    """Validate step counts (non-negative integers) and return them as a float64 array."""
    arr = np.asarray(t)
    if arr.dtype.kind not in "iu":
        if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.floor(arr)):
            pass
        else:
            raise ParameterError(f"schedule steps must be integers, got dtype {arr.dtype}")
    if arr.size and arr.min() < 0:
        raise ParameterError(f"schedule steps must be >= 0, got {arr.min()}")
    return arr.astype(np.float64)


def _out(values: np.ndarray, t: Any) -> Any:
    return float(values) if np.ndim(t) == 0 else values


class _Base:
    """Shared behaviour: ``value`` (vectorized) and ``bounds`` (min and max over t >= 0)."""

    def _raw(self, t: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def value(self, t: Any) -> Any:
        """v(t) for an int (returns float) or an integer array (returns float64 array)."""
        return _out(self._raw(_steps(t)), t)

    def bounds(self) -> tuple[float, float]:  # pragma: no cover - overridden
        """``(inf_t v(t), sup_t v(t))`` over all t >= 0 (every family is monotone)."""
        raise NotImplementedError


@dataclass(frozen=True)
class Constant(_Base):
    """v(t) = ``c`` (c >= 0).

    Examples
    --------
    >>> Constant(0.1).value(7)
    0.1
    """

    c: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "c", _num(self.c, "c", low=0.0))

    def _raw(self, t: np.ndarray) -> np.ndarray:
        return np.full(t.shape, self.c)

    def bounds(self) -> tuple[float, float]:
        return (self.c, self.c)


@dataclass(frozen=True)
class LinearDecay(_Base):
    """v(t) = start + (end - start) * min(t, steps) / steps (start, end >= 0, steps >= 1).

    ``end > start`` (a linear increase) is allowed.

    Examples
    --------
    >>> LinearDecay(1.0, 0.1, 10).value(5)
    0.55
    """

    start: float
    end: float
    steps: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _num(self.start, "start", low=0.0))
        object.__setattr__(self, "end", _num(self.end, "end", low=0.0))
        s = _num(self.steps, "steps", low=1.0)
        if s != int(s):
            raise ParameterError(f"schedule parameter steps must be an integer, got {self.steps!r}")
        object.__setattr__(self, "steps", int(s))

    def _raw(self, t: np.ndarray) -> np.ndarray:
        frac = np.minimum(t, self.steps) / self.steps
        # convex-combination form: exactly ``end`` from t = steps on
        return self.start * (1.0 - frac) + self.end * frac

    def bounds(self) -> tuple[float, float]:
        return (min(self.start, self.end), max(self.start, self.end))


@dataclass(frozen=True)
class ExponentialDecay(_Base):
    """v(t) = max(floor, start * decay**t) (start >= 0, 0 < decay <= 1, 0 <= floor <= start).

    Examples
    --------
    >>> ExponentialDecay(1.0, 0.5, floor=0.2).value([0, 1, 2, 3]).tolist()
    [1.0, 0.5, 0.25, 0.2]
    """

    start: float
    decay: float
    floor: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _num(self.start, "start", low=0.0))
        object.__setattr__(self, "decay", _num(self.decay, "decay", low=0.0, low_open=True, high=1.0))
        object.__setattr__(self, "floor", _num(self.floor, "floor", low=0.0, high=self.start))

    def _raw(self, t: np.ndarray) -> np.ndarray:
        # decay <= 1, so decay**t cannot overflow; it underflows quietly to 0 for huge t.
        return np.maximum(self.floor, self.start * np.power(self.decay, t))

    def bounds(self) -> tuple[float, float]:
        low = self.start if self.decay == 1.0 else self.floor
        return (low, self.start)


@dataclass(frozen=True)
class PowerDecay(_Base):
    """v(t) = scale / (t + offset)**power (scale >= 0, power > 0, offset > 0).

    Examples
    --------
    >>> PowerDecay(1.0, 1.0).value([0, 1, 3]).tolist()
    [1.0, 0.5, 0.25]
    """

    scale: float
    power: float
    offset: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "scale", _num(self.scale, "scale", low=0.0))
        object.__setattr__(self, "power", _num(self.power, "power", low=0.0, low_open=True))
        object.__setattr__(self, "offset", _num(self.offset, "offset", low=0.0, low_open=True))

    def _raw(self, t: np.ndarray) -> np.ndarray:
        return self.scale / (t + self.offset) ** self.power

    def bounds(self) -> tuple[float, float]:
        return (0.0, self.scale / self.offset ** self.power)


#: Any of the four schedule families.
Schedule = Union[Constant, LinearDecay, ExponentialDecay, PowerDecay]

_FAMILIES: dict[str, type] = {
    "constant": Constant, "linear": LinearDecay, "exponential": ExponentialDecay, "power": PowerDecay,
}


def parse_schedule(text: str) -> Schedule:
    """Read ``"name:p1,p2,..."`` (positional parameters of the family), or a bare number.

    Names: ``constant``, ``linear``, ``exponential``, ``power``.  A bare number means
    :class:`Constant`.

    Examples
    --------
    >>> parse_schedule("linear:1,0.05,5000")
    LinearDecay(start=1.0, end=0.05, steps=5000)
    >>> parse_schedule("0.1")
    Constant(c=0.1)
    """
    name, sep, rest = text.strip().partition(":")
    if not sep:
        try:
            return Constant(float(name))
        except ValueError:
            pass
    if name not in _FAMILIES:
        raise ParameterError(f"unknown schedule {text!r}; write a number or one of "
                             f"{sorted(_FAMILIES)} as name:p1,p2,...")
    try:
        params = [float(p) for p in rest.split(",") if p.strip()]
    except ValueError:
        raise ParameterError(f"schedule {text!r} has a parameter that is not a number") from None
    try:
        return _FAMILIES[name](*params)
    except TypeError:
        raise ParameterError(f"schedule {text!r}: wrong number of parameters for {name!r}") from None


def check_range(schedule: Any, name: str, *, low: float, high: float, low_open: bool = False) -> None:
    """Raise ParameterError unless every value of ``schedule`` lies in [low, high] (or (low, high]).

    Examples
    --------
    >>> check_range(Constant(0.5), "alpha", low=0.0, high=1.0, low_open=True)
    >>> check_range(Constant(2.0), "alpha", low=0.0, high=1.0)
    Traceback (most recent call last):
    ...
    contract_theory.errors.ParameterError: alpha schedule Constant(c=2.0) takes values up to 2.0, above 1.0
    """
    if not isinstance(schedule, _Base):
        raise ParameterError(f"{name} must be a schedule (Constant, LinearDecay, ExponentialDecay, "
                             f"PowerDecay), got {schedule!r}")
    lo, hi = schedule.bounds()
    if hi > high:
        raise ParameterError(f"{name} schedule {schedule!r} takes values up to {hi}, above {high}")
    if lo < low or (low_open and lo <= low):
        # PowerDecay tends to 0 without reaching it: its infimum is excluded.
        if not (low_open and lo == low and isinstance(schedule, PowerDecay) and schedule.scale > 0):
            raise ParameterError(f"{name} schedule {schedule!r} takes values down to {lo}, "
                                 f"{'at or ' if low_open else ''}below {low}")
