"""requirements.lock (pip-compile's output) pins every dependency, direct and indirect, of Jalur
and its test extra; the README's commands and the Dockerfile install with it, so two installs
get the same versions."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)$")
RELOCK = ("pip-compile --extra=test --no-emit-find-links --no-emit-index-url --output-file=requirements.lock "
          "--strip-extras pyproject.toml")


def _lock() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = PIN.match(line.strip())
        assert match, f"not an exact pin: {line!r}"
        pins[canonicalize_name(match[1])] = match[2]
    return pins


def _direct() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(text) for text in [*project["dependencies"], *project["optional-dependencies"]["test"]]]


def test_every_dependency_in_pyproject_is_pinned_within_its_range() -> None:
    pins = _lock()
    for requirement in _direct():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not in requirements.lock; run {RELOCK}"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {name}=={pins[name]}, outside {requirement}; run {RELOCK}")


def test_the_lock_is_closed_and_this_environment_installed_it() -> None:
    """Walk the dependencies from pyproject through each installed package's own requirements
    (their extras and markers as pip evaluates them here): each one is pinned, within the range
    asked for, and installed at the pinned version; nothing pinned is unused."""
    pins = _lock()
    todo = [(requirement, "") for requirement in _direct()]
    reached: set[str] = set()
    walked: set[tuple[str, str]] = set()
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} (needed as {requirement}) is not in requirements.lock; run {RELOCK}"
        assert requirement.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]} vs {requirement}"
        installed = metadata.version(requirement.name)
        assert installed == pins[name], (
            f"{name} {installed} is installed, requirements.lock pins {pins[name]}: "
            "pip install -c requirements.lock -e '.[test]'")
        for wanted in ["", *sorted(requirement.extras)]:
            if (name, wanted) in walked:
                continue
            walked.add((name, wanted))
            todo += [(Requirement(text), wanted) for text in metadata.requires(requirement.name) or []]
        reached.add(name)
    assert set(pins) == reached, f"pinned but needed by nothing: {sorted(set(pins) - reached)}"


def test_the_readme_and_the_dockerfile_install_with_the_lock() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("## Chatting in the terminal", 1)[0]
    installs = re.findall(r"pip install [^&\n]+", quick_start)
    assert len(installs) == 2 and all("-c requirements.lock" in command for command in installs), installs
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY pyproject.toml README.md requirements.lock" in dockerfile
    assert re.search(r"pip install --constraint requirements\.lock \.$", dockerfile, flags=re.MULTILINE)
