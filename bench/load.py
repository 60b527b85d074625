"""Load: throughput, latency and memory of Jobbvenn with many candidates at once, against a
bare python-telegram-bot echo bot driven the same way in the same run.

What runs where
    Each bot is its own process, started like `jobbvenn run`, polling the local Bot API
    server (bot.local_bot_api) that runs in this benchmark process together with the load
    driver. The machine has 2 cores: the bot gets one, the server and the driver share the
    other (their share of a core is reported, and so is what other processes on the machine
    used, since a busy neighbour shows up in every figure). Each bot gets a fresh server.

    - Jobbvenn: `bot.cli.main(["run"])`, i.e. the `jobbvenn run` process (runner, sync API,
      scheduler, webhook sender), on a database of `candidates` (10,000) joined candidates
      made by `bench.reminders._fill`, with the reminders deleted so the scheduler has
      nothing to send (each Jobbvenn process gets its own copy of that database, so that
      its inbox never sees another's updates). Two things differ from the stock command,
      through the few lines of
      launcher in JOBBVENN below and no change to the bot:
        1. python-telegram-bot's AIORateLimiter is off (`build_application(rate_limit=False)`,
           as bench/reminders.py does for its unthrottled pass). The limiter holds every call
           that names a chat to 30 a second for the whole bot, so with it the benchmark would
           measure the limiter, not Jobbvenn. The echo bot has no limiter either. A short
           extra pass (`limiter_s`) runs Jobbvenn with the limiter on, as shipped, at the
           busy-hour load, to show what it does to the same figures.
        2. `on_update_done` (the hook PerChatUpdateProcessor already has) writes each update
           id to a pipe when the bot has finished with it. The echo bot writes the same line
           from its update processor. So the driver knows exactly when a user's update is
           done (answered, and every reply sent), identically for both bots (one os.write per
           update), with no guessing from quiet periods.
    - The echo bot (ECHO below): a MessageHandler (reply_text with the same text and a
      three-button keyboard) and a CallbackQueryHandler (query.answer(), then edit the
      message's text, keeping the keyboard). Its update processor is python-telegram-bot's
      SimpleUpdateProcessor with 64 updates at a time, the same bound as Jobbvenn's
      PerChatUpdateProcessor (concurrent_updates(True) would allow 256). Jobbvenn's
      per-chat ordering costs nothing here: each user has at most one update in flight.

The simulated users
    The first `users` (500) candidates of the database, onboarded, in the languages `_fill`
    gave them. Each starts with the bot's main menu from an earlier visit in its chat (put
    there by the benchmark: a returning user taps it). Each has at most one update in
    flight: it acts again only when the bot is done with the previous one. What it does is
    drawn from its own seeded random stream (the same streams for both bots):
      - 3 %: /menu;  8 %: free text: mostly a question about work ("Kan jeg be på
        jobben?": the rules search), else a single word ("hei": the menu again);
      - otherwise it taps a button of the latest bot message that has buttons. For
        Jobbvenn by what that message is: a word-practice question -> an answer, the right
        one 75 % of the time (read from the bot's database, read-only: `AnswerKey`), else
        any (about 4 in 5 right in all, a learner who knows most words; random answers
        would be wrong 3 times in 4, and a wrong answer costs two more messages); a typed
        exercise: the word, or else a random word or "I don't know"; a picture
        card -> 👍/👎/❓ (a card swipe; 3 % pause); a menu -> 📚, 🎯, "▶️ practise",
        "▶️ continue" or a short card round 75 % of the time, else any button except
        those that delete data, change consent, language or settings, send something to
        someone else (absence notices, questions to the job specialist, mentor
        invitations), or make speech at first use (🔊 of a rule, a warm-up cost). The
        echo bot: one of its three buttons.
    Every user acts only a few times in a run of a few minutes, so the journeys' first
    steps (menu taps) weigh more than in a real day, where a user answers many drill
    questions in a row. The counts per kind, and the p50 latency per kind, are reported.

The phases, for each bot
    1. Warm-up (`warmup_s`) at the busy-hour load: pictures and voice clips go up once (later
       by file_id), caches fill. Then the driver waits until the bot has finished everything.
    2. Busy hour (`load_s`): each user acts at random (Poisson) times, `busy_rate` (28)
       updates a second in all: 20,000 candidates x 40 updates a day, in 8 busy hours.
    3. Peak (`load_s`): the same at `peak_rate` (100) updates a second, the national peak
       estimate. Still never two updates in flight per user, so if a bot cannot keep up, its
       users wait for it (the achieved rate is reported), as people in a chat do. What is
       left is finished first (updates are handled in order) while saturation settles.
    4. Saturation (`saturation_s`, measured after a short settling): a closed loop, think
       time 0: each user sends its next update as soon as the bot is done with the previous
       one, so 500 updates are always in the bot's hands. Throughput = updates finished in
       the window / window. Ratio = Jobbvenn / echo (goal: at least 0.5). Run to run, each
       bot's figure moves by 10-15 % on the 2-core test machine, so the ratio does by more.
    Latency: for each update, from the moment the server first returned it in a getUpdates
    answer (`LocalBotApi.offered`) to the first Bot API call that answers it: the
    answerCallbackQuery for its callback query, or any send*/edit* call to its chat. A
    user's previous update is always finished before the next is sent, so every such call
    belongs to the one in flight. Goal: p99 under 50 ms at a realistic load below
    saturation, which on the 2-core test machine is the busy-hour load: the peak is above
    what Jobbvenn can do there (its achieved rate says so). The time updates waited on the
    server before the bot fetched them ("queued") is reported apart. Saturation latencies
    are reported too, for honesty; with 500 users in a closed loop they are about 500 /
    throughput, and updates still waiting when the bot is stopped are not in them.
    Memory: VmRSS (and its peak, VmHWM) of the bot process from /proc, after the load
    (goal: under 200 MB), with the echo bot's as the baseline.
    CPU: the bot process's CPU time per finished update (/proc/<pid>/stat), Bot API calls
    per update (in all, and by kind of update) and files uploaded (a picture's or a clip's
    first use; later by file_id): together they say where the difference between the bots
    comes from.

    .venv/bin/python -m bench.load     # the full sizes, prints the table (about 2 minutes)
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Jobbvenn as `jobbvenn run`: python-telegram-bot's rate limiter off unless argv[2] is
# "limited", and each finished update's id written to the pipe argv[1].
# BENCH_PROFILE=<file> in the environment: the process runs under cProfile.
JOBBVENN = """
import os, sys
import bot.runner
import bot.telegram_app
fd = int(sys.argv[1])
def done(update):
    update_id = getattr(update, "update_id", None)
    if update_id is not None:
        os.write(fd, b"%d\\n" % update_id)
