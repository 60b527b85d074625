"""The rules of Norwegian working life: topics in groups (content/rules/, see its README),
search over them in the candidate's language and in Norwegian, and what each candidate
has read and answered. No Telegram here.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo

import sqlite_utils
from rapidfuzz import fuzz

from bot import CONTENT_DIR, PICTURE_CARDS_DIR, languages
from bot.db import iso, transaction, utcnow

RULES_DIR = CONTENT_DIR / "rules"
PICTURES_DIR = PICTURE_CARDS_DIR / "rules"
#: A keyword counts as found in a question when it matches this well (0-100).
MATCH = 84
#: Topics scoring below this share of the best one are not shown.
KEEP_SHARE = 0.4
#: Only the start of a very long text is searched.
MAX_SEARCH = 300
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@dataclass(frozen=True)
class TopicText:
    title: str
    text: list[str]
    do: list[str]
    dont: list[str]
    question: str
    answers: list[str]
    feedback: list[str]
    keywords: list[str]


@dataclass(frozen=True)
class Topic:
    id: str
    group: str
    emoji: str
    best: int
    source: str
    texts: dict[str, TopicText]   # by language code; every language has every topic

    def text(self, code: str) -> TopicText:
        return self.texts.get(code) or self.texts[languages.base_language()]


@dataclass(frozen=True)
class Rules:
    groups: dict[str, str]                 # group id -> icon, in order
    group_titles: dict[str, dict[str, str]]  # language -> group id -> title
    topics: dict[str, Topic]               # in order
    machine: frozenset[str]                # languages a machine (or a helper) translated

    def in_group(self, group: str) -> list[Topic]:
        return [t for t in self.topics.values() if t.group == group]


def _text(raw: dict) -> TopicText:
    s = raw["scenario"]
    return TopicText(raw["title"], raw["text"], raw["do"], raw["dont"], s["question"], s["answers"], s["feedback"], raw["keywords"])


@cache
def topic_index() -> dict:
    """content/rules/topics.json: the groups, and each topic's id, group, emoji, best answer and source."""
    return json.loads((RULES_DIR / "topics.json").read_text(encoding="utf-8"))


@cache
def rules() -> Rules:
    index = topic_index()
    by_language = {}
    machine = set()
    for lang in languages.all_languages():
        path = RULES_DIR / f"{lang.code}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        by_language[lang.code] = data
        if data.get("machine_translated"):
            machine.add(lang.code)
    topics = {}
    for t in index["topics"]:
        texts = {code: _text(data["topics"][t["id"]]) for code, data in by_language.items()}
        topics[t["id"]] = Topic(t["id"], t["group"], t["emoji"], t["best"], t["source"], texts)
    return Rules(
        {g["id"]: g["icon"] for g in index["groups"]},
        {code: data["groups"] for code, data in by_language.items()},
        topics,
        frozenset(machine),
    )


def picture(topic: Topic | dict):
    """The topic's picture (made by tools/make_picture_cards.py from its emoji)."""
    return PICTURES_DIR / f"{topic.id if isinstance(topic, Topic) else topic['id']}.png"


# -- search ------------------------------------------------------------------------------

#: Arabic-script spellings that differ but mean the same letter (Arabic, Dari and Pashto
#: keyboards), and the vowel marks people mostly leave out.
ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ی", "ي": "ی", "ئ": "ی", "ك": "ک",
                                "ة": "ه", "ؤ": "و", "\u0640": None, "\u200c": None, "\u200d": None})
ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670]")
ARABIC_ARTICLE = re.compile("^(?:و|ف|ب|ل|ك)?ال(?=.{3})")


def _words(text: str) -> list[str]:
    """The words of a text as the search compares them: lower case; in Arabic script the same
    letter written one way, no vowel marks, and no article ("العمل" is found as "عمل")."""
    text = ARABIC_MARKS.sub("", unicodedata.normalize("NFKC", text).casefold().translate(ARABIC_LETTERS))
    return [w for w in (ARABIC_ARTICLE.sub("", x) for x in WORD.findall(text)) if len(w) > 1]


@cache
def _index(code: str) -> tuple[dict[str, list[str]], dict[str, float]]:
    """Per topic, its keywords in `code`, in Norwegian and in English (many type in English
    too) and its title words, folded as the search folds text; and a weight per keyword: one
    found in many topics says little (inverse document frequency). Short words from other
    languages are left out: they match too much ("be" is Norwegian for "pray")."""
    found: dict[str, list[str]] = {}
    for topic in rules().topics.values():
        words = set()
        for lang in dict.fromkeys((code, languages.base_language(), "en")):
            shortest = 2 if lang == code else 4  # "be" (pray) for a Norwegian, not for others
            text = topic.text(lang)
            words.update(k for k in (" ".join(_words(k)) for k in text.keywords) if len(k) >= shortest)
            if lang in (code, languages.base_language()):
                words.update(w for w in _words(text.title) if len(w) >= 5)  # "what", "hvis", "come" say nothing
        found[topic.id] = sorted(words)
    frequency: dict[str, int] = {}
    for words in found.values():
        for w in words:
            frequency[w] = frequency.get(w, 0) + 1
    total = len(found)
    return found, {w: math.log(1 + total / n) for w, n in frequency.items()}


