"""The shape of the house: the core never imports a chat platform or an adapter, and inside
``bot/`` imports point down the layer table (README, "Where things live"), never up, never in a circle."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

ROOT = Path(__file__).parents[1]
FORBIDDEN = ("telegram", "discord", "adapters")

# The layers inside bot/, top to bottom. A module may import modules of its own layer and of
# every layer below it. The table is the one in README.md ("Where things live").
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("processes", ("bot.cli", "bot.service", "bot.platforms", "bot.health", "bot.shutdown", "bot.web")),
    ("engine", ("bot.engine",)),
    ("features", ("bot.features",)),
    ("domain", ("bot.roadmap", "bot.quiz", "bot.streaks", "bot.pushes")),
    ("storage", ("bot.storage",)),
    ("foundations", ("bot.content", "bot.i18n", "bot.intents", "bot.localtime", "bot.conversation",
                     "bot.markup", "bot.outbound", "bot.platform_status", "bot.settings", "bot.metrics",
                     "bot.logs", "bot.webauth")),
]
# Inside the domain layer, which package may use which (pushes and roadmap use no other domain package).
DOMAIN_USES = {"bot.quiz": {"bot.roadmap"}, "bot.streaks": {"bot.pushes"}, "bot.roadmap": set(),
               "bot.pushes": set()}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _bot_imports(path: Path) -> list[tuple[str, int]]:
    """Every ``bot.*`` module the file imports (deferred imports inside functions too), with line numbers."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names if alias.name.split(".")[0] == "bot"]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            if base.split(".")[0] != "bot":
                continue
            for alias in node.names:  # `from bot.features import quiz` imports the module bot.features.quiz
                submodule = f"{base}.{alias.name}"
                found.append((submodule if _exists(submodule) else base, node.lineno))
    return found


def _exists(module: str) -> bool:
    path = ROOT.joinpath(*module.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _layer(module: str) -> int | None:
    for rank, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    return None


def _domain_package(module: str) -> str | None:
    return next((p for p in DOMAIN_USES if module == p or module.startswith(p + ".")), None)


def _core_modules() -> dict[str, Path]:
    return {_module_name(f): f for f in (ROOT / "bot").rglob("*.py")
            if ("migrations" not in f.parts and f.name != "__init__.py") or f.parent == ROOT / "bot"}


def test_every_core_module_has_a_layer() -> None:
    modules = _core_modules()
    assert len(modules) > 40
    assert sorted(m for m in modules if m != "bot" and _layer(m) is None) == []


def test_imports_point_down_the_layer_table() -> None:
    upward = []
    for module, path in _core_modules().items():
        mine = _layer(module)
        if mine is None:
            continue
        for target, line in _bot_imports(path):
            theirs = _layer(target)
            if theirs is not None and theirs < mine:
                upward.append(f"{path.relative_to(ROOT)}:{line} ({LAYERS[mine][0]}) imports {target} "
                              f"({LAYERS[theirs][0]})")
            source, used = _domain_package(module), _domain_package(target)
            if source and used and source != used and used not in DOMAIN_USES[source]:
                upward.append(f"{path.relative_to(ROOT)}:{line} ({source}) imports {target} ({used})")
    assert upward == []


def test_no_import_circle_in_the_core() -> None:
    modules = _core_modules()
    graph = {module: {t for t, _ in _bot_imports(path) if t in modules and t != module}
             for module, path in modules.items()}
    graphlib.TopologicalSorter(graph).prepare()  # raises CycleError naming the circle


def test_the_layer_table_is_written_down_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for name, prefixes in LAYERS:
        assert f"| {name} |" in readme
        for prefix in prefixes:
            assert f"`{prefix.replace('.', '/')}" in readme, prefix


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_bot_imports_no_platform_or_adapter() -> None:
    files = list((ROOT / "bot").rglob("*.py"))
    assert len(files) > 10
    offenders = {f.relative_to(ROOT).as_posix(): sorted(_imports(f) & set(FORBIDDEN)) for f in files}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_knowledge_holds_content_only() -> None:
    code = [p for p in (ROOT / "knowledge").rglob("*.py") if p.name != "__init__.py"]
    assert code == []
    init = (ROOT / "knowledge" / "__init__.py").read_text()
    assert ast.get_docstring(ast.parse(init)) and len(ast.parse(init).body) == 1


def test_no_adapter_module_shadows_an_sdk() -> None:
    for name in ("telegram.py", "discord.py"):
        assert not list(ROOT.glob(f"*/{name}")) and not (ROOT / name).exists()