original = bot.telegram_app.build_application
def build_application(config, storage=None, **kwargs):
    kwargs.update(rate_limit=sys.argv[2] == "limited", on_update_done=done)
    return original(config, storage, **kwargs)
bot.runner.build_application = build_application
from bot.cli import main
profile = os.environ.get("BENCH_PROFILE")
if profile:
    import cProfile
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        main(["run"])
    finally:
        profiler.disable()
        profiler.dump_stats(profile)
else:
    raise SystemExit(main(["run"]))
"""

# The baseline: a bare python-telegram-bot echo bot, 64 updates at a time.
ECHO_KEYBOARD = {"inline_keyboard": [
    [{"text": "👍", "callback_data": "echo:yes"}, {"text": "👎", "callback_data": "echo:no"}],
    [{"text": "🏠 Menu", "callback_data": "echo:menu"}],
]}
ECHO = """
import os, sys
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, MessageHandler, SimpleUpdateProcessor, filters

fd = int(sys.argv[3])
KEYBOARD = InlineKeyboardMarkup([
    [InlineKeyboardButton("👍", callback_data="echo:yes"), InlineKeyboardButton("👎", callback_data="echo:no")],
    [InlineKeyboardButton("🏠 Menu", callback_data="echo:menu")],
])

class Processor(SimpleUpdateProcessor):
    async def do_process_update(self, update, coroutine):
        try:
            await coroutine
        finally:
            os.write(fd, b"%d\\n" % update.update_id)

async def echo(update, context):
    await update.effective_message.reply_text(update.effective_message.text or "?", reply_markup=KEYBOARD)

async def pressed(update, context):
    query = update.callback_query
    await query.answer()
    await query.edit_message_text(f"{query.data} #{update.update_id}", reply_markup=KEYBOARD)