def _match(keyword: str, query: str, words: list[str]) -> float:
    """How well one keyword is found in the question, 0-100."""
    if " " in keyword:  # a phrase: as written somewhere in the question, or all its words in any order
        in_order = fuzz.partial_ratio(keyword, query) if len(query) >= len(keyword) - 2 else fuzz.ratio(keyword, query)
        return max(in_order, 100.0 if set(keyword.split()) <= set(words) else 0.0)
    best = 0.0
    for w in words:
        if w == keyword:
            return 100.0
        if len(keyword) >= 5 and len(w) >= 5:
            if w.startswith(keyword[:5]) or keyword.startswith(w[:5]):
                best = max(best, 90.0)  # the same word bent: "sykdom", "sykmelding"; "praying"
            else:
                best = max(best, fuzz.ratio(keyword, w))  # a small typo
    return best


def search(question: str, code: str, limit: int = 3) -> list[tuple[str, float]]:
    """The topics that best fit a question written in language `code` (or in Norwegian or
    English), best first, with their scores: only topics where something was found, and
    none far behind the best."""
    words = _words(question[:MAX_SEARCH])
    if not words:
        return []
    query = " ".join(words)
    index, weight = _index(code)
    scores = []
    for topic_id, keywords in index.items():
        score = 0.0
        for k in keywords:
            found = _match(k, query, words)
            if found >= MATCH:
                score += weight[k] * found / 100
        if score > 0:
            scores.append((topic_id, round(score, 3)))
    scores.sort(key=lambda s: -s[1])
    best = scores[0][1] if scores else 0
    return [s for s in scores[:limit] if s[1] >= best * KEEP_SHARE]


def is_question(text: str) -> bool:
    """Whether typed text can be a question at all: more than one word, or one long word
    ("ok", "👍" or direction marks alone are not)."""
    words = _words(text[:MAX_SEARCH])
    return len(words) > 1 or (len(words) == 1 and len(words[0]) >= 4)


# -- what the candidate read and answered ----------------------------------------------

def mark_read(db: sqlite_utils.Database, candidate_id: int, topic_id: str, now: datetime | None = None) -> None:
    db.execute(
        "INSERT INTO rule_progress (candidate_id, topic_id, read_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        [candidate_id, topic_id, iso(now or utcnow())],
    )


def answer(db: sqlite_utils.Database, candidate_id: int, topic_id: str, choice: int, now: datetime | None = None) -> bool:
    """The candidate's answer to a topic's scenario; True if it was the best one."""
    topic = rules().topics[topic_id]
    if not 0 <= choice < len(topic.text(languages.base_language()).answers):
        raise ValueError(f"no answer {choice} in {topic_id}")
    mark_read(db, candidate_id, topic_id, now)
    db.execute("UPDATE rule_progress SET answer = ?, answered_at = ? WHERE candidate_id = ? AND topic_id = ?",
               [choice, iso(now or utcnow()), candidate_id, topic_id])
    return choice == topic.best


def progress(db: sqlite_utils.Database, candidate_id: int) -> dict[str, int | None]:
    """Topic id -> the answer given to its scenario (None: read, not answered)."""
    return {r[0]: r[1] for r in db.execute("SELECT topic_id, answer FROM rule_progress WHERE candidate_id = ?", [candidate_id])}


# -- questions to the job specialist --------------------------------------------------

@dataclass(frozen=True)
class Question:
    id: int
    candidate_id: int
    text: str
    language: str
    asked_at: str
    answer: str | None
    answered_by: int | None
    answered_at: str | None


MAX_QUESTION = 1000


def ask(db: sqlite_utils.Database, candidate_id: int, text: str, language: str, now: datetime | None = None) -> Question | None:
    """The candidate sends a question to their job specialist; only when they share with them
    (the caller asks first). The case record gets it as an event, as the consent says."""
    from bot import consent, events

    cand = db.execute("SELECT user_id FROM candidates WHERE id = ?", [candidate_id]).fetchone()
    if cand is None or cand[0] is None or not consent.allows(db, cand[0], "specialist"):
        return None
    text = text.strip()[:MAX_QUESTION]
    with transaction(db):
        qid = db.execute("INSERT INTO questions (candidate_id, text, language, asked_at) VALUES (?, ?, ?, ?)",
                         [candidate_id, text, language, iso(now or utcnow())]).lastrowid
        events.record(db, candidate_id, "question_asked", {"question_id": qid, "text": text, "language": language}, now)
    return question(db, qid)


def question(db: sqlite_utils.Database, question_id: int) -> Question | None:
    row = next(db.query("SELECT * FROM questions WHERE id = ?", [question_id]), None)
    return Question(**row) if row else None


