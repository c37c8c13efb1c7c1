"""A headless Chromium for the dashboard tests: Debian's ``chromium`` and ``chromium-driver`` driven by
selenium, with every request outside this machine blocked (Telegram's script included: the page must
work without it). Calls go through ``run`` in a thread, so the test's own event loop keeps serving the
page meanwhile."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).parent / "artifacts" / "dashboard"
MOBILE = (412, 915)
INSTALL = "apt-get install chromium chromium-driver (Debian/Ubuntu), then pip install '.[test]' for selenium"
ON_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

T = TypeVar("T")


def missing() -> str | None:
    """What is missing to run a headless Chromium here (``None`` when nothing is)."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (Path(path).exists() or shutil.which(path)):
            return f"no {path}"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "no selenium"
    return None


def start() -> Any:
    """A headless Chromium at a phone's size, or a skip (a failure on CI) naming what to install."""
    problem = missing()
    if problem:
        message = f"the dashboard's browser tests need a headless Chromium ({problem}): {INSTALL}"
        if ON_CI:
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking", "--disable-extensions",
                 f"--window-size={MOBILE[0]},{MOBILE[1]}", "--force-device-scale-factor=1", "--lang=en-US"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*://telegram.org/*", "*://*.telegram.org/*"]})
    return driver


async def run(call: Callable[..., T], *args: Any) -> T:
    """A blocking selenium call in a thread (the page's server runs on this loop)."""
    return await asyncio.to_thread(call, *args)


async def wait_for(driver: Any, condition: Callable[[Any], Any], timeout: float = 20.0) -> Any:
    """Wait until ``condition(driver)`` is truthy (selenium's WebDriverWait, in a thread)."""
    from selenium.webdriver.support.ui import WebDriverWait

    return await run(WebDriverWait(driver, timeout).until, condition)


async def screenshot(driver: Any, name: str) -> Path:
    """The whole page at the phone's width, as ``tests/artifacts/dashboard/NAME.png``, and the phone's
    first screen of it as ``NAME-screen.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await run(driver.save_screenshot, str(ARTIFACTS / f"{name}-screen.png"))
    height = await run(driver.execute_script, "return document.documentElement.scrollHeight")
    await run(driver.set_window_size, MOBILE[0], min(max(int(height) + 20, MOBILE[1]), 3000))
    path = ARTIFACTS / f"{name}.png"
    await run(driver.save_screenshot, str(path))
    await run(driver.set_window_size, *MOBILE)
    return path
