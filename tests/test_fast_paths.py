"""The fast paths of issue 17 give exactly what the reference paths give.

* ``.nfg`` reading: the vectorized body reader of :mod:`contract_theory.games.formats.nfg`
  against the token-by-token reader (``_parse(text, fast=False)``) on files written by us
  (payoff form) and by pygambit (outcome form), with random separators and random
  corruptions: both give the same game (same labels, integer table, dtype and denominator)
  or the same ParseError message.
* ``NormalFormGame.from_integer_table`` against the Fraction constructor.
* The compiled (numba) vertex-enumeration kernel against the numpy kernel and pygambit's
  exact ``enummixed_solve``, on small games with payoffs 0..2 (degenerate) and 0..9.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_theory.equilibria import vertex_enumeration as ve
from contract_theory.errors import GameError, ParseError, SizeLimitError
from contract_theory.games.formats import nfg
from contract_theory.games.formats.nfg import parse_nfg, write_nfg
from contract_theory.games.normal_form import NormalFormGame

F = Fraction

#: Characters the corruptions insert: the format's punctuation, number characters, a
#: backslash, non-ASCII text, an ASCII separator and a Unicode space (both ``str.isspace``).
NOISE = '{},"  \n1-+/.e0x\\é\x1c\u00a0'


@st.composite
def small_games(draw, max_players: int = 3, max_actions: int = 3) -> NormalFormGame:
    n = draw(st.integers(1, max_players))
    shape = tuple(draw(st.lists(st.integers(1, max_actions), min_size=n, max_size=n)))
    size = int(np.prod(shape)) * n
    num = st.one_of(st.integers(-20, 20), st.fractions(-50, 50, max_denominator=12),
                    st.integers(-(2 ** 70), 2 ** 70))
    vals = draw(st.lists(num, min_size=size, max_size=size))
    arr = np.empty(size, dtype=object)
    arr[:] = vals
    return NormalFormGame(arr.reshape(shape + (n,)))


def _number(v: Fraction, style: int) -> str:
    """``v`` as p/q or an integer (style 0), a decimal when exact in 3 places (1), or with '+' (2)."""
    if style == 1 and 1000 % v.denominator == 0:  # a decimal, as pygambit writes Decimals
        thousandths = abs(v.numerator) * (1000 // v.denominator)
        return f"{'-' if v < 0 else ''}{thousandths // 1000}.{thousandths % 1000:03d}"
    if style == 2 and v.denominator == 1:
        return f"+{v.numerator}" if v >= 0 else str(v.numerator)
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


@st.composite
def nfg_texts(draw) -> str:
    """A valid .nfg text: ours (payoff form), pygambit's (outcome form), or an outcome form
    written here with random separators and number spellings; then 0-2 corruptions."""
    game = draw(small_games())
    kind = draw(st.sampled_from(["ours", "pygambit", "outcomes"]))
    if kind == "ours":
        text = write_nfg(game)
    elif kind == "pygambit":
        gbt = pytest.importorskip("pygambit")
        arrays = [np.array(game.fractions[..., i], dtype=object) for i in range(game.n_players)]
        text = gbt.Game.from_arrays(*arrays, title="g").to_nfg()
    else:
        n = game.n_players
        flat = np.transpose(game.fractions, list(range(n - 1, -1, -1)) + [n]).reshape(-1, n)
        sep = st.sampled_from([" ", ", ", ",", " ,\n", "\t"])
        outcomes, numbers = [], []
        for row in flat:
            if draw(st.booleans()) and all(v == 0 for v in row):
                numbers.append("0")  # the null outcome
                continue
            cells = [_number(v, draw(st.integers(0, 2))) + draw(sep) for v in row]
            outcomes.append(f'{{ "o{len(outcomes)}" ' + "".join(cells) + "}")
            numbers.append(str(len(outcomes)))
        head = 'NFG 1 R "t" { ' + " ".join(f'"{p}"' for p in game.players) + " } { "
        head += " ".join(str(m) for m in game.shape) + ' } "c"\n'
        text = head + "{\n" + "\n".join(outcomes) + "\n}\n" + " ".join(numbers) + "\n"
    for _ in range(draw(st.integers(0, 2))):
        i = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.text(NOISE, min_size=1, max_size=3))
        j = min(len(text), i + draw(st.integers(1, 4)))
        text = {"insert": text[:i] + piece + text[i:], "delete": text[:i] + text[j:],
                "replace": text[:i] + piece + text[j:]}[op]
    return text


def _outcome(text: str, fast: bool) -> tuple:
    try:
        g = nfg._parse(text, fast=fast)
    except ParseError as exc:
        return ("ParseError", str(exc))
    return (g.title, g.players, g.actions, g.exact, g.table.dtype.str, g.table.tolist(), g.denominator)


def _fast_path_taken(text: str) -> bool:
    rd = nfg._Reader(nfg._tokenize(text))
    _, players, actions = nfg._header(rd)
    return nfg._fast_body(text, rd.offset(), len(players), int(np.prod([len(a) for a in actions]))) is not None


@given(nfg_texts())
def test_fast_reader_agrees_with_token_reader(text):
    assert _outcome(text, fast=True) == _outcome(text, fast=False)


@given(small_games())
def test_fast_reader_reads_plain_files(game):
    # the files every writer produces take the vectorized path, and give the game back
    text = write_nfg(game)
    assert _fast_path_taken(text)
    assert parse_nfg(text) == game


def test_fast_reader_outcome_form_by_hand():
    # Outcome form with comma and space separators, a decimal, a fraction, a signed integer,
    # an unused outcome (1/3) and the null outcome 0.  Profiles in file order (player 1
    # fastest): (0,0) -> outcome 1 = (1, -2), (1,0) -> 0 = (0, 0), (0,1) -> 2 = (1/4, 3/2),
    # (1,1) -> 2.  Least common denominator of the used payoffs: 4.
    text = ('NFG 1 R "x" { "A" "B" } { 2 2 }\n{ { "one" 1, -2 } { "two" 0.25 3/2, } '
            '{ "unused" 1/3 +7 } }\n1 0 2 2\n')
    assert _fast_path_taken(text)
    g = parse_nfg(text)
    assert g.payoff((0, 0)) == (F(1), F(-2)) and g.payoff((1, 0)) == (F(0), F(0))
    assert g.payoff((0, 1)) == g.payoff((1, 1)) == (F(1, 4), F(3, 2))
    assert g.denominator == 4 and g.table[..., 0].tolist() == [[4, 1], [0, 1]]


@pytest.mark.parametrize("text, words", [
    ('NFG 1 R "" { "A" } { 2 } 1,, 2', "expected payoff 2 of 2"),          # two commas
    ('NFG 1 R "" { "A" } { 2 } , 1 2', "expected payoff 1 of 2"),          # leading comma
    ('NFG 1 R "" { "A" } { 2 } 1 2-', "expected payoff 2 of 2"),           # sign inside a word
    ('NFG 1 R "" { "A" } { 2 } { { "" 1 } } 1 2', "outcome number 2 out of range"),
    ('NFG 1 R "" { "A" } { 2 } 1 2é', "expected payoff 2 of 2"),
    ('NFG 1 R "" { "A" } { 2 } { { "" 1 } } 1 +1', "expected outcome number of profile 2"),
])
def test_fast_reader_hands_errors_to_the_token_reader(text, words):
    with pytest.raises(ParseError, match=words):
        parse_nfg(text)


def test_unicode_blanks_between_numbers():
    # str.isspace() accepts U+00A0 and U+2003 as separators: the token reader reads these
    assert parse_nfg('NFG 1 R "" { "A" } { 2 } 1\u00a02\u2003').payoff((1,)) == (F(2),)


@given(small_games(), st.integers(1, 6))
def test_from_integer_table_equals_fraction_constructor(game, scale):
    # the same payoffs given as (table * scale) / (denominator * scale): canonical form restored
    # (int64 tables and, for payoffs beyond 2^52, object tables of Python ints)
    table = game.table * scale
    fast = NormalFormGame.from_integer_table(table, game.denominator * scale,
                                             players=game.players, actions=game.actions)
    assert fast == game and fast.denominator == game.denominator
    assert fast.table.dtype == game.table.dtype and (fast.table == game.table).all()
    assert fast.payoff((0,) * game.n_players) == game.payoff((0,) * game.n_players)
    assert (fast.fractions == game.fractions).all() and hash(fast) == hash(game)


def test_from_integer_table_rejects_bad_input():
    with pytest.raises(GameError, match="denominator must be a positive integer"):
        NormalFormGame.from_integer_table(np.zeros((2, 1), dtype=np.int64), 0)
    with pytest.raises(GameError, match="is not a game"):
        NormalFormGame.from_integer_table(np.zeros((2, 2), dtype=np.int64), 1)
    with pytest.raises(GameError, match="integer dtype"):
        NormalFormGame.from_integer_table(np.zeros((2, 1)), 1)
    with pytest.raises(GameError, match="duplicate action labels"):
        NormalFormGame.from_integer_table(np.zeros((2, 1), dtype=np.int64), 1, actions=[["a", "a"]])


# ----------------------------------------------------------------------------- two-player kernels
def _extreme_equilibria(g: NormalFormGame, compiled: bool) -> tuple:
    an = ve._analyse(g, 10**5, None, compiled=compiled)
    vertices = tuple(frozenset((tuple(F(c, V.point(v)[1]) for c in V.point(v)[0]),
                                tuple(np.flatnonzero(L[v]).tolist())) for v in range(len(L)))
                     for V, L in ((an.P, an.labels_P), (an.Q, an.labels_Q)))
    return (tuple(p.strategies for p, _, _ in ve._profiles(an)), an.degenerate, ve._has_continuum(an),
            vertices, an.P.n_bases, an.Q.n_bases)


@st.composite
def bimatrix_games(draw) -> NormalFormGame:
    """Small games with payoffs in 0..2 (mostly degenerate: ties everywhere) or 0..9."""
    m, n = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    high = draw(st.sampled_from([2, 2, 9]))
    cells = st.lists(st.lists(st.integers(0, high), min_size=n, max_size=n), min_size=m, max_size=m)
    return NormalFormGame.from_bimatrix(draw(cells), draw(cells))


def _gambit_extreme(g: NormalFormGame) -> set:
    gbt = pytest.importorskip("pygambit")
    A, B = ([[int(v) for v in row] for row in g.table[..., i].tolist()] for i in range(2))
    gg = gbt.Game.from_arrays(A, B)
    m = g.shape[0]
    out = set()
    for eq in gbt.nash.enummixed_solve(gg, rational=True).equilibria:
        v = [F(str(eq[s])) for s in gg.strategies]
        out.add((tuple(v[:m]), tuple(v[m:])))
    return out


@given(bimatrix_games())
def test_compiled_kernel_agrees_with_numpy_kernel_and_pygambit(g):
    # Same extreme equilibria in the same order, same degeneracy and continuum verdicts, the
    # same vertices with the same label sets, and the same number of lexicographic bases
    # (both kernels visit every lex-feasible basis); and the same set as pygambit's exact
    # enumeration (enummixed_solve rational, lrs-based) -- degenerate games included.
    fast = _extreme_equilibria(g, compiled=True)
    assert fast == _extreme_equilibria(g, compiled=False)
    assert set(fast[0]) == _gambit_extreme(g)


@pytest.mark.parametrize("high, tier", [(10**6, 2), (10**17, 3)])
def test_compiled_kernel_widens_where_int64_overflows(high, tier):
    # Payoffs up to 1e6 in a 5 x 5 game: the pivot quotients leave int64's provable range,
    # so the compiled kernel continues the same search in 128-bit arithmetic; with payoffs
    # up to 1e17 the minors leave 128 bits too and the search continues in Python integers.
    # Either way the answer is the numpy kernel's (int64 with proofs, then Python integers);
    # pygambit's too at 1e6 (pygambit 16.7 returns no equilibrium at all for payoffs of 1e17),
    # and at 1e17 every profile is checked to be an exact Nash equilibrium instead.
    from contract_theory.equilibria._lex_search import CompiledSearch

    rng = np.random.default_rng(5)
    A, B = (rng.integers(0, high, (5, 5)) for _ in range(2))
    g = NormalFormGame.from_bimatrix(A, B)
    M = np.ascontiguousarray(ve._positive_integer_matrix(g.table[..., 0]))
    search = CompiledSearch(ve._compiled_kernel(), M, 10**5, 10**6)
    assert search.run() == ve._compiled_kernel().OK
    assert search.tier == tier
    fast = _extreme_equilibria(g, compiled=True)
    assert fast == _extreme_equilibria(g, compiled=False) and fast[0]
    if tier == 2:
        assert set(fast[0]) == _gambit_extreme(g)
    for x, y in fast[0]:  # every action played is a best response, exactly
        for i, own in ((0, x), (1, y)):
            dev = g.deviation_payoffs([x, y], i)
            assert all(dev[a] == max(dev) for a, w in enumerate(own) if w > 0)


def test_compiled_kernel_size_limits():
    g = NormalFormGame.from_bimatrix(np.eye(6, dtype=np.int64), np.eye(6, dtype=np.int64))
    with pytest.raises(SizeLimitError, match="max_vertices=5"):
        ve._analyse(g, 5, None, compiled=True)
    with pytest.raises(SizeLimitError, match="max_bases=7"):
        ve._analyse(g, 10**4, 7, compiled=True)