app = ApplicationBuilder().token(sys.argv[1]).base_url(sys.argv[2]).concurrent_updates(Processor(64)).build()
app.add_handler(MessageHandler(filters.ALL, echo))
app.add_handler(CallbackQueryHandler(pressed))
app.run_polling(allowed_updates=Update.ALL_TYPES)
"""

P_MENU = 0.03
P_TEXT = 0.08
P_KNOWN = 0.75  # a drill answer is the right one (then plus chance): a learner who knows about 4 words in 5
QUESTIONS = (
    "Kan jeg be på jobben?", "Hva gjør jeg hvis jeg blir syk?", "Når får jeg lønn?", "Må jeg jobbe på søndag?",
    "Hvor lang pause har jeg?", "Kan sjefen si meg opp?", "Hvordan får jeg ferie?", "Hva er en arbeidskontrakt?",
    "Jeg kommer for sent i dag", "Can I pray at work?",
)
WORDS = ("hei", "takk", "kaffe", "hammer", "vaske", "bøtte", "jakke", "arbeid", "sko", "ok")
# Buttons the simulated candidates never tap (by the start of their callback data).
AVOID = (
    "privacy:", "delete:", "consent:", "lang:", "menu:language", "cand-menu:invite_mentor", "cand-menu:absence", "abs:",
    "wr:ask", "wr:s:", "wr:wd", "wr:wt", "wr:woff", "voc:rem", "voc:pick", "mw:", "wl:", "spec:", "mentor:", "admin:",
)
PREFERRED = ("voc:go", "int:go", "int:new:short", "cand-menu:words", "cand-menu:interests")
LOAD_PHASES = ("busy", "peak", "saturation")


# -- the simulated users -------------------------------------------------------------------

def jobbvenn_next(rng: random.Random, message, key=None) -> tuple[str, str, str]:
    """(kind, "text" or "press", text or callback data) for a candidate whose latest bot
    message with buttons is `message` (a ChatMessage, or None). `key()`: the right answer to
    the open drill question, as (callback data, typed word), or None."""
    r = rng.random()
    if message is None or r < P_MENU:
        return "/menu", "text", "/menu"
    if r < P_MENU + P_TEXT:
        return "free text", "text", rng.choice(QUESTIONS) if rng.random() < 0.7 else rng.choice(WORDS)
    datas = [b.callback_data for row in message.buttons for b in row if b.callback_data]
    allowed = [d for d in datas if not d.startswith(AVOID)]
    answers = [d for d in allowed if d.startswith("voc:a:")]
    known = rng.random() < P_KNOWN
    if answers:
        right = key() if key and known else None
        return "drill answer", "press", right[0] if right and right[0] in answers else rng.choice(answers)
    skip = [d for d in allowed if d.startswith("voc:skip:")]
    if skip:
        right = key() if key and known else None
        if right and right[1]:
            return "drill answer (typed)", "text", right[1]
        if rng.random() < 0.5:
            return "drill answer (typed)", "text", rng.choice(WORDS)
        return "drill answer", "press", skip[0]
    swipes = [d for d in allowed if d.startswith("int:a:")]
    if swipes:
        pause = [d for d in allowed if d.startswith("int:pause:")]
        if pause and rng.random() < 0.03:
            return "menu tap", "press", pause[0]
        return "card swipe", "press", rng.choices(swipes, weights=[45, 45, 10][: len(swipes)])[0]
    preferred = [d for d in allowed if d.startswith(PREFERRED)]
    if preferred and rng.random() < 0.75:
        return "menu tap", "press", rng.choice(preferred)
    if not allowed:
        return "/menu", "text", "/menu"
    return "menu tap", "press", rng.choice(allowed)


def echo_next(rng: random.Random, message, key=None) -> tuple[str, str, str]:
    """The same random stream, for the echo bot: /menu, free text, or one of its buttons."""
    r = rng.random()
    if message is None or r < P_MENU:
        return "/menu", "text", "/menu"
    if r < P_MENU + P_TEXT:
        return "free text", "text", rng.choice(QUESTIONS) if rng.random() < 0.7 else rng.choice(WORDS)
    return "button tap", "press", rng.choice([b.callback_data for row in message.buttons for b in row])


class AnswerKey:
    """The right answer to each candidate's open drill question, read (read-only) from the
    bot's database; the bot has finished the previous update, so it is up to date."""

    def __init__(self, path: Path):
        from bot import db as database

        self.db = database.connect(path, migrate_to=None)
        self.candidates = dict(self.db.execute("SELECT user_id, id FROM candidates WHERE user_id IS NOT NULL").fetchall())

    def __call__(self, user_id: int) -> tuple[str, str | None] | None:
        from bot.vocabulary import practice

        candidate = self.candidates.get(user_id)
        current = practice.current_round(self.db, candidate) if candidate else None
        exercise = current.current if current else None
        if exercise is None:
            return None
        data = (f"voc:a:{current.id}:{current.position}:{exercise.options.index(exercise.item)}"
                if exercise.item in exercise.options else "")
        item = practice.item(self.db, candidate, exercise.item) if exercise.kind == "type_word" else None
        return data, item.norwegian if item else None

    def close(self) -> None:
        self.db.close()


def jobbvenn_menu(language: str) -> tuple[str, dict]:
    """The candidate's main menu, as Jobbvenn sends it (text, reply_markup)."""
    from bot.handlers.common import menu_markup
    from bot.i18n import translator

    t = translator(language)
    return t("🏠 Menu. Tap a button."), menu_markup("candidate", t).to_dict()


def echo_menu(language: str) -> tuple[str, dict]:
    return "/menu", ECHO_KEYBOARD


