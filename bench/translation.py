"""Machine-translation benchmark: 200 short workplace phrases.

Three ways, in one run, each while a probe measures how late the event loop wakes up:
- baseline: argos-translate called directly on the event loop (what a naive bot does),
- Jobbvenn cold: `bot.translation` with an empty cache (worker process, bounded queue),
- Jobbvenn cached: the same phrases again (answered from SQLite).
Reports phrases per second and the largest event-loop delay, with ratios to the baseline.

No real model can be downloaded here, so the model is the tiny one the tests build:
the figures measure Jobbvenn's own cost around a model, not a model's speed.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THINGS = ["arbeidstøy", "timelisten", "nøkkelkortet", "matpakke", "vernesko", "hansker", "mobilen", "bankkortet"]
TIMES = ["i morgen", "på mandag", "klokka sju", "før lunsj", "etter vakta"]
VERBS = ["Husk", "Ta med", "Legg fra deg", "Vis fram", "Sjekk"]
PHRASES = [f"{v} {t} {w}." for v, t, w in itertools.product(VERBS, THINGS, TIMES)][:200]
BATCH = 20


class LoopProbe:
    """Wakes every 5 ms and records how much later than asked it woke: the loop's delay."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._stop = asyncio.Event()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._stop.is_set():
            asked = loop.time()
            await asyncio.sleep(0.005)
            self.worst = max(self.worst, loop.time() - asked - 0.005)

    def stop(self) -> None:
        self._stop.set()


async def _measure(work) -> dict:
    probe = LoopProbe()
    task = asyncio.create_task(probe.run())
    await asyncio.sleep(0.02)
    start = time.perf_counter()
    await work()
    seconds = time.perf_counter() - start
    probe.stop()
    await task
    return {"phrases_per_s": round(len(PHRASES) / seconds, 1), "max_loop_delay_ms": round(probe.worst * 1000, 1)}


def _install(folder: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from tests import tiny_argos

    built = tiny_argos.build(folder / "nb_en.argosmodel", "nb", "en")
    env = {**os.environ, "JOBBVENN_DB": str(folder / "x.sqlite3"), "JOBBVENN_TRANSLATION_DIR": str(folder / "packages")}
    subprocess.run([sys.executable, "-m", "bot", "translate", "install", str(built)], env=env, check=True, cwd=ROOT,
                   capture_output=True)


async def _run(folder: Path) -> dict:
    from bot import argos_worker
    from bot.storage import Storage
    from bot.translation import MachineTranslation

    storage = Storage(folder / "bench.sqlite3")
    machine = MachineTranslation(storage, folder / "packages")
    await machine.translate("Hei.", "nb", "en")  # start the worker and load the model, not counted

    async def through_jobbvenn():
        for i in range(0, len(PHRASES), BATCH):
            await machine.translate_batch(PHRASES[i : i + BATCH], "nb", "en")

    cold = await _measure(through_jobbvenn)
    cached = await _measure(through_jobbvenn)
    machine.close()
    storage.close()

    argos_worker.configure(folder / "packages")  # the baseline, in this process, on the loop
    argos_worker.translate_batch(["Hei."], "nb", "en")

    async def directly_on_the_loop():
        for i in range(0, len(PHRASES), BATCH):
            argos_worker.translate_batch(PHRASES[i : i + BATCH], "nb", "en")
            await asyncio.sleep(0)

    baseline = await _measure(directly_on_the_loop)
    return {"baseline_direct": baseline, "jobbvenn_cold": cold, "jobbvenn_cached": cached}


def run() -> dict:
    import importlib.util

    if importlib.util.find_spec("argostranslate") is None:
        return {"skipped": "the translate extra is not installed"}
    folder = Path(tempfile.mkdtemp(prefix="jobbvenn-bench-mt-"))
    _install(folder)
    results = asyncio.run(_run(folder))
    base = results["baseline_direct"]
    for name in ("jobbvenn_cold", "jobbvenn_cached"):
        r = results[name]
        r["throughput_vs_baseline"] = round(r["phrases_per_s"] / base["phrases_per_s"], 2)
        r["goal_loop_delay_under_50ms"] = r["max_loop_delay_ms"] < 50
    results["phrases"] = len(PHRASES)
    return results


def table(results: dict) -> str:
    if "skipped" in results:
        return f"Translation: skipped ({results['skipped']})"
    lines = [f"Translation: {results['phrases']} phrases in batches of {BATCH} (tiny test model: Jobbvenn's cost, not a model's)",
             f"{'path':<18}{'phrases/s':>11}{'max loop delay ms':>19}{'vs baseline':>13}"]
    for name in ("baseline_direct", "jobbvenn_cold", "jobbvenn_cached"):
        r = results[name]
        lines.append(f"{name:<18}{r['phrases_per_s']:>11}{r['max_loop_delay_ms']:>19}{r.get('throughput_vs_baseline', 1.0):>13}")
    ok = all(results[n]["goal_loop_delay_under_50ms"] for n in ("jobbvenn_cold", "jobbvenn_cached"))
    lines.append(f"goal: the loop is never blocked more than 50 ms: {'met' if ok else 'NOT met'}")
    return "\n".join(lines)
