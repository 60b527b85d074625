"""Word practice as stored data (bot.vocabulary.practice and drills): rounds with every
kind of question, FSRS due dates across simulated days, duplicates merged, progress,
the daily reminder (sent once, only when words are due), /mydata and /delete."""

import json
import random
from collections import Counter
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot import consent, db, events, invitations, outbox, people, personal_data, wordlists
from bot.vocabulary import drills, memory, practice
from bot.vocabulary.decks import decks

OSLO = ZoneInfo("Europe/Oslo")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def conn(tmp_path):
    return db.connect(tmp_path / "t.sqlite3")


def candidate(conn, shares=True, user_id=20, language="uk"):
    if people.get_user(conn, 10) is None:
        people.add_user(conn, 10, "specialist", "Sara")
    cand_id, code = invitations.invite_candidate(conn, 10, f"C{user_id}", language)
    invitations.redeem(conn, code, user_id, "Oksana")
    people.set_language(conn, user_id, language)
    consent.record(conn, user_id, "specialist", shares, language)
    return cand_id


def play_round(conn, cid, now, answer="good", language="uk"):
    current = practice.start_round(conn, cid, language, now, OSLO, random.Random(1))
    if current is None:
        return None
    for position in range(len(current.exercises)):
        current = practice.record_answer(conn, cid, current.id, position, answer, now, OSLO)
    return current


def test_a_round_of_new_words_has_every_kind_of_question_easy_first(conn):
    cid = candidate(conn)
    current = practice.start_round(conn, cid, "uk", MONDAY, OSLO, random.Random(1))
    kinds = [e.kind for e in current.exercises]
    assert len(kinds) == drills.ROUND_SIZE and set(kinds) == set(drills.KINDS)
    assert kinds == sorted(kinds, key=drills.KINDS.index)
    common = {f"b:{w.id}" for w in decks()["common"].words}
    for exercise in current.exercises:
        assert exercise.item in common
        if exercise.kind != "type_word":
            assert len(exercise.options) == drills.OPTIONS and exercise.item in exercise.options
            shown = [practice.item(conn, cid, o) for o in exercise.options]
            assert len({o.norwegian for o in shown}) == drills.OPTIONS        # no choice twice
            if exercise.kind == "picture_word":
                assert len({o.look for o in shown}) == drills.OPTIONS     # no two look-alike pictures


def test_a_word_without_picture_or_translation_gets_a_question_it_can_have(conn):
    cid = candidate(conn)
    word_id, _ = practice.add_word(conn, cid, practice.WORKPLACE_DECK, "en pallejekk")  # no photo, no translation
    item = practice.item(conn, cid, f"c:{word_id}")
    assert drills.kind_for(item, "picture_word", "uk") == "listen_word"
    assert drills.kind_for(item, "translation_word", "uk") == "listen_word"
    current = practice.start_round(conn, cid, "uk", MONDAY, OSLO, random.Random(1))
    assert current.exercises[0].item == f"c:{word_id}"  # given words come first
    assert current.exercises[0].kind in ("listen_word", "type_word")


def test_answers_move_due_dates_across_days_and_double_taps_count_once(conn):
    cid = candidate(conn)
    current = practice.start_round(conn, cid, "uk", MONDAY, OSLO, random.Random(1))
    assert practice.record_answer(conn, cid, current.id, 0, "good", MONDAY, OSLO).position == 1
    assert practice.record_answer(conn, cid, current.id, 0, "good", MONDAY, OSLO) is None   # the same tap again
    assert practice.record_answer(conn, cid, current.id + 1, 1, "good", MONDAY, OSLO) is None  # an old round's button
    for position in range(1, drills.ROUND_SIZE):
        practice.record_answer(conn, cid, current.id, position, "good" if position % 2 else "again", MONDAY, OSLO)
    assert practice.due_count(conn, cid, MONDAY, OSLO) == drills.ROUND_SIZE  # learning steps: again today
    # Minutes later the same ten come back; answered well, they leave today's list.
    later = MONDAY + timedelta(minutes=15)
    again = practice.start_round(conn, cid, "uk", later, OSLO, random.Random(2))
    assert {e.item for e in again.exercises} == {e.item for e in current.exercises}
    for position in range(len(again.exercises)):
        practice.record_answer(conn, cid, again.id, position, "good", later, OSLO)
    tomorrow = MONDAY + timedelta(days=1)
    assert practice.due_count(conn, cid, later, OSLO) < drills.ROUND_SIZE
    due_dates = sorted(r[0] for r in conn.execute("SELECT due FROM vocab_cards WHERE candidate_id = ?", [cid]))
    assert all(d > (later + timedelta(minutes=1)).isoformat() for d in due_dates)
    # Days on, everything answered well has come due again, and is asked before new words.
    week = MONDAY + timedelta(days=7)
    assert practice.due_count(conn, cid, week, OSLO) == drills.ROUND_SIZE
    third = practice.start_round(conn, cid, "uk", week, OSLO, random.Random(3))
    assert {e.item for e in third.exercises} == {e.item for e in current.exercises}
    assert tomorrow < week


