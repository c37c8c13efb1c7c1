"""README.md stays true: every setting and command is documented, and CI runs its test command."""

from __future__ import annotations

import re
from pathlib import Path

from bot.engine import COMMANDS
from bot.settings import Settings

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()


def test_every_setting_is_documented() -> None:
    for name in Settings.model_fields:
        assert f"`JALUR_{name.upper()}`" in README, name


def test_no_undocumented_setting_is_mentioned() -> None:
    documented = {f"JALUR_{n.upper()}" for n in Settings.model_fields} | {"JALUR_TEST_POSTGRES_URL"}
    assert set(re.findall(r"JALUR_[A-Z_]+", README)) <= documented


def test_every_command_is_documented() -> None:
    for name in COMMANDS:
        assert f"/{name}" in README, name


def test_ci_runs_the_readme_test_command() -> None:
    marker = README.index("<!-- test-command")
    block = README[marker:].split("```")[1]
    command = block.removeprefix("sh").strip()
    assert "pytest" in command and "pip install" in command
    assert "test-command" in (ROOT / ".ci" / "run").read_text()


def test_the_pack_example_in_the_readme_is_a_valid_pack(tmp_path: Path) -> None:
    from bot.content.loader import load_knowledge
    from bot.quiz.packs import read_pack

    section = README[README.index("### Question packs"):]
    example = section.split("```yaml")[1].split("```")[0]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    pack = read_pack(path, load_knowledge())
    assert pack.name == "kelompok-belajar-jakarta" and len(pack.questions) == 2
