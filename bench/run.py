"""Runs every benchmark and writes bench/results/latest.json and a readable table.

    .venv/bin/python -m bench.run            # the full sizes
    .venv/bin/python -m bench.run --quick    # small sizes, to check the benchmarks work

Each figure comes with its baseline, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from bench import events_feed, load, picture_cards, reminders, startup, translation, vocabulary

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("--quick", action="store_true", help="small sizes (seconds, not minutes)")
    args = parser.parse_args(argv)
    sizes = {"n_events": 20_000, "n_candidates": 500, "pages": 50} if args.quick else {}
    started = time.strftime("%Y-%m-%dT%H:%M:%S")
    results = {"started": started, "machine": platform.platform(), "python": platform.python_version(),
               "events_feed": events_feed.run(**sizes), "translation": translation.run(),
               "picture_cards": picture_cards.run(render_limit=25 if args.quick else None),
               "vocabulary": vocabulary.run(n_items=500 if args.quick else 5000),
               "reminders": reminders.run(n=1000, unthrottled=300, baseline=200) if args.quick else reminders.run(),
               "startup": startup.run(candidates=1000, rounds=1) if args.quick else startup.run(),
               "load": load.run(candidates=1000, users=100, warmup_s=1.5, load_s=3, saturation_s=3, limiter_s=0)
               if args.quick else load.run()}
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / ("quick.json" if args.quick else "latest.json")
    out.write_text(json.dumps(results, indent=2) + "\n")
    text = "\n\n".join([
        events_feed.table(results["events_feed"]), translation.table(results["translation"]),
        picture_cards.table(results["picture_cards"]), vocabulary.table(results["vocabulary"]),
        reminders.table(results["reminders"]), startup.table(results["startup"]), load.table(results["load"]),
    ])
    (out.with_suffix(".txt")).write_text(text + "\n")
    print(text)
    print(f"\nwritten: {out} and {out.with_suffix('.txt')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
