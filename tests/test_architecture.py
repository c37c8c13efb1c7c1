"""The shape of the house: the core never imports a chat platform or an adapter."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parents[1]
FORBIDDEN = ("telegram", "discord", "adapters")


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
