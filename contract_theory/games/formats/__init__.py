"""Game file formats: Gambit strategic-form ``.nfg`` and the contract-theory JSON game format.

Both readers return a :class:`~contract_theory.games.normal_form.NormalFormGame` with exact payoffs and
raise :class:`~contract_theory.errors.ParseError` (naming the line / key and the token) on
malformed input.  Both writers are lossless for titles, player names, action labels and
payoffs.  The formats are documented in ``docs/formats.md``.

Examples
--------
>>> from contract_theory.games.library import prisoners_dilemma
>>> parse_nfg(write_nfg(prisoners_dilemma())) == prisoners_dilemma()
True
>>> game_from_json_dict(game_to_json_dict(prisoners_dilemma())) == prisoners_dilemma()
True
"""

from contract_theory.games.formats.json_game import (
                        FORMAT_NAME,
                        FORMAT_VERSION,
                        game_from_json_dict,
                        game_to_json_dict,
                        parse_json_game,
                        read_json_game,
                        write_json_game,
)
from contract_theory.games.formats.nfg import parse_nfg, read_nfg, write_nfg

__all__ = [
    "parse_nfg", "read_nfg", "write_nfg",
    "game_to_json_dict", "game_from_json_dict", "parse_json_game", "read_json_game", "write_json_game",
    "FORMAT_NAME", "FORMAT_VERSION",
]
