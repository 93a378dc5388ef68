"""Compact games from specs and files: routing, the JSON format, errors."""

import json

import pytest

from contract_theory.errors import ParseError
from contract_theory.games.compact import AggregativeGame, AnonymousGame
from contract_theory.games.compact_library import (
    COMPACT_ABOVE,
    commons_compact,
    iea,
    public_goods_compact,
    volunteers_dilemma_compact,
)
from contract_theory.games.formats.compact_json import (
    FORMAT,
    compact_game_from_dict,
    compact_game_to_dict,
    write_compact_game,
)
from contract_theory.games.library import public_goods
from contract_theory.games.loading import load_game
from contract_theory.games.normal_form import NormalFormGame


def test_spec_routing():
    assert isinstance(load_game("public_goods:n=4,r=3,e=1"), NormalFormGame)
    assert load_game(f"public_goods:n={COMPACT_ABOVE},r=3,e=1").n_players == COMPACT_ABOVE
    assert isinstance(load_game(f"public_goods:n={COMPACT_ABOVE + 1},r=3,e=1"), AggregativeGame)
    assert isinstance(load_game("public_goods:n=4,r=3,e=1,compact=true"), AggregativeGame)
    typed = load_game("public_goods:counts=60|40,e=1|2,r=3")
    assert typed.type_counts == (60, 40) and typed.actions == (("0", "1"), ("0", "2"))
    dense_iea = load_game("iea:n=3,b=1,c=2,compact=false")
    assert isinstance(dense_iea, NormalFormGame) and dense_iea == iea(3, 1, 2).to_dense()
    assert load_game("public_goods:n=4,compact=false") == public_goods(4)
    with pytest.raises(ParseError, match="no parameter"):
        load_game("iea:n=4,d=3")


@pytest.mark.parametrize("game", [iea(counts=[2, 3], b=[1, 2], c="1/2"), public_goods_compact(counts=[2, 2], e=[1, 2], r=3),
                                  volunteers_dilemma_compact(counts=[2, 1], c=[1, "1/2"]), commons_compact(3)],
                         ids=lambda g: g.title)
def test_json_round_trip(tmp_path, game):
    path = tmp_path / "g.json"
    write_compact_game(game, path)
    back = load_game(str(path))
    assert isinstance(back, AnonymousGame)
    assert back.to_dense() == game.to_dense()
    assert back.type_counts == game.type_counts and back.title == game.title
    assert json.loads(path.read_text())["kind"] == ("aggregative" if isinstance(game, AggregativeGame) else "anonymous")


def test_json_errors():
    good = compact_game_to_dict(volunteers_dilemma_compact(2))
    with pytest.raises(ParseError, match="no row for type 0, action 0"):
        compact_game_from_dict({**good, "payoffs": [r for r in good["payoffs"] if r["counts"] != [[2, 0]]]})
    with pytest.raises(ParseError, match="version"):
        compact_game_from_dict({**good, "version": 9})
    with pytest.raises(ParseError, match="kind"):
        compact_game_from_dict({**good, "kind": "graphical"})
    with pytest.raises(ParseError, match="exact strings"):
        compact_game_from_dict({**good, "payoffs": [{**good["payoffs"][0], "payoff": 0.1}] + good["payoffs"][1:]})
    with pytest.raises(ParseError, match="count"):
        compact_game_from_dict({"format": FORMAT, "version": 1, "kind": "anonymous",
                                "types": [{"count": 0, "actions": ["a"]}], "payoffs": []})


def test_report_section_has_a_game_with_100_players(tmp_path):
    from contract_theory.report.compact_study import compact_section
    from contract_theory.report.study import EXTRA_SECTIONS

    assert compact_section in EXTRA_SECTIONS
    md, doc = compact_section(str(tmp_path), games=(("iea:n=100,b=1,c=1", 100),))
    (game,) = doc["compact"]
    assert game["players"] == 100 and game["stable_sizes"] == [3] and game["stable_sizes_tie_outside"] == [2]
    assert game["spe"] is None  # iea has N + 1 actions: too many count matrices for the SPE check
    assert "Stable sizes: 3 (indifferent agents stay in)" in md and "[3]" not in md
    assert (tmp_path / "iea-n-100-b-1-c-1-welfare.png").exists()
    assert "composition" in (tmp_path / "iea-n-100-b-1-c-1.tex").read_text()
