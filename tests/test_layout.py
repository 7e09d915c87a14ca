"""The package layout: one package per stage, imports that flow one way, no cycles, and commands
that load only their own stage."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "verifier"
# The stages in the order data flows through them; a module may import its own stage, an
# earlier one and the shared modules at module level, never a later stage.
STAGES = ("article", "quotes", "archive", "verify", "report", "web", "cli")
SHARED = {"__init__", "__main__", "config", "errors", "textnorm", "records", "lazy", "inputs", "decoding", "budget"}
ENTRY = "verifier.__main__"  # `python -m verifier`: above every stage, it starts the command line
FIXTURE_ARTICLE = ROOT / "fixtures" / "articles" / "opposition-reply.txt"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def resolve(node: ast.ImportFrom, module: str, package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def module_level_imports(path: Path) -> set[str]:
    """The verifier modules ``path`` imports when it is imported: top-level statements only (not
    imports inside functions, which run later, nor ``if TYPE_CHECKING:`` blocks, which never run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module, package = module_name(path), is_package(path)
    found: set[str] = set()

    def visit(body):
        for node in body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, (ast.If, ast.Try)):
                visit(node.body)
                visit(getattr(node, "orelse", []))
                for h in getattr(node, "handlers", []):
                    visit(h.body)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                target = resolve(node, module, package)
                for a in node.names:  # "from pkg import submodule" imports the submodule
                    sub = f"{target}.{a.name}"
                    found.add(sub if (ROOT / Path(*sub.split("."))).exists()
                              or (ROOT / Path(*sub.split("."))).with_suffix(".py").exists() else target)

    visit(tree.body)
    return {m for m in found if m == "verifier" or m.startswith("verifier.")}


def graph() -> dict[str, set[str]]:
    return {module_name(p): module_level_imports(p) for p in PACKAGE.rglob("*.py")}


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_every_module_belongs_to_a_stage_or_is_shared():
    strays = [p.name for p in PACKAGE.glob("*.py") if p.stem not in SHARED]
    folders = [p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name not in STAGES and p.name != "__pycache__"]
    assert strays == [] and folders == []


def test_every_stage_package_says_what_it_owns():
    for stage in STAGES:
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text()))
        assert doc and len(doc.split()) >= 12, stage


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle a depth-first walk of the import graph meets, as a list of modules."""
    state: dict[str, int] = {}
    cycles = []

    def walk(node, stack):
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if nxt not in edges:
                continue
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                walk(nxt, stack + [nxt])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            walk(start, [start])
    return cycles


def test_no_import_cycle():
    assert find_cycles(graph()) == []


def test_the_cycle_finder_finds_a_cycle(tmp_path, monkeypatch):
    """The walker above is only worth something if it sees a cycle where there is one."""
    pkg = tmp_path / "verifier"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from verifier.b import x\n")
    (pkg / "b.py").write_text("from verifier import a\nx = 1\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    (pkg / "c.py").write_text("import typing\nif typing.TYPE_CHECKING:\n    from verifier import a\n"
                              "def f():\n    from verifier import b\n")
    assert module_level_imports(pkg / "b.py") == {"verifier.a"}
    assert module_level_imports(pkg / "a.py") == {"verifier.b"}
    assert module_level_imports(pkg / "c.py") == set()
    edges = {module_name(f): module_level_imports(f) for f in pkg.glob("*.py")}
    assert find_cycles(edges) == [["verifier.a", "verifier.b", "verifier.a"]]


def test_no_stage_imports_a_later_stage():
    backwards = []
    for module, imports in graph().items():
        own = stage_of(module)
        rank = STAGES.index(own) if own else len(STAGES) if module == ENTRY else -1
        for imported in imports:
            other = stage_of(imported)
            if other and STAGES.index(other) > rank:
                backwards.append(f"{module} -> {imported}")
    assert backwards == []


@pytest.mark.parametrize("stage", ["archive", "verify", "report", "web"])
def test_quotes_command_loads_no_later_stage(stage):
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "verifier", "quotes", str(FIXTURE_ARTICLE)],
                         capture_output=True, text=True, check=True)
    loaded = {line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines() if "|" in line}
    assert "verifier.quotes.extract" in loaded
    assert sorted(m for m in loaded if m.startswith(f"verifier.{stage}")) == []


def _loaded_by(*argv: str) -> set[str]:
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "verifier", *argv],
                         capture_output=True, text=True)
    return {line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines() if "|" in line}


@pytest.mark.parametrize("argv", [["--help"], ["archive", "--help"], ["check", "--help"], ["config", "--help"]])
def test_help_loads_no_stage_and_no_database_library(argv):
    """Help is parsing only: no stage's work, no sqlite_utils, no markdown or HTML readers."""
    loaded = _loaded_by(*argv)
    assert "verifier.cli" in loaded
    heavy = sorted(m for m in loaded if m.startswith(("verifier.quotes.", "verifier.archive.", "verifier.verify.",
                                                      "verifier.article.", "sqlite_utils", "markdown_it", "rich"))
                   and m != "verifier.verify.verdicts")   # the verdict names, for --fail-on's choices
    assert heavy == []


def test_the_source_formats_the_command_line_offers_are_the_readers():
    from verifier.archive.sources import FORMATS
    from verifier.cli.archive import SOURCE_FORMATS
    assert sorted(set(FORMATS.values())) == list(SOURCE_FORMATS)


def test_public_names_of_each_stage_import():
    import importlib

    for stage in ("article", "quotes", "archive", "verify", "report", "archive.fetch"):
        package = importlib.import_module(f"verifier.{stage}")
        for name in package.__all__:
            assert getattr(package, name) is not None, f"verifier.{stage}.{name}"
        with pytest.raises(AttributeError):
            getattr(package, "no_such_name")


def test_the_readme_python_imports_work():
    """Every import in the README's Python examples names something that exists."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    imports = [line for block in blocks for line in block.splitlines() if line.startswith(("from verifier", "import verifier"))]
    assert len(imports) >= 3
    for line in imports:
        exec(line, {})