@dataclass
class Sent:
    update_id: int
    user_id: int
    kind: str
    phase: str
    pushed: float
    reply: float | None = None
    done: float | None = None


@dataclass
class UserState:
    rng: random.Random
    in_flight: Sent | None = None
    next_due: float = 0.0
    buttoned: dict = field(default_factory=dict)  # message_id -> the bot's messages that have buttons now
    latest: int = 0                                # the highest of those ids (0: none)


class _Watched(list):
    """`LocalBotApi.calls`, telling the driver of each call as the server answers it."""

    def __init__(self, on_call):
        super().__init__()
        self._on_call = on_call

    def append(self, call) -> None:
        super().append(call)
        self._on_call(call)


class Driver:
    """Many simulated users on one LocalBotApi, each with at most one update in flight."""

    def __init__(self, server, user_ids: list[int], policy, seed: int = 7, answer_key=None):
        self.server = server
        self.policy = policy
        self.answer_key = answer_key
        self.loop = asyncio.get_running_loop()
        self.users = {uid: server.users[uid] for uid in user_ids}
        self.state = {uid: UserState(random.Random(seed * 1_000_003 + uid)) for uid in user_ids}
        self.sent: dict[int, Sent] = {}
        self.queries: dict[str, Sent] = {}
        self.mode = "stop"   # "closed", "open" or "stop"
        self.phase = "warmup"
        self.per_user_rate = 1.0
        self.generation = 0  # each start of an open loop: callbacks from an earlier one do nothing
        self.failed_calls: Counter = Counter()
        self.calls_by_kind: Counter = Counter()  # the bot's calls for an update in flight, by the update's kind
        server.calls = _Watched(self._on_call)
        server.listeners.append(self._on_message)

    def seed_menu(self, uid: int, text: str, markup: dict) -> None:
        """A message with buttons the bot sent on an earlier visit (no update, no call)."""
        from bot.local_bot_api import ChatMessage, _buttons

        server, user = self.server, self.users[uid]
        message_id = server._new_message_id()
        raw = {"message_id": message_id, "from": server.bot_user, "chat": user.chat_json(), "date": int(time.time()) - 86400,
               "text": text, "reply_markup": markup}
        message = ChatMessage(uid, message_id, True, text=text, buttons=_buttons(markup), raw=raw)
        server._remember(message)
        self._on_message("sent", message)

    # what the bot does
    def _on_message(self, event: str, message) -> None:
        st = self.state.get(message.chat_id)
        if st is None or not message.from_bot:
            return
        if message.buttons and event != "deleted":
            st.buttoned[message.message_id] = message
            st.latest = max(st.latest, message.message_id)
        elif st.buttoned.pop(message.message_id, None) is not None and message.message_id == st.latest:
            st.latest = max(st.buttoned, default=0)

    def _on_call(self, call) -> None:
        if not call.ok:
            self.failed_calls[call.method] += 1
        if call.method == "answerCallbackQuery":
            sent = self.queries.pop(str(call.params.get("callback_query_id")), None)
        elif call.method.startswith(("send", "edit")):
            try:
                st = self.state.get(int(call.params.get("chat_id")))
            except (TypeError, ValueError):
                st = None
            sent = st.in_flight if st else None
        else:
            return
        if sent is None:
            return
        self.calls_by_kind[sent.kind] += 1
        if sent.reply is None:
            sent.reply = call.at

    def done(self, update_id: int) -> None:
        """The bot has finished with this update."""
        sent = self.sent.get(update_id)
        if sent is None or sent.done is not None:
            return
        sent.done = time.monotonic()
        st = self.state[sent.user_id]
        if st.in_flight is sent:
            st.in_flight = None
        if self.mode == "closed":
            self.act(sent.user_id)
        elif self.mode == "open":
            self.loop.call_at(max(self.loop.time(), st.next_due), self._act_if_open, sent.user_id, self.generation)

    # what the users do
    def act(self, uid: int) -> None:
        st = self.state[uid]
        if st.in_flight is not None:
            return
        key = (lambda: self.answer_key(uid)) if self.answer_key else None
        kind, how, what = self.policy(st.rng, st.buttoned.get(st.latest), key)
        user = self.users[uid]
        if how == "text":
            update_id = user.send_text(what)
            query_id = None
        else:
            update_id = user.press_data(st.buttoned[st.latest], what)
            query_id = self.server._pending[-1]["callback_query"]["id"]
        sent = Sent(update_id, uid, kind, self.phase, time.monotonic())
        self.sent[update_id] = sent
        if query_id is not None:
            self.queries[query_id] = sent
        st.in_flight = sent

    def _act_if_open(self, uid: int, generation: int) -> None:
        st = self.state[uid]
        if self.mode != "open" or generation != self.generation or st.in_flight is not None:
            return  # (in flight: `done` calls again)
        st.next_due = max(st.next_due, self.loop.time()) + st.rng.expovariate(self.per_user_rate)
        self.act(uid)

    def start_closed(self) -> None:
        """Every user acts as soon as its previous update is done."""
        self.mode = "closed"
        for uid in self.state:
            self.act(uid)

    def start_open(self, rate: float) -> None:
        """Each user acts at random times (a Poisson process), `rate` updates a second in all."""
        self.mode = "open"
        self.generation += 1
        self.per_user_rate = rate / len(self.state)
        now = self.loop.time()
        for uid, st in self.state.items():
            st.next_due = now + st.rng.expovariate(self.per_user_rate)
            self.loop.call_at(st.next_due, self._act_if_open, uid, self.generation)

    def in_flight(self) -> int:
        return sum(1 for st in self.state.values() if st.in_flight is not None)


