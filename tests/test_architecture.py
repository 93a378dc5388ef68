"""docs/architecture.md names every module of the package, and only modules that exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "contract_theory"


def _tree() -> set[str]:
    """Every module below ``contract_theory`` as a dotted name relative to it (packages' ``__init__`` left out)."""
    out = set()
    for f in PKG.rglob("*.py"):
        parts = f.relative_to(PKG).with_suffix("").parts
        if parts[-1] != "__init__":
            out.add(".".join(parts))
    return out


def _named(text: str, tree: set[str]) -> set[str]:
    """The modules a text names: backticked dotted names (a leading ``contract_theory.`` and a trailing
    attribute such as ``.NormalFormBloc`` or ``.solve_coalition`` are allowed)."""
    found = set()
    for tok in re.findall(r"`([A-Za-z_][\w.]*)`", text):
        tok = tok.removeprefix("contract_theory.")
        parts = tok.split(".")
        for n in range(len(parts), 0, -1):
            if ".".join(parts[:n]) in tree:
                found.add(".".join(parts[:n]))
                break
    return found


def test_architecture_names_every_module():
    tree = _tree()
    text = (ROOT / "docs" / "architecture.md").read_text()
    missing = tree - _named(text, tree)
    assert not missing, f"docs/architecture.md does not name {sorted(missing)}"
    assert len(tree) >= 98


def test_architecture_names_no_module_that_does_not_exist():
    """Every backticked name that looks like one of our module paths (layer.module) is a module or a
    package of the tree, so a rename cannot leave a stale path behind."""
    tree = _tree()
    packages = {".".join(p.relative_to(PKG).parts) for p in PKG.rglob("__init__.py") for p in [p.parent]} - {""}
    layers = {p.split(".")[0] for p in packages}
    text = (ROOT / "docs" / "architecture.md").read_text()
    stale = []
    for tok in re.findall(r"`([a-z_][\w.]*)`", text):
        tok = tok.removeprefix("contract_theory.")
        parts = tok.split(".")
        if parts[0] in layers and len(parts) >= 2 and all(p.islower() or p.startswith("_") for p in parts[:2]):
            if not any(".".join(parts[:n]) in tree | packages for n in range(len(parts), 1, -1)):
                stale.append(tok)
    assert not stale, f"docs/architecture.md names paths that do not exist: {stale}"


def test_the_analyze_trace_passes_through_one_engine_for_every_kind():
    """The page's example trace names the engine's functions once and reaches them from all three adapters."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    trace = text[text.index("Example: `contract-theory analyze"):]
    for name in ("contracting.coalitions.partial_contracts.partial_contract_study",
                 "contracting.coalitions.bloc.solve_all_coalitions", "contracting.coalitions.stability.coalition_stability",
                 "contracting.coalitions.normal_form.NormalFormBloc", "markov.coalitions.MarkovBloc",
                 "contracting.coalitions.compact.CompactBloc"):
        assert f"`{name}`" in trace, name
    from contract_theory.contracting.coalitions.compact import CompactBloc
    from contract_theory.contracting.coalitions.normal_form import NormalFormBloc
    from contract_theory.markov.coalitions import MarkovBloc
    for adapter in (NormalFormBloc, MarkovBloc, CompactBloc):  # the names in the trace are the real adapters
        for method in ("coalitions", "outsiders_equilibria", "bloc_equilibria", "evaluate", "build",
                       "stability_value", "movers"):
            assert callable(getattr(adapter, method)), (adapter, method)