def answer_question(db: sqlite_utils.Database, question_id: int, specialist_id: int, text: str, now: datetime | None = None) -> Question | None:
    """The job specialist's answer to a question from their own candidate, sent to the
    candidate through the outbox (translated there). None if it is not theirs to answer."""
    from bot import outbox, people

    found = question(db, question_id)
    if found is None or found.answer is not None or people.specialist_candidate(db, specialist_id, found.candidate_id) is None:
        return None  # not theirs, or answered already
    with transaction(db):
        db.execute("UPDATE questions SET answer = ?, answered_by = ?, answered_at = ? WHERE id = ?",
                   [text.strip(), specialist_id, iso(now or utcnow()), question_id])
        outbox.enqueue(db, found.candidate_id, "message", payload={"text": text.strip(), "question": found.text})
    return question(db, question_id)


# -- the rule of the week (opt-in) -------------------------------------------------------

WEEK_HOURS = ("09:00", "12:00", "15:00", "18:00", "20:00")
STILL_USEFUL = timedelta(hours=1)  # after a longer stop it waits for next week, not the night


def next_weekly(weekday: int, local_time: str, now: datetime, tz: ZoneInfo) -> datetime:
    """The next moment after `now` that is `weekday` (0 = Monday) at `local_time` in `tz`."""
    hour, minute = map(int, local_time.split(":"))
    local = now.astimezone(tz)
    day = local.date() + timedelta(days=(weekday - local.weekday()) % 7)
    moment = datetime.combine(day, time(hour, minute), tz)
    if moment <= local:
        moment = datetime.combine(day + timedelta(days=7), time(hour, minute), tz)
    return moment.astimezone(timezone.utc)


def set_weekly(db: sqlite_utils.Database, candidate_id: int, choice: tuple[int, str] | None, now: datetime, tz: ZoneInfo) -> None:
    """Turn the rule of the week on (weekday, "HH:MM") or off (None)."""
    if choice is None:
        db.execute("DELETE FROM rule_of_week WHERE candidate_id = ?", [candidate_id])
        return
    weekday, local_time = choice
    if not 0 <= weekday <= 6 or local_time not in WEEK_HOURS:
        raise ValueError(choice)
    db.execute("INSERT OR REPLACE INTO rule_of_week (candidate_id, weekday, local_time, next_at) VALUES (?, ?, ?, ?)",
               [candidate_id, weekday, local_time, iso(next_weekly(weekday, local_time, now, tz))])


def weekly(db: sqlite_utils.Database, candidate_id: int) -> tuple[int, str] | None:
    row = db.execute("SELECT weekday, local_time FROM rule_of_week WHERE candidate_id = ?", [candidate_id]).fetchone()
    return (row[0], row[1]) if row else None


def unread(db: sqlite_utils.Database, candidate_id: int, after: str | None = None) -> str | None:
    """The next topic, in content order after `after` (round again at the end), that the
    candidate has not read; None when all are read. A topic sent and not opened comes
    again only when the others have had their turn."""
    done = progress(db, candidate_id)
    order = list(rules().topics)
    start = order.index(after) + 1 if after in order else 0
    return next((t for t in order[start:] + order[:start] if t not in done), None)


def fire_weekly(db: sqlite_utils.Database, now: datetime, tz: ZoneInfo) -> int:
    """Each rule of the week whose time has come moves a week on, in the same transaction as
    its outbox message (so none comes twice): an unread topic, if the time is not hours past
    and the candidate can be reached. Returns how many were written."""
    from bot import outbox

    written = 0
    with transaction(db):
        rows = db.execute("SELECT candidate_id, weekday, local_time, next_at, last_topic FROM rule_of_week WHERE next_at <= ?",
                          [iso(now)]).fetchall()
        for candidate_id, weekday, local_time, next_at, last_topic in rows:
            db.execute("UPDATE rule_of_week SET next_at = ? WHERE candidate_id = ?",
                       [iso(next_weekly(weekday, local_time, now, tz)), candidate_id])
            reachable = db.execute("SELECT u.reachable FROM candidates c JOIN users u ON u.id = c.user_id WHERE c.id = ?",
                                   [candidate_id]).fetchone()
            topic = unread(db, candidate_id, last_topic)
            if topic and reachable and reachable[0] and now - datetime.fromisoformat(next_at) <= STILL_USEFUL:
                outbox.enqueue(db, candidate_id, "rule_of_week", payload={"topic": topic}, due_at=now)
                db.execute("UPDATE rule_of_week SET last_topic = ? WHERE candidate_id = ?", [topic, candidate_id])
                written += 1
    return written


def export(db: sqlite_utils.Database, candidate_id: int) -> dict:
    return {
        "read": [dict(r) for r in db.query(
            "SELECT topic_id, read_at, answer, answered_at FROM rule_progress WHERE candidate_id = ? ORDER BY read_at", [candidate_id])],
        "questions": [dict(r) for r in db.query(
            "SELECT text, language, asked_at, answer, answered_at FROM questions WHERE candidate_id = ? ORDER BY id", [candidate_id])],
        "rule_of_the_week": weekly(db, candidate_id),
    }


def forget(db: sqlite_utils.Database, candidate_id: int) -> None:
    db.execute("DELETE FROM rule_progress WHERE candidate_id = ?", [candidate_id])
    db.execute("DELETE FROM questions WHERE candidate_id = ?", [candidate_id])
    db.execute("DELETE FROM rule_of_week WHERE candidate_id = ?", [candidate_id])