def test_progress_counts_seen_mastered_and_due_and_the_event_follows_consent(conn):
    cid = candidate(conn, shares=True)
    moment = MONDAY
    for _ in range(8):  # the same ten words, each time they are due: stability grows past three weeks
        play_round(conn, cid, moment)
        moment = max(datetime.fromisoformat(r[0]) for r in conn.execute("SELECT due FROM vocab_cards WHERE candidate_id = ?", [cid]))
    [common] = [p for p in practice.progress(conn, cid, moment, OSLO) if p.deck == "common"]
    assert common.words == len(decks()["common"].words) and common.seen >= drills.ROUND_SIZE
    stabilities = [r[0] for r in conn.execute("SELECT stability FROM vocab_cards WHERE candidate_id = ?", [cid])]
    assert common.mastered == sum(s >= memory.MASTERED_STABILITY_DAYS for s in stabilities) > 0
    feed = [e for e in events.for_candidate(conn, cid) if e.type == "vocabulary_progress"]
    assert feed and feed[-1].data["decks"][0]["deck"] == "common" and feed[-1].data["round"]["questions"] == drills.ROUND_SIZE

    other = candidate(conn, shares=False, user_id=21)
    play_round(conn, other, MONDAY)
    assert not [e for e in events.for_candidate(conn, other) if e.type == "vocabulary_progress"]


def test_duplicates_merge_and_a_built_in_word_is_practised_as_one(conn):
    cid = candidate(conn)
    first, new = practice.add_word(conn, cid, practice.WORKPLACE_DECK, "en pallejekk", photo=None)
    again, new_again = practice.add_word(conn, cid, "list:1", "En pallejekk.", example="Jeg bruker en pallejekk.",
                                         translations={"uk": {"text": "рокла", "machine": False}})
    assert new and not new_again and again == first
    item = practice.item(conn, cid, f"c:{first}")
    assert item.example == "Jeg bruker en pallejekk." and item.translation("uk") == ("рокла", False)
    # A machine never replaces a person's translation
    practice.set_translation(conn, first, "uk", "машина", True)
    assert practice.item(conn, cid, f"c:{first}").translation("uk") == ("рокла", False)
    # A built-in word given again is the built-in word, with what the giver added
    builtin = decks()["common"].words[0]
    word_id, _ = practice.add_word(conn, cid, "list:1", builtin.norwegian.word.upper())
    assert practice.word_item(conn, word_id).key == f"b:{builtin.id}"
    # A person's translation beats the deck's (which a machine made)
    practice.add_word(conn, cid, "list:1", builtin.norwegian.word, translations={"uk": {"text": "власний", "machine": False}})
    assert practice.item(conn, cid, f"b:{builtin.id}").translation("uk") == ("власний", False)


def test_one_given_word_of_a_deck_not_learned_counts_as_one_not_the_deck(conn):
    cid = candidate(conn)
    practice.ensure_started(conn, cid)
    warehouse_word = next(w for w in decks()["warehouse"].words  # one in no earlier deck
                          if practice.item(conn, cid, f"b:{w.id}").deck == "warehouse"
                          and not any(o.norwegian.word == w.norwegian.word for d in ("common", "retail", "cleaning", "kitchen")
                                      for o in decks()[d].words))
    practice.add_word(conn, cid, practice.WORKPLACE_DECK, warehouse_word.norwegian.word)
    by_deck = {p.deck: p.words for p in practice.progress(conn, cid, MONDAY, OSLO)}
    assert by_deck == {"common": len(decks()["common"].words), "warehouse": 1}


