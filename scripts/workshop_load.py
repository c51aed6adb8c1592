"""Load benchmark of the workshop: N sessions in N Playwright contexts, each moving every ~20 s.

    .venv/bin/python scripts/workshop_load.py [--sessions 40] [--interval 20] [--duration 180]
                                              [--activity challenge_2030]

Starts its own server on 127.0.0.1 (a fresh SQLite store in a temporary folder), creates
one session and one team per context through the store (the prediction entered), then
every context opens its team page in Debian's chromium and, every ``--interval`` seconds
(with jitter), moves one control one step and presses "Apply move". A move's latency runs
from the click to the changed figures on the page. At the end the store's moves are
counted against the moves the browsers saw (lost writes). Bounded by ``--duration``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
from sqlalchemy import func, select

from workshop.activities import activity
from workshop.store.db import open_db
from workshop.store.models import Move
from workshop.store.repo import Store

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def _serve(db_url: str, port: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "workshop" / "app.py"), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    proc = subprocess.Popen(cmd, env={**os.environ, "PARK_TWIN_WORKSHOP_DB": db_url}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    for _ in range(150):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the workshop server did not start")


async def _figures(page) -> str:
    return "|".join(await page.get_by_test_id("stMetricValue").all_inner_texts())


async def _move(page, a, values: dict, stats: dict, rng: random.Random) -> None:
    """One move: a slider one step, Apply, wait until the figures change (60 s at most)."""
    c = rng.choice([c for c in a.controls if c.kind == "slider"])
    up = values[c.id] + c.step <= c.max + 1e-9 and (values[c.id] - c.step < c.min - 1e-9 or rng.random() < 0.6)
    thumb = page.get_by_test_id("stSlider").filter(has_text=c.label.en).get_by_role("slider")
    await thumb.focus(timeout=60_000)
    await thumb.press("ArrowRight" if up else "ArrowLeft")
    values[c.id] += c.step if up else -c.step
    before = await _figures(page)
    started = time.monotonic()
    await page.get_by_role("button", name="Apply move").click(timeout=60_000)
    while await _figures(page) == before:
        if time.monotonic() - started > 60:
            raise TimeoutError("figures did not change within 60 s")
        await asyncio.sleep(0.05)
    stats["latency"].append(time.monotonic() - started)
    stats["moves"] += 1
    if await page.locator("[data-testid='stException'], [data-testid='stAlertContentError']").count():
        stats["errors"] += 1


async def _team(browser, url: str, a, args, stats: dict, rng: random.Random) -> None:
    ctx = await browser.new_context(viewport={"width": 1200, "height": 1400})
    page = await ctx.new_page()
    try:  # a page that never loads counts as an error, not a crash of the whole run
        await page.goto(url, timeout=180_000)
        await page.get_by_role("button", name="Apply move").wait_for(timeout=180_000)
    except Exception:  # noqa: BLE001
        stats["errors"] += 1
        await ctx.close()
        return
    values = a.defaults()
    await asyncio.sleep(rng.uniform(0, args.interval))
    while time.monotonic() < stats["stop"]:
        started = time.monotonic()
        try:
            await _move(page, a, values, stats, rng)
        except Exception:  # noqa: BLE001 - a timed-out or failed move is an error of the run
            stats["errors"] += 1
        await asyncio.sleep(max(0.0, args.interval * rng.uniform(0.75, 1.25) - (time.monotonic() - started)))
    await ctx.close()


async def _staggered(i: int, *team_args) -> None:
    await asyncio.sleep(0.5 * i)  # a class joins over a few seconds, not in one instant
    await _team(*team_args)


async def _run(args, base: str, tokens: list[str]) -> dict:
    from playwright.async_api import async_playwright

    a = activity(args.activity)
    stats = {"latency": [], "moves": 0, "errors": 0, "stop": time.monotonic() + args.duration}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        rngs = [random.Random(args.seed + i) for i in range(len(tokens))]
        await asyncio.gather(*(_staggered(i, browser, f"{base}/?team={tok}&lang=en", a, args, stats, rng)
                               for i, (tok, rng) in enumerate(zip(tokens, rngs, strict=True))))
        await browser.close()
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=40)
    parser.add_argument("--interval", type=float, default=20.0)
    parser.add_argument("--duration", type=float, default=180.0)
    parser.add_argument("--activity", default="challenge_2030")
    parser.add_argument("--port", type=int, default=8599)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="workshop-load-")
    db_url = f"sqlite:///{folder}/workshop.sqlite"
    store = Store(open_db(db_url))
    tokens = []
    a = activity(args.activity)
    for i in range(args.sessions):
        code, _ = store.create_session(args.activity, "en")
        tokens.append(store.join(code, f"team{i}"))
        if a.prediction:
            store.predict(tokens[-1], "main", a.prediction.min)
    proc = _serve(db_url, args.port)
    try:
        stats = asyncio.run(_run(args, f"http://127.0.0.1:{args.port}", tokens))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    with store.factory() as db:
        stored = db.scalar(select(func.count()).select_from(Move))
    lat = np.array(stats["latency"]) if stats["latency"] else np.array([np.nan])
    print(f"sessions {args.sessions}, interval {args.interval:.0f} s, duration {args.duration:.0f} s, "
          f"activity {args.activity}")
    print(f"moves seen {stats['moves']}, errors {stats['errors']}, moves stored {stored}, "
          f"lost writes {max(0, stats['moves'] - stored)}")
    print(f"latency click -> figures [s]: p50 {np.percentile(lat, 50):.2f}  p95 {np.percentile(lat, 95):.2f}  "
          f"max {lat.max():.2f}")


if __name__ == "__main__":
    main()