# -- measuring -----------------------------------------------------------------------------

def _rss(pid: int) -> dict:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mb": fields.get("VmRSS"), "peak_rss_mb": fields.get("VmHWM")}


def _cpu_seconds(pid: int) -> float:
    return _cpu_seconds_of(Path(f"/proc/{pid}/stat").read_text())


def _cpu_seconds_of(stat: str) -> float:
    parts = stat[stat.rindex(")") + 2:].split()
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _machine_busy() -> float:
    """CPU seconds every process on the machine has used so far (from /proc/stat)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


@dataclass
class _Clock:
    """Wall time, the bot's CPU time, this process's CPU time, the machine's CPU time, how
    many Bot API calls the server had answered and how many files the bot had uploaded, at
    one moment."""

    wall: float
    bot: float
    own: float
    machine: float
    calls: int
    uploads: int

    @classmethod
    def now(cls, pid: int, server) -> _Clock:
        return cls(time.monotonic(), _cpu_seconds(pid), time.process_time(), _machine_busy(), len(server.calls),
                   len(server.uploads))


def _percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def _ms(values: list[float]) -> dict:
    def r(x):
        return None if x is None else round(x * 1000, 1)

    return {"p50": r(_percentile(values, 50)), "p99": r(_percentile(values, 99)), "max": r(max(values, default=None))}


def _phase(driver: Driver, server, name: str, start: _Clock, end: _Clock, rate: float | None = None) -> dict:
    seconds = end.wall - start.wall
    mine = [s for s in driver.sent.values() if s.phase == name]
    finished = sum(1 for s in driver.sent.values() if s.done is not None and start.wall <= s.done <= end.wall)
    answered = [s for s in mine if s.reply is not None and s.update_id in server.offered]
    latency = [s.reply - server.offered[s.update_id] for s in answered]
    queued = [server.offered[s.update_id] - s.pushed for s in answered]
    by_kind: dict[str, list[float]] = {}
    for s, x in zip(answered, latency, strict=True):
        by_kind.setdefault(s.kind, []).append(x)
    waiting = [end.wall - server.offered.get(s.update_id, s.pushed) for s in mine if s.reply is None or s.reply > end.wall]
    bot, own = end.bot - start.bot, end.own - start.own
    return {
        "seconds": round(seconds, 2), "asked_per_second": rate, "sent": len(mine), "finished_in_window": finished,
        "per_second": round(finished / seconds, 1),
        "latency_ms": _ms(latency), "queued_ms": _ms(queued),
        "p50_ms_by_kind": {kind: _ms(values)["p50"] for kind, values in sorted(by_kind.items())},
        "unanswered_at_end": len(waiting), "oldest_unanswered_s": round(max(waiting, default=0.0), 1),
        "bot_api_calls_per_update": round((end.calls - start.calls) / max(1, finished), 2),
        "uploads": end.uploads - start.uploads,
        "bot_cpu_share": round(bot / seconds, 2),
        "server_and_driver_cpu_share": round(own / seconds, 2),
        "others_cpu_share": round(max(0.0, end.machine - start.machine - bot - own) / seconds, 2),
        "bot_cpu_ms_per_update": round(bot * 1000 / max(1, finished), 2),
        "mix": dict(Counter(s.kind for s in mine).most_common()),
    }


async def _drive(command, env: dict, user_ids: list[int], languages: dict[int, str], policy, menu,
                 warmup_s: float, load_s: float, saturation_s: float, loads: dict[str, float], log: Path,
                 drain_s: float = 20.0, answer_key: bool = False) -> dict:
    """Start one bot against a fresh local server, drive it through the phases, measure it.
    `command(base_url, fd)`: the bot's command line, given the server's URL and the pipe's
    write end; `menu(language)`: the (text, markup) each chat starts with; `loads`: phase
    name -> updates a second, the open-loop phases in order (the first also for the warm-up).
    Between phases the driver waits up to `drain_s` for the bot to finish what it has.
    `answer_key`: the users know most drill answers (read from the database in JOBBVENN_DB)."""
    from bot.local_bot_api import LocalBotApi

    server = LocalBotApi()
    await server.start()
    server.user(1, "Sara", "nb")  # the job specialist of every candidate
    for uid in user_ids:
        server.user(uid, f"C{uid}", languages.get(uid, "nb").split("_")[0])
    key = AnswerKey(Path(env["JOBBVENN_DB"])) if answer_key else None
    driver = Driver(server, user_ids, policy, answer_key=key)
    for uid in user_ids:
        driver.seed_menu(uid, *menu(languages.get(uid, "nb")))
    read_fd, write_fd = os.pipe()
    env = {**env, "TELEGRAM_BASE_URL": server.base_url}
    process = None
    transport = None
    try:
        with open(log, "wb") as err:
            process = await asyncio.create_subprocess_exec(
                *command(server.base_url, write_fd), env=env, cwd=ROOT, stdout=asyncio.subprocess.DEVNULL, stderr=err,
                pass_fds=(write_fd,))
        os.close(write_fd)
        write_fd = -1
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(read_fd, "rb", 0))
        read_fd = -1

        async def notices() -> None:
            while line := await reader.readline():
                driver.done(int(line))

        listening = asyncio.create_task(notices())
        started = time.monotonic()
        while not any(method == "getUpdates" for method, _ in server.arrivals):
            if process.returncode is not None or time.monotonic() - started > 60:
                raise RuntimeError(f"the bot did not start polling: {_tail(log)}")
            await asyncio.sleep(0.01)
        start_s = time.monotonic() - started
        idle = _rss(process.pid)

        async def run_for(seconds: float) -> None:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                if process.returncode is not None or listening.done():
                    raise RuntimeError(f"the bot stopped during the load: {_tail(log)}")
                await asyncio.sleep(min(0.05, max(0.0, deadline - time.monotonic())))

        async def drain() -> int:
            """Stop sending; wait (up to drain_s) until the bot is done with what it has; how many are left."""
            driver.mode = "stop"
            deadline = time.monotonic() + drain_s
            while driver.in_flight() and time.monotonic() < deadline:
                await run_for(0.02)
            return driver.in_flight()

        clocks: dict[str, tuple[_Clock, _Clock]] = {}
        left: dict[str, int] = {}
        if warmup_s:  # pictures and voice clips go up once, caches fill
            driver.phase = "warmup"
            driver.start_open(next(iter(loads.values())))
            await run_for(warmup_s)
            left["warmup"] = await drain()
        for i, (name, rate) in enumerate(loads.items()):
            driver.phase = name
            driver.start_open(rate)
            begin = _Clock.now(process.pid, server)
            await run_for(load_s)
            clocks[name] = (begin, _Clock.now(process.pid, server))
            if i < len(loads) - 1 or not saturation_s:  # before saturation no drain is needed: what is left is
                left[name] = await drain()              # finished first (in order), during the settling
        if saturation_s:  # last: a closed loop needs no drain, the bot is stopped right after
            driver.phase = "saturation"
            driver.start_closed()
            await run_for(min(2.0, saturation_s / 5))  # settle: every user's update is in the bot's hands
            begin = _Clock.now(process.pid, server)
            await run_for(saturation_s)
            clocks["saturation"] = (begin, _Clock.now(process.pid, server))
        driver.mode = "stop"
        memory = _rss(process.pid)
        phases = {name: _phase(driver, server, name, *clock, rate=loads.get(name)) for name, clock in clocks.items()}
        all_sent = list(driver.sent.values())
        finished = [s for s in all_sent if s.done is not None]
        errors = sum(1 for line in log.read_bytes().splitlines() if b" ERROR " in line or b"Traceback" in line)
        return {
            "start_s": round(start_s, 2), "idle_rss_mb": idle["rss_mb"], **memory, **phases,
            "in_flight_after": left, "updates": len(all_sent), "finished": len(finished),
            "finished_without_reply": sum(1 for s in finished if s.reply is None),
            "failed_calls": dict(driver.failed_calls), "errors_logged": errors,
            "calls_per_update_by_kind": {kind: round(driver.calls_by_kind[kind] / n, 2) for kind, n in
                                         sorted(Counter(s.kind for s in finished).items())},
            "mix": dict(Counter(s.kind for s in all_sent if s.phase in LOAD_PHASES).most_common()),
        }
    finally:
        for fd in (read_fd, write_fd):
            if fd >= 0:
                os.close(fd)
        if process is not None and process.returncode is None:
            if env.get("BENCH_PROFILE"):
                process.terminate()  # a graceful stop, so the profile is written
                try:
                    await asyncio.wait_for(process.wait(), 30)
                except asyncio.TimeoutError:
                    process.kill()
            else:
                process.kill()
            await process.wait()
        if transport is not None:
            transport.close()
        if key is not None:
            key.close()
        await server.stop()


def _tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def run(candidates: int = 10_000, users: int = 500, warmup_s: float = 5.0, load_s: float = 15.0,
        saturation_s: float = 15.0, busy_rate: float = 28.0, peak_rate: float = 100.0, limiter_s: float = 10.0) -> dict:
    """The whole benchmark; `limiter_s` = 0 skips the pass with python-telegram-bot's limiter on."""
    from bench.reminders import _fill
    from bot import db as database
    from bot.db import utcnow
    from bot.local_bot_api import LOCAL_TOKEN

    async def main() -> dict:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "filled.db"
            filled = time.monotonic()
            conn = database.connect(path)
            all_ids = _fill(conn, candidates, utcnow())
            conn.execute("DELETE FROM reminders")  # the scheduler has nothing to send
            languages = dict(conn.execute("SELECT id, language FROM users").fetchall())
            conn.close()
            fill_s = time.monotonic() - filled

            def fresh(name: str) -> Path:  # each Jobbvenn process its own copy (its inbox must not see another's)
                copy = Path(folder) / name
                with sqlite3.connect(path) as source, sqlite3.connect(copy) as target:
                    source.backup(target)
                source.close()
                target.close()
                return copy

            user_ids = all_ids[:users]
            env = {**os.environ, "TELEGRAM_BOT_TOKEN": LOCAL_TOKEN, "JOBBVENN_HTTP": "127.0.0.1:0"}
            quiet = {k: v for k, v in env.items() if k != "BENCH_PROFILE"}  # a profile: of the main Jobbvenn pass only
            sizes = {"warmup_s": warmup_s, "load_s": load_s, "saturation_s": saturation_s,
                     "loads": {"busy": busy_rate, "peak": peak_rate}}
            echo = await _drive(lambda url, fd: [sys.executable, "-c", ECHO, LOCAL_TOKEN, url, str(fd)], quiet, user_ids,
                                languages, echo_next, echo_menu, log=Path(folder) / "echo.log", **sizes)
            jobbvenn = await _drive(lambda url, fd: [sys.executable, "-c", JOBBVENN, str(fd), "free"],
                                    {**env, "JOBBVENN_DB": str(fresh("jobbvenn.db"))}, user_ids,
                                    languages, jobbvenn_next, jobbvenn_menu, log=Path(folder) / "jobbvenn.log", answer_key=True,
                                    **sizes)
            limited = None
            if limiter_s:
                limited = await _drive(lambda url, fd: [sys.executable, "-c", JOBBVENN, str(fd), "limited"],
                                       {**quiet, "JOBBVENN_DB": str(fresh("limited.db"))}, user_ids,
                                       languages, jobbvenn_next, jobbvenn_menu, log=Path(folder) / "limited.log", answer_key=True,
                                       warmup_s=0, load_s=limiter_s, saturation_s=0, loads={"busy": busy_rate}, drain_s=0)
        return {"candidates": candidates, "users": users, "fill_s": round(fill_s, 1), "warmup_s": warmup_s,
                "load_s": load_s, "saturation_s": saturation_s, "busy_rate": busy_rate, "peak_rate": peak_rate,
                "jobbvenn": jobbvenn, "baseline_echo": echo, "jobbvenn_with_limiter": limited}

    return _summarise(asyncio.run(main()))