def test_a_stopped_deck_stays_stopped_and_its_words_are_no_longer_due(conn):
    cid = candidate(conn)
    play_round(conn, cid, MONDAY, answer="again")
    assert practice.due_count(conn, cid, MONDAY, OSLO) == drills.ROUND_SIZE
    practice.choose_deck(conn, cid, "common", False)
    practice.ensure_started(conn, cid)  # opening 📚 again does not bring it back
    assert practice.chosen_decks(conn, cid) == []
    assert practice.due_count(conn, cid, MONDAY, OSLO) == 0
    assert practice.start_round(conn, cid, "uk", MONDAY, OSLO) is None
    practice.choose_deck(conn, cid, "common", True)
    assert practice.due_count(conn, cid, MONDAY, OSLO) == drills.ROUND_SIZE  # the progress was kept


def test_a_word_removed_during_a_round_is_passed_over_not_rated(conn):
    cid = candidate(conn)
    word_id, _ = practice.add_word(conn, cid, practice.WORKPLACE_DECK, "en pallejekk")
    current = practice.start_round(conn, cid, "uk", MONDAY, OSLO, random.Random(1))
    assert current.exercises[0].item == f"c:{word_id}"
    practice.remove_word(conn, word_id)
    after = practice.record_answer(conn, cid, current.id, 0, "skip", MONDAY, OSLO)
    assert after.position == 1 and after.right == 0
    assert conn.execute("SELECT count(*) FROM vocab_cards").fetchone()[0] == 0


def test_a_corrected_word_keeps_its_practice_under_its_new_name(conn):
    cid = candidate(conn)
    word_id, _ = practice.add_word(conn, cid, practice.WORKPLACE_DECK, "en pallejek")
    play_round(conn, cid, MONDAY)
    practice.correct_word(conn, word_id, "en pallejekk")
    assert [r[0] for r in conn.execute("SELECT item FROM vocab_cards WHERE item LIKE 'c:%'")] == [f"c:{word_id}"]
    # corrected into a built-in word: the practice follows to the built-in key
    builtin = decks()["common"].words[-1]
    practice.correct_word(conn, word_id, builtin.norwegian.word)
    assert conn.execute("SELECT count(*) FROM vocab_cards WHERE item = ?", [f"b:{builtin.id}"]).fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM vocab_cards WHERE item = ?", [f"c:{word_id}"]).fetchone()[0] == 0
    # corrected into a word the candidate has already: one row is left
    other, _ = practice.add_word(conn, cid, practice.WORKPLACE_DECK, "ei rampe")
    kept = practice.correct_word(conn, word_id, "Ei rampe")
    assert kept == other and len(practice.custom_words(conn, cid)) == 1


def test_a_photo_waiting_for_its_word_survives_other_removals(conn):
    cid = candidate(conn)
    waiting = practice.store_media(conn, "photo", b"\xff\xd8waiting")
    word_id, _ = practice.add_word(conn, cid, practice.WORKPLACE_DECK, "en kost", photo=practice.store_media(conn, "photo", b"\xff\xd8kost"))
    practice.remove_word(conn, word_id)
    assert practice.media(conn, waiting) is not None
    practice.add_word(conn, cid, practice.WORKPLACE_DECK, "ei hylle", photo=waiting)  # no FOREIGN KEY error


def test_a_word_list_reaches_each_candidate_once_with_duplicates_merged(conn):
    a, b = candidate(conn, user_id=20), candidate(conn, user_id=21, language="ar")
    practice.add_word(conn, a, practice.WORKPLACE_DECK, "ei bøtte")
    words = [wordlists.Word("ei bøtte", None, {"uk": "відро"}), wordlists.Word("en kunde", None, {}),
             wordlists.Word("ei bøtte", None, {})]
    made = wordlists.create(conn, 1, "Uke 1", words, [a, b, a], "specialist:10")
    assert made.candidate_ids == [a, b]
    mine = [r["norwegian"] for r in practice.custom_words(conn, a)]
    assert sorted(mine) == sorted(["ei bøtte", "en kunde"])
    assert practice.item(conn, a, f"c:{practice.custom_words(conn, a)[0]['id']}").translation("uk") == ("відро", False)
    assert len(practice.custom_words(conn, b)) == 2
    assert Counter(r.kind for r in _outbox(conn)) == Counter({"word_list": 2})


