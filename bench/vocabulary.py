"""Word practice: the cost of one answer for a candidate with 5,000 words, and proof that
each picture and sound is uploaded to Telegram once.

Per answer, Jobbvenn reads the open question, reviews the word with FSRS, writes its
state and moves the round on (`practice.record_answer`); every tenth answer also
chooses the next round (`practice.start_round`: due words first, then new ones). The
baseline, in the same run, is the least any such app must do: one bare FSRS
`review_card` and one UPDATE of one row in the same database. Target: under 5 ms per
answer on this machine.

Uploads: two candidates each do two rounds through the real bot and the local Bot API
server; every file the bot uploads is counted by its SHA-256.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def _candidate_with_words(conn, n_items: int, now: datetime) -> int:
    from bot import consent, invitations, people
    from bot.db import iso, transaction
    from bot.vocabulary import memory

    people.add_user(conn, 10, "specialist", "Sara")
    cid, code = invitations.invite_candidate(conn, 10, "Bench", "uk")
    invitations.redeem(conn, code, 20, "Bench")
    consent.record(conn, 20, "specialist", True, "uk")
    rng = random.Random(5)
    with transaction(conn):
        for i in range(n_items):
            conn.execute(
                "INSERT INTO vocab_words (candidate_id, deck, norwegian, match_key, translations, created_at, updated_at) "
                "VALUES (?, 'workplace', ?, ?, ?, ?, ?)",
                [cid, f"ord {i}", f"ord {i}", '{"uk": {"text": "слово %d", "machine": false}}' % i, iso(now), iso(now)],
            )
        # A learner who has seen every word: states spread over two months, a tenth due today.
        rows = conn.execute("SELECT id FROM vocab_words WHERE candidate_id = ?", [cid]).fetchall()
        for (word_id,) in rows:
            card = memory.review(memory.card_from_row(None), "good", now - timedelta(days=rng.randint(1, 60)))
            due = now + timedelta(days=rng.randint(-6, 54))
            conn.execute(
                "INSERT INTO vocab_cards (candidate_id, item, deck, state, step, stability, difficulty, due, last_review, reviews, first_seen) "
                "VALUES (?, ?, 'workplace', 2, NULL, ?, ?, ?, ?, 3, ?)",
                [cid, f"c:{word_id}", rng.uniform(1, 40), card.difficulty, iso(due), iso(card.last_review), iso(now)],
            )
    return cid


def answer_speed(n_items: int = 5000, rounds: int = 30) -> dict:
    import fsrs

    from bot import db
    from bot.vocabulary import practice

    now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    with tempfile.TemporaryDirectory() as folder:
        conn = db.connect(Path(folder) / "bench.sqlite3")
        cid = _candidate_with_words(conn, n_items, now)
        choose, answer = [], []
        rng = random.Random(1)
        for r in range(rounds):
            moment = now + timedelta(minutes=r)
            start = time.perf_counter()
            current = practice.start_round(conn, cid, "uk", moment, OSLO, rng)
            choose.append(time.perf_counter() - start)
            if current is None:  # a small candidate ran out of due words
                break
            for position in range(len(current.exercises)):
                start = time.perf_counter()
                practice.record_answer(conn, cid, current.id, position, rng.choice(("good", "good", "hard", "again")), moment, OSLO)
                answer.append(time.perf_counter() - start)
        # Baseline: one bare FSRS review and one UPDATE of one row, per answer.
        scheduler = fsrs.Scheduler(enable_fuzzing=False)
        card = fsrs.Card()
        keys = [r[0] for r in conn.execute("SELECT item FROM vocab_cards WHERE candidate_id = ? LIMIT ?", [cid, len(answer)])]
        baseline = []
        for key in keys:
            start = time.perf_counter()
            card, _ = scheduler.review_card(card, fsrs.Rating.Good, now)
            with conn.conn:
                conn.execute("UPDATE vocab_cards SET due = ? WHERE candidate_id = ? AND item = ?", [card.due.isoformat(), cid, key])
            baseline.append(time.perf_counter() - start)
        conn.close()
    per_answer = statistics.mean(answer) + statistics.mean(choose) / 10
    return {
        "items": n_items,
        "answers": len(answer),
        "choose_round_ms_median": round(statistics.median(choose) * 1000, 3),
        "answer_ms_median": round(statistics.median(answer) * 1000, 3),
        "answer_ms_p99": round(sorted(answer)[int(len(answer) * 0.99) - 1] * 1000, 3),
        "per_answer_ms_with_round_choice": round(per_answer * 1000, 3),
        "baseline_fsrs_plus_update_ms": round(statistics.mean(baseline) * 1000, 3),
        "ratio_vs_baseline": round(per_answer / statistics.mean(baseline), 2),
        "target_ms": 5.0,
    }


async def _uploads() -> dict:
    from bot import people
    from bot.i18n import translator
    from bot.vocabulary import practice
    from tests.harness import BotHarness

    t = translator("uk")
    with tempfile.TemporaryDirectory() as folder:
        h = BotHarness(Path(folder) / "bench.sqlite3")
        await h.start()
        try:
            sara = await h.onboard_specialist()
            per_round = []
            for n in range(2):
                await h.say(sara, "/menu")
                user = await h.join_candidate(sara, f"C{n}", 500 + n, f"C{n}", "uk", "Українська")
                cand = await h.storage.run(people.candidate_of_user, user.id)
                await h.press(user, "📚")
                for r in range(2):  # the second round asks the same ten words again (learning steps)
                    before = len(h.server.uploads)
                    calls_before = len(h.server.calls)
                    await h.say(user, "/menu")
                    await h.press(user, "📚")
                    await h.press(user, "▶️ " + t("Practise"))
                    start = time.perf_counter()
                    for _ in range(10):
                        current = await h.storage.run(practice.current_round, cand.id)
                        exercise = current.current
                        if exercise.kind == "type_word":
                            item = await h.storage.run(practice.item, cand.id, exercise.item)
                            await h.say(user, item.norwegian)
                        else:
                            await h.press(user, h.last_with_buttons(user).button_texts()[0])  # right or wrong
                    seconds = time.perf_counter() - start
                    sent = [c for c in h.server.calls[calls_before:] if c.method.startswith(("send", "edit"))]
                    per_round.append({"candidate": n + 1, "round": r + 1, "uploads": len(h.server.uploads) - before,
                                      "ms_per_answer": round(seconds / 10 * 1000, 1),
                                      "messages_per_answer": round(len(sent) / 10, 1)})
            digests = [hashlib.sha256(f.data).hexdigest() for f in h.server.uploads]
        finally:
            await h.stop()
    return {"rounds": per_round, "uploads": len(digests), "distinct_files": len(set(digests))}


def run(n_items: int = 5000) -> dict:
    return {"answer_speed": answer_speed(n_items), "uploads": asyncio.run(_uploads())}


def table(results: dict) -> str:
    a, u = results["answer_speed"], results["uploads"]
    lines = [
        "Word practice",
        f"  {a['items']} words, {a['answers']} answers: {a['per_answer_ms_with_round_choice']} ms per answer "
        f"(answer {a['answer_ms_median']} ms median, p99 {a['answer_ms_p99']} ms; choosing a round {a['choose_round_ms_median']} ms, "
        f"once per ten answers); target {a['target_ms']} ms",
        f"  baseline (bare FSRS review + one-row UPDATE): {a['baseline_fsrs_plus_update_ms']} ms; ratio {a['ratio_vs_baseline']}x",
    ]
    for r in u["rounds"]:
        lines.append(f"  candidate {r['candidate']}, round {r['round']}: {r['uploads']} uploads, {r['messages_per_answer']} "
                     f"messages sent or edited and {r['ms_per_answer']} ms per answer")
    lines.append("  (ms per answer through the bot is mostly python-telegram-bot's rate limiter: Telegram's 30 messages a second)")
    lines.append(f"  uploads in all: {u['uploads']}, distinct files: {u['distinct_files']} (each file once)")
    return "\n".join(lines)
