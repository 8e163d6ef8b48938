"""The tree is the pipeline: a stage imports only the stages before it (and the shared core).

Checked on the source (no imports run): every `from evalgen… import` / relative import of a
module is resolved to its subpackage, and its layer must not be above the importer's.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "evalgen"

# Lower layers never import higher ones. Charts draw plain data and need only the core. The
# model's vocabulary (`model.schema`) comes before the rule table (`scoring.rules`,
# `ruletable`, `vectorized`, `redistribution`: pure functions on values), which comes before
# the model's meaning checks that read it.
LAYERS = {
    "problems": 0,
    "numbers": 0,
    "yamlfile": 0,
    "resources": 0,
    "fastpaths": 0,
    "charts": 1,
    "schema": 2,
    "rules": 3,
    "model": 4,
    "inputs": 5,
    "scoring": 6,
    "analysis": 7,
    "progress": 7,
    "collection": 7.5,  # forms and returns: reads like inputs, checks with the scoring rules; period forms follow progress
    "outputs": 8,
    "documents": 9,
    "pipeline": 10,
    "cli": 11,
    "__init__": 11,
    "__main__": 12,
}
RULE_MODULES = {"rules", "ruletable", "vectorized", "redistribution", "conditions"}
# Within one layer, these may not import each other either.
SEPARATE = {frozenset({"outputs", "charts"}), frozenset({"analysis", "progress"})}
# Deliberate exceptions, with the reason.
ALLOWED = {
    # The workers' fork server imports what a worker runs: started from the `evalgen`
    # script, a worker imports the CLI as its main module.
    ("documents", "cli"),
    # The one version string lives in evalgen/__init__.py, which imports nothing when loaded.
    ("pipeline", "__init__"),
}


def _stage(parts: tuple[str, ...]) -> str:
    """The stage of module `evalgen.<parts>`: its subpackage, or its own name at the top."""
    while parts and not (
        PACKAGE.joinpath(*parts).with_suffix(".py").is_file() or PACKAGE.joinpath(*parts).is_dir()
    ):
        parts = parts[:-1]  # `from . import __version__`: a name, not a module
    if not parts:
        return "__init__"
    if parts in {("model", "schema"), ("model", "progress_schema")}:
        return "schema"
    if parts[0] == "scoring" and len(parts) > 1 and parts[1] in RULE_MODULES:
        return "rules"
    return parts[0]


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, stage) for every evalgen module that `path` imports."""
    rel = path.relative_to(PACKAGE).with_suffix("").parts
    package = rel[:-1]  # the package a relative import starts from (also for __init__)
    out = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # Imports under `if TYPE_CHECKING:` name types for the checker and run nothing: the
    # follow-up conditions (a rule-layer table) are typed by the results they look at.
    type_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = (*base, *(node.module.split(".") if node.module else ()))
                if not node.module:  # from . import x, y
                    for alias in node.names:
                        out.append((node.lineno, _stage((*target, alias.name))))
                    continue
            elif node.module and node.module.split(".")[0] == "evalgen":
                target = tuple(node.module.split(".")[1:])
            else:
                continue
            out.append((node.lineno, _stage(target)))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "evalgen":
                    out.append((node.lineno, _stage(tuple(parts[1:]))))
    return out


SOURCES = sorted(PACKAGE.rglob("*.py"))


def _module(path: Path) -> tuple[str, ...]:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts


def test_every_module_is_in_a_layer():
    stages = {_stage(_module(p)) for p in SOURCES}
    assert stages <= set(LAYERS), stages - set(LAYERS)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_a_stage_imports_only_earlier_stages(path):
    me = _stage(_module(path))
    wrong = [
        f"line {line}: {me} → {stage}"
        for line, stage in _imports(path)
        if stage != me
        and (me, stage) not in ALLOWED
        and (LAYERS[stage] > LAYERS[me] or frozenset({me, stage}) in SEPARATE)
    ]
    assert wrong == []


def test_the_check_sees_a_backward_import(tmp_path, monkeypatch):
    """A model module importing scoring would be found (the check is not vacuous)."""
    fake = PACKAGE / "model" / "schema.py"
    source = fake.read_text(encoding="utf-8") + "\nfrom ..scoring.rules import Peers\n"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    assert (len(source.splitlines()), "rules") in _imports(fake)
    assert LAYERS["rules"] > LAYERS["schema"]