def _outbox(conn):
    return [outbox.OutboxRow(r[0], r[1], r[2], r[3], json.loads(r[4]), 0)
            for r in conn.execute("SELECT id, candidate_id, kind, ref_id, payload FROM outbox ORDER BY id")]


def test_the_daily_reminder_fires_once_a_day_and_only_when_words_are_due(conn):
    cid = candidate(conn)
    practice.set_reminder(conn, cid, "18:00", MONDAY, OSLO)
    evening = datetime(2026, 3, 2, 17, 0, 30, tzinfo=timezone.utc)  # 18:00:30 in Oslo (winter time)
    assert practice.fire_reminders(conn, evening, OSLO) == 0          # nothing practised: nothing due
    play_round(conn, cid, MONDAY, answer="again")
    assert practice.fire_reminders(conn, evening, OSLO) == 0          # already moved to tomorrow
    tuesday = evening + timedelta(days=1)
    assert practice.fire_reminders(conn, tuesday, OSLO) == 1
    assert practice.fire_reminders(conn, tuesday, OSLO) == 0          # a second pass (or a restart) sends nothing
    [row] = [r for r in _outbox(conn) if r.kind == "practice_reminder"]
    assert row.payload["due"] == drills.ROUND_SIZE
    # Summer time: 18:00 in Oslo is 16:00 UTC
    assert practice.next_occurrence("18:00", datetime(2026, 3, 30, 12, tzinfo=timezone.utc), OSLO) == \
        datetime(2026, 3, 30, 16, 0, tzinfo=timezone.utc)
    # Hours late (the bot was down): no reminder in the night, the next one is tomorrow
    conn.execute("UPDATE outbox SET sent_at = ?", [MONDAY.isoformat()])
    wednesday_night = tuesday + timedelta(days=1, hours=5)
    assert practice.fire_reminders(conn, wednesday_night, OSLO) == 0
    assert practice.fire_reminders(conn, tuesday + timedelta(days=2), OSLO) == 1
    # A candidate who blocked the bot gets no pile of reminders
    conn.execute("UPDATE outbox SET sent_at = ?", [MONDAY.isoformat()])
    people.set_reachable(conn, 20, False)
    assert practice.fire_reminders(conn, tuesday + timedelta(days=3), OSLO) == 0
    practice.set_reminder(conn, cid, None, MONDAY, OSLO)
    assert practice.reminder_time(conn, cid) is None


def test_mydata_shows_and_delete_removes_words_media_and_practice(conn):
    cid = candidate(conn)
    photo = practice.store_media(conn, "photo", b"\xff\xd8jpeg")
    voice = practice.store_media(conn, "voice", b"OggS-voice")
    practice.add_word(conn, cid, practice.WORKPLACE_DECK, "en pallejekk", photo=photo, voice=voice)
    play_round(conn, cid, MONDAY)
    practice.set_reminder(conn, cid, "07:00", MONDAY, OSLO)
    mine = personal_data.export(conn, 20)["words"]
    assert mine["own_words"][0]["word"] == "en pallejekk" and mine["own_words"][0]["has_photo"]
    assert len(mine["practice"]) == drills.ROUND_SIZE and mine["daily_reminder"] == "07:00"
    personal_data.erase(conn, 20)
    for table in ("vocab_words", "vocab_cards", "vocab_rounds", "vocab_decks", "practice_reminders", "vocab_media"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table


def test_removing_a_word_removes_its_practice_and_unused_media(conn):
    cid = candidate(conn)
    photo = practice.store_media(conn, "photo", b"\xff\xd8jpeg")
    word_id, _ = practice.add_word(conn, cid, practice.WORKPLACE_DECK, "en pallejekk", photo=photo)
    play_round(conn, cid, MONDAY)
    assert conn.execute("SELECT count(*) FROM vocab_cards WHERE item = ?", [f"c:{word_id}"]).fetchone()[0] == 1
    practice.remove_word(conn, word_id)
    assert conn.execute("SELECT count(*) FROM vocab_cards WHERE item = ?", [f"c:{word_id}"]).fetchone()[0] == 0
    assert practice.media(conn, photo) is None
