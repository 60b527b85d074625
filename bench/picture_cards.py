"""Picture-card benchmark.

1. Rendering: every card drawn from scratch (OpenMoji + Pillow), against a baseline
   of reading and decoding the same finished PNGs from disk, in the same run.
2. Sessions: two candidates each play a full round through the real application and
   the local Bot API server. Reports the uploads per round (the second round should
   need none: pictures go by file_id) and the time from a tap to the next card,
   against a baseline of a bare python-telegram-bot `send_photo` that uploads each
   card every time, to the same server, in the same run.
"""

from __future__ import annotations

import asyncio
import io
import tempfile
import time
from pathlib import Path

from PIL import Image


def render_all(limit: int | None = None) -> dict:
    from bot.interests import pictures
    from bot.interests.cards import load_deck

    cards = load_deck().all_cards()[:limit]
    start = time.perf_counter()
    for card in cards:
        pictures.png_bytes(pictures.render_card(card))
    render_s = time.perf_counter() - start
    start = time.perf_counter()
    for card in cards:
        with Image.open(card.picture) as image:
            image.load()
    decode_s = time.perf_counter() - start
    return {
        "cards": len(cards),
        "render_all_s": round(render_s, 2),
        "baseline_decode_all_s": round(decode_s, 3),
        "render_vs_baseline": round(render_s / decode_s, 1),
    }


async def _sessions(rounds: int) -> dict:
    from telegram import Bot

    from bot.interests import sessions
    from bot.interests.cards import deck
    from bot.people import candidate_of_user
    from tests.harness import BotHarness

    with tempfile.TemporaryDirectory() as folder:
        h = BotHarness(Path(folder) / "bench.sqlite3")
        await h.start()
        try:
            sara = await h.onboard_specialist()
            per_round = []
            for n in range(rounds):
                await h.say(sara, "/menu")
                user = await h.join_candidate(sara, f"C{n}", 500 + n, f"C{n}", "nb", "Norsk (bokmål)")
                await h.press(user, "🎯")
                uploads_before = len(h.server.uploads)
                await h.press(user, "🔵")
                cand = await h.storage.run(candidate_of_user, user.id)
                session = await h.storage.run(sessions.open_session, cand.id)
                start = time.perf_counter()
                for _ in range(session.total):
                    await h.press(user, "❓")
                seconds = time.perf_counter() - start
                card_uploads = sum(
                    1 for f in h.server.uploads[uploads_before:] if Image.open(io.BytesIO(f.data)).size == (512, 512)
                )
                per_round.append({"cards": session.total, "card_uploads": card_uploads,
                                  "ms_per_card": round(seconds / session.total * 1000, 2)})
            # Baseline: a bare python-telegram-bot bot uploading each card every time.
            cards = deck().all_cards()
            async with Bot(h.config.token, base_url=h.server.base_url, base_file_url=h.server.base_file_url) as bot:
                start = time.perf_counter()
                for card in cards:
                    await bot.send_photo(sara.id, card.picture.read_bytes(), caption=card.norwegian.name)
                baseline_ms = (time.perf_counter() - start) / len(cards) * 1000
        finally:
            await h.stop()
    return {
        "rounds": per_round,
        "baseline_upload_every_time_ms_per_card": round(baseline_ms, 2),
        "second_round_ms_vs_baseline": round(per_round[-1]["ms_per_card"] / baseline_ms, 2),
    }


def run(rounds: int = 2, render_limit: int | None = None) -> dict:
    return {"render": render_all(render_limit), "sessions": asyncio.run(_sessions(rounds))}


def table(results: dict) -> str:
    r, s = results["render"], results["sessions"]
    lines = [
        "Picture cards",
        f"  render all {r['cards']} cards: {r['render_all_s']} s; baseline (decode the PNGs): "
        f"{r['baseline_decode_all_s']} s; ratio {r['render_vs_baseline']}x",
    ]
    for i, round_ in enumerate(s["rounds"], 1):
        lines.append(f"  round {i}: {round_['cards']} cards, {round_['card_uploads']} card uploads, {round_['ms_per_card']} ms per card (tap to next card)")
    lines.append(
        f"  baseline (bare PTB send_photo, uploading every card): {s['baseline_upload_every_time_ms_per_card']} ms per card; "
        f"last round vs baseline {s['second_round_ms_vs_baseline']}x"
    )
    return "\n".join(lines)