def _ratio(a, b, digits: int = 2):
    return round(a / b, digits) if a is not None and b else None


def _summarise(r: dict) -> dict:
    j, e = r["jobbvenn"], r["baseline_echo"]
    r["goals"] = {"throughput_ratio": 0.5, "p99_ms": 50.0, "rss_mb": 200.0}
    r["throughput_ratio"] = _ratio(j["saturation"]["per_second"], e["saturation"]["per_second"])
    r["cpu_per_update_ratio"] = _ratio(j["saturation"]["bot_cpu_ms_per_update"], e["saturation"]["bot_cpu_ms_per_update"])
    for phase in ("busy", "peak", "saturation"):
        for p in ("p50", "p99"):
            r[f"{phase}_{p}_ratio"] = _ratio(j[phase]["latency_ms"][p], e[phase]["latency_ms"][p], 1)
    r["rss_ratio"] = _ratio(j["rss_mb"], e["rss_mb"])
    r["every_update_answered"] = {name: x["finished_without_reply"] == 0 and x["finished"] > 0 for name, x in
                                  (("jobbvenn", j), ("baseline_echo", e))}
    return r


def _mix(mix: dict) -> str:
    return ", ".join(f"{count} {kind}" for kind, count in mix.items())


def table(r: dict) -> str:
    j, e, g = r["jobbvenn"], r["baseline_echo"], r["goals"]
    js, es = j["saturation"], e["saturation"]

    def lat(p: dict) -> str:
        return f"p50 {p['latency_ms']['p50']} ms, p99 {p['latency_ms']['p99']} ms"

    def load(name: str, title: str) -> list[str]:
        jp, ep = j[name], e[name]
        return [
            f"  latency at {title}, {jp['asked_per_second']:g} updates/s asked ({jp['seconds']} s; done "
            f"{jp['per_second']} / {ep['per_second']} updates/s):",
            f"    Jobbvenn {lat(jp)} (goal p99 < {g['p99_ms']:g} ms) | echo bot {lat(ep)} | "
            f"ratio p50 {r[f'{name}_p50_ratio']}x, p99 {r[f'{name}_p99_ratio']}x",
            f"    queued on the server before the bot fetched them, p99: {jp['queued_ms']['p99']} / {ep['queued_ms']['p99']} ms; "
            f"Jobbvenn p50 by kind: " + ", ".join(f"{k} {v} ms" for k, v in jp["p50_ms_by_kind"].items()),
        ]

    lines = [
        f"Load ({r['users']} simulated candidates at once, {r['candidates']} in the database; each bot its own process; "
        "the local Bot API server and the driver share the other core)",
        f"  throughput at saturation (closed loop, think time 0, {js['seconds']} s):",
        f"    Jobbvenn {js['per_second']} updates/s vs echo bot {es['per_second']} updates/s: ratio {r['throughput_ratio']} "
        f"(goal {g['throughput_ratio']})",
        f"    bot CPU per update {js['bot_cpu_ms_per_update']} vs {es['bot_cpu_ms_per_update']} ms ({r['cpu_per_update_ratio']}x); "
        f"Bot API calls per update (getUpdates included) {js['bot_api_calls_per_update']} vs "
        f"{es['bot_api_calls_per_update']}; files uploaded (a picture or clip's first use) {js['uploads']} vs {es['uploads']}; "
        f"share of a core: bot {js['bot_cpu_share']} / {es['bot_cpu_share']}, server+driver "
        f"{js['server_and_driver_cpu_share']} / {es['server_and_driver_cpu_share']}, other processes "
        f"{js['others_cpu_share']} / {es['others_cpu_share']}",
        "    Bot API calls per update by kind (getUpdates not included), Jobbvenn: "
        + ", ".join(f"{k} {v}" for k, v in j["calls_per_update_by_kind"].items())
        + "; echo bot: " + ", ".join(f"{k} {v}" for k, v in e["calls_per_update_by_kind"].items()),
        *load("busy", "the busy-hour load"),
        *load("peak", "the peak load"),
        f"  latency at saturation, for honesty: Jobbvenn {lat(js)} | echo bot {lat(es)} (still waiting when the bot was "
        f"stopped, not counted: {js['unanswered_at_end']} / {es['unanswered_at_end']})",
        f"  memory after the load (VmRSS): Jobbvenn {j['rss_mb']} MB with {r['candidates']} candidates (goal < {g['rss_mb']:g} MB; "
        f"peak {j['peak_rss_mb']} MB; {j['idle_rss_mb']} MB before the load) vs echo bot {e['rss_mb']} MB: ratio {r['rss_ratio']}x",
        f"  mix, Jobbvenn: {_mix(j['mix'])}",
        f"  mix, echo bot: {_mix(e['mix'])}",
        f"  every update got a reply: Jobbvenn {r['every_update_answered']['jobbvenn']} ({j['finished']} updates), echo bot "
        f"{r['every_update_answered']['baseline_echo']} ({e['finished']}); refused Bot API calls "
        f"{sum(j['failed_calls'].values())} / {sum(e['failed_calls'].values())}; errors logged {j['errors_logged']} / "
        f"{e['errors_logged']}",
    ]
    others = max(x[p]["others_cpu_share"] for x in (j, e) for p in LOAD_PHASES)
    if others > 0.15:
        lines.append(f"  note: other processes on the machine used up to {others} of a core during a measurement: "
                     "the figures are noisier than usual")
    limited = r.get("jobbvenn_with_limiter")
    if limited:
        lb = limited["busy"]
        lines.append(
            f"  Jobbvenn as shipped (python-telegram-bot's limiter on: 30 calls a second that name a chat) at "
            f"{lb['asked_per_second']:g} updates/s asked for {lb['seconds']} s: {lb['per_second']} updates/s done, {lat(lb)} "
            f"of those answered; {lb['unanswered_at_end']} unanswered at the end (oldest {lb['oldest_unanswered_s']} s)")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(run()))
