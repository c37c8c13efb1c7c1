"""The dashboard for a heavy learner: the size of its JSON and how long the page takes to draw it.

A learner with 10,000 answers over 400 days (and a card for every question of the bank) next to the
baseline, a learner who just finished setup, in the same run: the JSON's size, the server's time to
build it, and, in Debian's headless Chromium, the time from navigation to the page drawn (the page
records it as ``data-rendered-ms``). Targets: under 200 kB and under a second.

    python benchmarks/dashboard_size.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (str(ROOT), str(ROOT / "tests")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from browser import missing, run, start, wait_for  # noqa: E402
from chat import Chat  # noqa: E402
from dashboard_history import LOOK_AT, heavy_learner  # noqa: E402
from dashboard_web import Web, web_settings  # noqa: E402

from bot.content.loader import load_knowledge  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.features.dashboard_link import link_secret  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.storage.database import Database  # noqa: E402
from bot.storage.repository import Repository  # noqa: E402
from bot.webauth import sign_link  # noqa: E402


async def _token(engine: Engine, learner_id: int) -> str:
    async with engine.db.transaction() as session:
        learner = (await Repository(session).learners_by_id([learner_id]))[learner_id]
        created = learner.created_at
    secret = link_secret(engine.settings)
    assert secret is not None
    return sign_link(secret, learner_id, created, LOOK_AT)


async def _draw_ms(driver: object, url: str) -> float:
    await run(driver.get, "about:blank")  # type: ignore[attr-defined]
    await run(driver.get, url)  # type: ignore[attr-defined]
    await wait_for(driver, lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))
    return float(await run(driver.execute_script,  # type: ignore[attr-defined]
                           "return Number(document.body.dataset.renderedMs)"))


async def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite+aiosqlite:///{folder}/bench.db")
        await db.upgrade()
        engine = Engine(db, load_knowledge(), web_settings(Settings(_env_file=None)))
        baseline = Chat(engine, "light", now=LOOK_AT)
        await baseline.onboard()
        light_id = await engine.learner_of("test", "light")
        assert light_id is not None
        heavy_id = await heavy_learner(engine, LOOK_AT)
        learners = {"baseline (no history)": light_id, "10,000 answers": heavy_id}
        driver = None if missing() else start()
        try:
            async with Web(engine, lambda: LOOK_AT) as web:
                rows = []
                for name, learner_id in learners.items():
                    token = await _token(engine, learner_id)
                    sizes, builds, draws = [], [], []
                    for _ in range(rounds):
                        started = time.perf_counter()
                        status, body, _ = await web.get("/api/v1/dashboard", f"Bearer {token}")
                        builds.append((time.perf_counter() - started) * 1000)
                        assert status == 200
                        sizes.append(len(body))
                        if driver is not None:
                            draws.append(await _draw_ms(driver, web.url("/") + "#t=" + token))
                    rows.append((name, sizes[-1], statistics.median(builds),
                                 statistics.median(draws) if draws else None))
        finally:
            if driver is not None:
                driver.quit()
            await db.close()
    base = rows[0]
    print(f"{'learner':<24}{'JSON bytes':>12}{'build ms':>10}{'page drawn ms':>15}")
    for name, size, build, draw in rows:
        drawn = f"{draw:.0f}" if draw is not None else "no browser"
        print(f"{name:<24}{size:>12,}{build:>10.1f}{drawn:>15}")
    name, size, build, draw = rows[1]
    print(f"ratios heavy / baseline: JSON {size / base[1]:.1f}x, build {build / base[2]:.1f}x"
          + (f", drawn {draw / base[3]:.2f}x" if draw is not None and base[3] else ""))
    print(f"targets: JSON < 200 kB: {'met' if size < 200_000 else 'NOT met'}"
          + (f"; drawn < 1 s: {'met' if draw < 1000 else 'NOT met'}" if draw is not None else
             "; no headless Chromium here (apt-get install chromium chromium-driver)"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="measurements per learner (the median is shown)")
    asyncio.run(main(parser.parse_args().rounds))
