"""Fixed-width exact integer arithmetic for the compiled vertex-enumeration kernel (numba).

A *wide* number is a signed 128-bit integer in two's complement, held as two ``uint64``
words ``(hi, lo)``: its value is ``hi * 2**64 + lo - 2**128 * (hi >= 2**63)``.  All
operations here are exact modulo ``2**128`` (numba's fixed-width integer arithmetic wraps);
the kernel proves, with float64 magnitude bounds, that every value it keeps is below
``2**126`` in magnitude, so the residue *is* the value.  Products of two wide numbers, which
the lexicographic ratio test compares, are formed exactly in four words (:func:`cmp_products`).

Exact division (:func:`exact_quotient`) uses no division instruction: when ``det * q = N``
exactly and ``det = 2**s * d'`` with ``d'`` odd, then ``q = (N >> s) * d'**-1`` modulo
``2**(128 - s)``, and the inverse of an odd number modulo ``2**128`` is found by Newton's
iteration ``x <- x (2 - d' x)`` (each step doubles the correct low bits, from 3).  When
``|q| < 2**(127 - s)`` the residue, sign-extended from bit ``127 - s``, is ``q``.  The same
holds with one word (``int64``) for the kernel's first tier (:func:`quotient64`).

Importing this module imports numba.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

__all__ = ["wide", "mul", "sub", "is_neg", "to_float", "exact_quotient", "quotient64", "cmp_products",
           "inverse64", "inverse", "M32", "TWO64"]

M32 = np.uint64(0xFFFFFFFF)
ZERO = np.uint64(0)
ONE = np.uint64(1)
TWO = np.uint64(2)
TWO64 = 18446744073709551616.0


@njit(cache=True, error_model="numpy")
def mulhi(a: Any, b: Any) -> Any:
    """High word of the 128-bit product of two ``uint64`` words."""
    a0, a1 = a & M32, a >> np.uint64(32)
    b0, b1 = b & M32, b >> np.uint64(32)
    p00, p01, p10, p11 = a0 * b0, a0 * b1, a1 * b0, a1 * b1
    mid = (p00 >> np.uint64(32)) + (p01 & M32) + (p10 & M32)
    return p11 + (p01 >> np.uint64(32)) + (p10 >> np.uint64(32)) + (mid >> np.uint64(32))


@njit(cache=True, error_model="numpy")
def wide(x: Any) -> Any:
    """The wide number of an ``int64`` (sign extension)."""
    return np.uint64(x >> 63), np.uint64(x)


@njit(cache=True, error_model="numpy")
def mul(ah: Any, al: Any, bh: Any, bl: Any) -> Any:
    """``a * b`` modulo 2**128 (the same for signed and unsigned operands)."""
    return mulhi(al, bl) + ah * bl + al * bh, al * bl


@njit(cache=True, error_model="numpy")
def sub(ah: Any, al: Any, bh: Any, bl: Any) -> Any:
    """``a - b`` modulo 2**128."""
    lo = al - bl
    return ah - bh - (ONE if al < bl else ZERO), lo


@njit(cache=True, error_model="numpy")
def neg(h: Any, lo: Any) -> Any:
    """``-a`` modulo 2**128."""
    return sub(ZERO, ZERO, h, lo)


@njit(cache=True, error_model="numpy")
def is_neg(h: Any) -> bool:
    """Whether a wide number with high word ``h`` is negative."""
    return (h >> np.uint64(63)) == ONE


@njit(cache=True, error_model="numpy")
def to_float(h: Any, lo: Any) -> float:
    """float64 value of a wide number (relative error below 2**-52)."""
    if is_neg(h):
        h, lo = neg(h, lo)
        return -(float(h) * TWO64 + float(lo))
    return float(h) * TWO64 + float(lo)


@njit(cache=True, error_model="numpy")
def _shr(h: Any, lo: Any, s: int) -> Any:
    """Logical right shift by ``0 <= s < 128``."""
    if s == 0:
        return h, lo
    if s >= 64:
        return ZERO, h >> np.uint64(s - 64)
    return h >> np.uint64(s), (lo >> np.uint64(s)) | (h << np.uint64(64 - s))


@njit(cache=True, error_model="numpy")
def _sign_extend(h: Any, lo: Any, bits: int) -> Any:
    """The residue modulo ``2**bits`` (``64 < bits <= 128``) read as a signed ``bits``-bit number."""
    if bits >= 128:
        return h, lo
    top = bits - 64
    sh = np.uint64(64 - top)
    return np.uint64(np.int64(h << sh) >> np.int64(64 - top)), lo


@njit(cache=True, error_model="numpy")
def trailing_zeros(x: Any) -> int:
    n = 0
    while (x & ONE) == ZERO:
        x >>= ONE
        n += 1
    return n


@njit(cache=True, error_model="numpy")
def inverse(h: Any, lo: Any) -> Any:
    """Inverse of an odd wide number modulo 2**128 (Newton's iteration, 6 steps from 3 bits)."""
    xh, xl = h, lo
    for _ in range(6):
        ph, pl = mul(h, lo, xh, xl)
        th, tl = sub(ZERO, TWO, ph, pl)
        xh, xl = mul(xh, xl, th, tl)
    return xh, xl


@njit(cache=True, error_model="numpy")
def inverse64(d: Any) -> Any:
    """Inverse of an odd ``uint64`` modulo 2**64."""
    x = d
    for _ in range(5):
        x = x * (TWO - d * x)
    return x


@njit(cache=True, error_model="numpy")
def odd_part(h: Any, lo: Any) -> Any:
    """``(s, d')`` with ``d = 2**s * d'``, ``d'`` odd, for a positive wide number ``d``."""
    s = trailing_zeros(lo) if lo != ZERO else 64 + trailing_zeros(h)
    oh, ol = _shr(h, lo, s)
    return s, oh, ol


@njit(cache=True, error_model="numpy")
def exact_quotient(nh: Any, nl: Any, s: int, ih: Any, il: Any) -> Any:
    """``N / det`` for ``det = 2**s * d'`` (``(ih, il)`` the inverse of ``d'``), when exact and
    below ``2**(127 - s)`` in magnitude (the caller's bound)."""
    sh, sl = _shr(nh, nl, s)
    qh, ql = mul(sh, sl, ih, il)
    if s == 0:
        return qh, ql
    if 128 - s > 64:
        return _sign_extend(qh, ql, 128 - s)
    bits = 128 - s  # <= 64: the value lives in the low word
    low = np.int64(ql << np.uint64(64 - bits)) >> np.int64(64 - bits)
    return np.uint64(low >> 63), np.uint64(low)


@njit(cache=True, error_model="numpy")
def quotient64(num: Any, s: int, inv: Any) -> Any:
    """``num / det`` in one word: ``num`` is the product difference modulo 2**64 (int64,
    wrapped), ``det = 2**s * d'`` with ``inv`` the inverse of ``d'`` modulo 2**64; exact when
    the quotient is below ``2**(63 - s)`` in magnitude (the caller's bound)."""
    q = (np.uint64(num) >> np.uint64(s)) * inv
    return np.int64(q << np.uint64(s)) >> np.int64(s)


@njit(cache=True, error_model="numpy")
def _mag_product(ah: Any, al: Any, bh: Any, bl: Any) -> Any:
    """Exact 256-bit product of two non-negative wide numbers, as four words (high first)."""
    p0h, p0l = mulhi(al, bl), al * bl
    p1h, p1l = mulhi(al, bh), al * bh
    p2h, p2l = mulhi(ah, bl), ah * bl
    p3h, p3l = mulhi(ah, bh), ah * bh
    w0 = p0l
    w1 = p0h + p1l
    c1 = ONE if w1 < p0h else ZERO
    w1b = w1 + p2l
    c1 += ONE if w1b < w1 else ZERO
    w2 = p1h + p2h
    c2 = ONE if w2 < p1h else ZERO
    w2b = w2 + p3l
    c2 += ONE if w2b < w2 else ZERO
    w2c = w2b + c1
    c2 += ONE if w2c < w2b else ZERO
    w3 = p3h + c2
    return w3, w2c, w1b, w0


@njit(cache=True, error_model="numpy")
def _signed_product(ah: Any, al: Any, bh: Any, bl: Any) -> Any:
    """Sign (-1, 0, 1) and exact magnitude words of the product of two wide numbers."""
    sign = 1
    if is_neg(ah):
        ah, al = neg(ah, al)
        sign = -sign
    if is_neg(bh):
        bh, bl = neg(bh, bl)
        sign = -sign
    w3, w2, w1, w0 = _mag_product(ah, al, bh, bl)
    if w3 == ZERO and w2 == ZERO and w1 == ZERO and w0 == ZERO:
        sign = 0
    return sign, w3, w2, w1, w0


@njit(cache=True, error_model="numpy")
def _cmp_words(a: Any, b: Any) -> int:
    for t in range(4):
        if a[t] != b[t]:
            return -1 if a[t] < b[t] else 1
    return 0


@njit(cache=True, error_model="numpy")
def cmp_products(a: Any, b: Any, c: Any, d: Any) -> int:
    """Sign of ``a * b - c * d`` for wide numbers given as ``(hi, lo)`` pairs, exactly."""
    s1, x3, x2, x1, x0 = _signed_product(a[0], a[1], b[0], b[1])
    s2, y3, y2, y1, y0 = _signed_product(c[0], c[1], d[0], d[1])
    if s1 != s2:
        return -1 if s1 < s2 else 1
    if s1 == 0:
        return 0
    m = _cmp_words((x3, x2, x1, x0), (y3, y2, y1, y0))
    return m if s1 > 0 else -m
