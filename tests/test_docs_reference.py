"""The reference pages list every module of their subpackage, and docstring citations of the model resolve."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "contract_theory"

#: reference page -> the packages (or modules) it documents
PAGES = {
    "exact.md": ["contract_theory.exact"], "games.md": ["contract_theory.games"],
    "equilibria.md": ["contract_theory.equilibria"], "contracts.md": ["contract_theory.contracting"],
    "markov.md": ["contract_theory.markov"], "search.md": ["contract_theory.search"],
    "learning.md": ["contract_theory.learning"], "report.md": ["contract_theory.report"],
    "cli.md": ["contract_theory.cli"], "util.md": ["contract_theory.util", "contract_theory.errors"],
    "api.md": ["contract_theory.api"],
}
#: top-level modules (not subpackages) with a page of their own
TOP_MODULES = {"api"}


def _modules(name):
    """The public modules of a package, from the file tree (no imports): private ``_x`` modules left out."""
    path = ROOT / name.replace(".", "/")
    if not path.is_dir():
        return {name}
    out = set()
    for f in path.rglob("*.py"):
        parts = f.relative_to(ROOT).with_suffix("").parts
        parts = parts[:-1] if parts[-1] == "__init__" else parts
        if not any(p.startswith("_") for p in parts):
            out.add(".".join(parts))
    return out


def test_one_reference_page_per_subpackage_listing_all_its_modules():
    subpackages = {p.parent.name for p in PKG.glob("*/__init__.py")}
    assert {PAGES[p][0].split(".")[1] for p in PAGES} == subpackages | TOP_MODULES
    for page, pkgs in PAGES.items():
        listed = re.findall(r"^::: (\S+)$", (ROOT / "docs" / "reference" / page).read_text(), flags=re.M)
        assert len(listed) == len(set(listed)), page
        extra = {"contract_theory"} if page == "api.md" else set()  # the root package's face
        assert set(listed) == set().union(*(_modules(p) for p in pkgs)) | extra, page
    nav = (ROOT / "mkdocs.yml").read_text()
    assert all(f"reference/{page}" in nav for page in PAGES) and "architecture.md" in nav


def test_model_sections_are_numbered_and_every_cited_anchor_exists():
    model = (ROOT / "docs" / "background" / "model.md").read_text()
    heads = re.findall(r"^## (\d+)\. .* \{#(\S+)\}$", model, flags=re.M)
    assert [int(n) for n, _ in heads] == list(range(1, 10))
    assert all(a.startswith(f"{n}-") for n, a in heads)
    anchors = {a for _, a in heads}
    cited = set()
    for f in list(PKG.rglob("*.py")) + list((ROOT / "docs").rglob("*.md")):
        text = f.read_text()
        for m in re.finditer(r"model\.md(#[\w-]+(?:``)?(?:,\s*``?(?:docs/background/model\.md)?#[\w-]+``?)*)", text):
            cited |= set(re.findall(r"#([\w-]+)", m.group(1)))
    assert cited and cited <= anchors, cited - anchors


def _slugs(page):
    """The anchors of a docs page as mkdocs' ``toc`` makes them: an explicit ``{#id}``, else the heading
    lower-cased, punctuation (backticks, dots, quotes) dropped and runs of spaces and hyphens made one hyphen."""
    out = set()
    for head in re.findall(r"^#{1,6} (.+)$", page.read_text(), flags=re.M):
        explicit = re.search(r"\{#([\w-]+)\}\s*$", head)
        if explicit:
            out.add(explicit.group(1))
            continue
        out.add(re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", head).strip().lower()))
    return out


def test_every_cited_docs_anchor_exists():
    """``docs/PAGE.md#anchor`` in the package's docstrings and ``[..](PAGE.md#anchor)`` links between docs
    pages name a heading of that page (counts.py cited ``deciding-claims.md#symmetric-games-by-counts``
    before the page had the section)."""
    cited = []
    for f in PKG.rglob("*.py"):
        cited += [(f, ROOT / "docs" / page, a) for page, a in re.findall(r"docs/([\w/-]+\.md)#([\w-]+)", f.read_text())]
    for f in (ROOT / "docs").rglob("*.md"):
        for page, a in re.findall(r"\]\(([\w./-]+\.md)#([\w-]+)\)", f.read_text()):
            cited.append((f, (ROOT / "docs" / page.lstrip("/")) if page.startswith("/") else f.parent / page, a))
    assert len(cited) > 100 and any(a == "symmetric-games-by-counts" for _, _, a in cited)
    broken = [f"{f.relative_to(ROOT)}: {page.resolve().relative_to(ROOT)}#{a}" for f, page, a in cited
              if not page.is_file() or a not in _slugs(page)]
    assert not broken, "\n".join(broken)
