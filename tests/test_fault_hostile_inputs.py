"""10,000 random and hostile inputs through the real stack (python-telegram-bot and the local
Bot API server) from a candidate, a mentor and a job specialist: very long text, control
characters, direction marks, format strings, huge captions, forged and malformed button
data, unknown update types. None may end in an unhandled error, and every one is handled.
python-telegram-bot's rate limiter is off here: the test is about input, not Telegram's pace."""

import asyncio
import logging
import random
import string

from bot.handlers.common import MENUS
from tests.harness import BotHarness

N = 10_000
PREFIXES = ["rem", "pb", "wr", "wp", "plan", "abs", "voc", "int", "mw", "wl", "spec", "mentor", "cand-menu", "menu",
            "privacy", "delete", "consent", "lang", "admin"]
ODD = ["", "\u202e", "\u200f\u200e", "\x00", "\x1b[31m", "{name}", "{0}", "%s%n", "'; DROP TABLE users; --", "../../etc/passwd",
       "٣", "²", "9" * 30, "-1", "1e9", "NaN", "☃", "👩‍👩‍👧‍👦", "\ufeff", "ℌ", "null"]


def hostile_text(rng: random.Random) -> str:
    kind = rng.randrange(7)
    if kind == 0:
        return rng.choice(string.printable) * rng.randrange(1, 4096)
    if kind == 1:
        return "".join(chr(rng.randrange(0, 0x2FFF)) for _ in range(rng.randrange(1, 200)))
    if kind == 2:
        return " ".join(rng.choice(ODD) for _ in range(rng.randrange(1, 6))) or "x"
    if kind == 3:
        return "/" + rng.choice(["start", "menu", "help", "language", "privacy", "mydata", "xyz", "start " + rng.choice(ODD)])
    if kind == 4:
        return rng.choice(["kan jeg be på jobben?", "هل يمكنني الصلاة في العمل؟", "ok", "👍", "1", "ja", "nei"])
    if kind == 5:
        return "\u202e" + "".join(rng.choices("abcæøå ", k=rng.randrange(1, 50))) + "\u202c"
    return rng.choice(ODD) or "."


def hostile_data(rng: random.Random) -> str:
    parts = [rng.choice(PREFIXES)] + [rng.choice([*ODD, str(rng.randrange(0, 10**12)), "on_time", "0", "1", "shift", "x"])
                                      for _ in range(rng.randrange(0, 4))]
    return ":".join(parts).encode("utf-8")[:64].decode("utf-8", "ignore")


async def test_ten_thousand_hostile_inputs_end_in_no_unhandled_error(tmp_path, caplog):
    h = BotHarness(tmp_path / "jobbvenn.sqlite3")
    h.rate_limit = False
    await h.start()
    try:
        sara = await h.onboard_specialist()
        amal = await h.join_candidate(sara, "Amal", 300, "Amal", "ar", "العربية")
        per = await h.join_mentor(amal)
        people = [amal, per, sara]
        rng = random.Random(7)
        caplog.set_level(logging.ERROR)
        pending = []
        for i in range(N):
            user = people[i % 3]
            kind = rng.randrange(10)
            if kind < 5:
                pending.append(user.send_text(hostile_text(rng)))
            elif kind < 8:
                messages = [m for m in h.server.bot_messages(user.id) if m.buttons] or h.server.bot_messages(user.id)
                pending.append(user.press_data(rng.choice(messages[-5:]), hostile_data(rng)))
            elif kind == 8:
                pending.append(user.send_photo(b"\xff\xd8\xff" + rng.randbytes(64), "x" * rng.randrange(0, 1025)))
            else:  # updates this bot never asked for
                pending.append(h.server.push_update(rng.choice([
                    {"my_chat_member": {"chat": user.chat_json(), "from": user.as_json(), "date": 0,
                                        "old_chat_member": {"status": "member", "user": user.as_json()},
                                        "new_chat_member": {"status": "kicked", "user": user.as_json(), "until_date": 0}}},
                    {"something_new": {"from": "the future"}},
                ])))
            if len(pending) >= 200:  # a batch at a time, so the chats keep up
                await asyncio.gather(*(h.wait_handled(u, timeout=60) for u in pending))
                pending = []
        await asyncio.gather(*(h.wait_handled(u, timeout=60) for u in pending))
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert errors == [], [r.getMessage() for r in errors[:5]]
        # The candidate's data is all there, and she is served as before.
        replies = await h.say(amal, "/menu")
        assert [b.callback_data for row in replies[-1].buttons for b in row][:len(MENUS["candidate"])] == [d for d, _, _ in MENUS["candidate"]]
        assert not h.server.open_callback_queries, "every tap, forged or not, is answered (or the client keeps spinning)"
    finally:
        await h.stop()

