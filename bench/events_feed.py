"""Events feed benchmark: 1,000,000 events across 10,000 candidates.

Reads pages of 500 events from random cursors three ways, in the same run:
- baseline: the bare SQL query on the same connection (the floor any API could reach),
- domain: `bot.events.page` (join for the case id, JSON decoding),
- HTTP: `GET /v1/events` through the real ASGI app (auth, rate limit, audit write,
  validation, JSON encoding), in process,
for an organisation token and for a specialist token (a caseload of 15).
Reports p50/p99 latency and events per second, each as a ratio to the baseline.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bot import api_access, db, events
from bot.api.app import create_api
from bot.storage import Storage

PAGE = 500
TYPES = ["plan_item_answered", "consent_changed", "task_done", "vocabulary_progress", "absence_notice"]


def fill(path: Path, n_events: int, n_candidates: int, caseload: int = 15) -> dict:
    conn = db.connect(path)
    rng = random.Random(7)
    now = "2026-11-22T10:00:00+00:00"
    n_specialists = max(1, n_candidates // caseload)
    with db.transaction(conn):
        conn.execute("PRAGMA cache_size = -200000")
        conn.conn.executemany(
            "INSERT INTO users (id, role, first_name, created_at, organisation_id, onboarding) VALUES (?, 'specialist', 'S', ?, 1, 'done')",
            [(1_000_000 + i, now) for i in range(n_specialists)],
        )
        conn.conn.executemany(
            "INSERT INTO candidates (id, specialist_id, label, created_at, organisation_id, case_id) VALUES (?, ?, ?, ?, 1, ?)",
            [(i + 1, 1_000_000 + i % n_specialists, f"C{i}", now, f"CASE-{i}") for i in range(n_candidates)],
        )
        batch = []
        for i in range(n_events):
            kind = TYPES[i % len(TYPES)]
            data = json.dumps({"plan_item_id": i, "answer": "coming", "starts_at": now}) if kind == "plan_item_answered" else json.dumps({"n": i})
            batch.append((1, rng.randint(1, n_candidates), kind, data, now))
            if len(batch) == 50_000:
                conn.conn.executemany("INSERT INTO events (organisation_id, candidate_id, type, data, created_at) VALUES (?, ?, ?, ?, ?)", batch)
                batch.clear()
        if batch:
            conn.conn.executemany("INSERT INTO events (organisation_id, candidate_id, type, data, created_at) VALUES (?, ?, ?, ?, ?)", batch)
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # a running system is past its bulk load
    org_token = api_access.create_token(conn, 1, "bench org")[1]
    spec_token = api_access.create_token(conn, 1, "bench specialist", 1_000_000)[1]
    conn.close()
    return {"org_token": org_token, "specialist_token": spec_token, "specialists": n_specialists}


def _stats(latencies: list[float], events_read: int, seconds: float) -> dict:
    latencies = sorted(latencies)
    return {
        "p50_ms": round(statistics.median(latencies) * 1000, 3),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 3),
        "events_per_s": round(events_read / seconds),
        "pages": len(latencies),
    }


def bench_sql(path: Path, cursors: list[int], specialist: int | None) -> dict:
    conn = db.connect(path)
    if specialist is None:
        sql = "SELECT id, type, candidate_id, created_at, data FROM events WHERE organisation_id = 1 AND id > ? ORDER BY id LIMIT ?"
        args = lambda c: (c, PAGE)  # noqa: E731
    else:
        sql = ("SELECT e.id, e.type, e.candidate_id, e.created_at, e.data FROM events e JOIN candidates c ON c.id = e.candidate_id "
               "WHERE e.organisation_id = 1 AND e.id > ? AND c.specialist_id = ? ORDER BY e.id LIMIT ?")
        args = lambda c: (c, specialist, PAGE)  # noqa: E731
    latencies, total = [], 0
    start = time.perf_counter()
    for cursor in cursors:
        t = time.perf_counter()
        total += len(conn.execute(sql, args(cursor)).fetchall())
        latencies.append(time.perf_counter() - t)
    result = _stats(latencies, total, time.perf_counter() - start)
    conn.close()
    return result


def bench_domain(path: Path, cursors: list[int], specialist: int | None) -> dict:
    conn = db.connect(path)
    latencies, total = [], 0
    start = time.perf_counter()
    for cursor in cursors:
        t = time.perf_counter()
        total += len(events.page(conn, 1, cursor, PAGE, specialist))
        latencies.append(time.perf_counter() - t)
    result = _stats(latencies, total, time.perf_counter() - start)
    conn.close()
    return result


async def bench_http(path: Path, cursors: list[int], token: str) -> dict:
    storage = Storage(path)
    app = create_api(storage, lambda: "bench_bot", rate=1e9, burst=10**9)
    latencies, total = [], 0
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench",
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        await client.get("/v1/events", params={"after": "0", "limit": 1})  # warm-up, not counted
        start = time.perf_counter()
        for cursor in cursors:
            t = time.perf_counter()
            response = await client.get("/v1/events", params={"after": str(cursor), "limit": PAGE})
            total += len(response.json()["events"])
            latencies.append(time.perf_counter() - t)
        elapsed = time.perf_counter() - start
    storage.close()
    return _stats(latencies, total, elapsed)


def run(n_events: int = 1_000_000, n_candidates: int = 10_000, pages: int = 300) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="jobbvenn-bench-events-"))
    path = folder / "events.sqlite3"
    t = time.perf_counter()
    info = fill(path, n_events, n_candidates)
    fill_seconds = time.perf_counter() - t
    rng = random.Random(11)
    cursors = [rng.randint(0, n_events - PAGE) for _ in range(pages)]
    results: dict = {"events": n_events, "candidates": n_candidates, "page_size": PAGE, "fill_seconds": round(fill_seconds, 1)}
    for scope, token, specialist in (("organisation", info["org_token"], None), ("specialist", info["specialist_token"], 1_000_000)):
        baseline = bench_sql(path, cursors, specialist)
        domain = bench_domain(path, cursors, specialist)
        http = asyncio.run(bench_http(path, cursors, token))
        results[scope] = {
            "baseline_sql": baseline,
            "domain": domain,
            "http": http,
            "http_p99_vs_baseline": round(http["p99_ms"] / baseline["p99_ms"], 2),
            "http_throughput_vs_baseline": round(http["events_per_s"] / baseline["events_per_s"], 3),
            "goal_p99_under_50ms": http["p99_ms"] < 50,
        }
    results["database_mb"] = round(path.stat().st_size / 1e6, 1)
    return results


def table(results: dict) -> str:
    lines = [
        f"Events feed: {results['events']:,} events, {results['candidates']:,} candidates, pages of {results['page_size']} "
        f"from random cursors (filled in {results['fill_seconds']} s, {results['database_mb']} MB)",
        f"{'scope':<13}{'path':<14}{'p50 ms':>9}{'p99 ms':>9}{'events/s':>12}",
    ]
    for scope in ("organisation", "specialist"):
        r = results[scope]
        for name in ("baseline_sql", "domain", "http"):
            s = r[name]
            lines.append(f"{scope:<13}{name:<14}{s['p50_ms']:>9}{s['p99_ms']:>9}{s['events_per_s']:>12,}")
        lines.append(
            f"{'':<13}HTTP p99 = {r['http_p99_vs_baseline']}x baseline, throughput = {r['http_throughput_vs_baseline']}x baseline; "
            f"goal p99 < 50 ms: {'met' if r['goal_p99_under_50ms'] else 'NOT met'}"
        )
    return "\n".join(lines)
