"""The built-in word decks are complete: enough words per deck, no duplicates, a picture
and Norwegian sound for every word and example, every translation, A2-short Norwegian
that passes the Bokmål spell check, and the retail words the seeds name."""

import io
import re

import pytest
import soundfile
from PIL import Image

from bot import languages, speech
from bot.vocabulary.decks import DECK_IDS, VOCABULARY_DIR, decks, load_decks

MIN_WORDS = {"common": 30} | {d: 40 for d in DECK_IDS if d != "common"}
#: The retail words of shared/domain.md (from seed 002 L1208-1314 and 001 L794-798).
RETAIL_WORDS = (
    "kundebehandling", "tørrvarer", "frysevarer", "frukt og grønt", "ferskvare", "allergi", "gluten", "laktose",
    "varebestilling", "logg", "telling", "veiing", "timeliste", "hms", "hygiene", "arbeidstøy", "håndvask",
    "kildesortering", "pant", "varepåfylling", "datostempling", "svinn", "varemottak", "pakkseddel", "etikett",
    "kan jeg hjelpe deg med noe?", "vil du ha pose?",
)


@pytest.fixture(scope="module")
def all_decks():
    return load_decks()


def test_every_deck_has_enough_words_and_no_duplicates(all_decks):
    assert tuple(all_decks) == DECK_IDS
    ids = [w.id for d in all_decks.values() for w in d.words]
    assert len(ids) == len(set(ids))
    for deck in all_decks.values():
        assert len(deck.words) >= MIN_WORDS[deck.id], deck.id
        words = [w.norwegian.word.casefold() for w in deck.words]
        assert len(words) == len(set(words)), [w for w in words if words.count(w) > 1]
        for word in deck.words:
            assert re.fullmatch(rf"{deck.id}\.[a-z0-9_]+", word.id), word.id


def test_the_retail_words_of_the_seeds_are_in_the_retail_deck(all_decks):
    retail = " | ".join(w.norwegian.word.casefold() for w in all_decks["retail"].words)
    assert [w for w in RETAIL_WORDS if w not in retail] == []


def test_every_word_has_a_picture_drawn_from_its_emoji(all_decks):
    from tools.check_emoji import openmoji_file
    from tools.make_picture_cards import same_pixels

    from bot.interests import pictures

    words = [w for d in all_decks.values() for w in d.words]
    for word in words:
        assert openmoji_file(word.emoji) is not None, word.id
        with Image.open(word.picture) as image:
            assert image.size == (pictures.WORD_CARD_SIZE, pictures.WORD_CARD_SIZE), word.id
    for word in words[::40]:  # a sample: the committed pictures are what the script draws
        with Image.open(word.picture) as committed:
            assert same_pixels(committed, pictures.render_word_picture(word.emoji), tolerance=1.0), word.id


def test_every_word_and_example_has_norwegian_sound(all_decks):
    for word in (w for d in all_decks.values() for w in d.words):
        for text in word.norwegian_texts():
            path = speech.BUILT_IN_AUDIO_DIR / speech.clip_name(text)
            assert path.exists(), f"{word.id}: no sound for {text!r} (run tools/make_word_audio.py)"
            data = path.read_bytes()
            assert speech.is_ogg_opus(data), word.id
    clips = {p.name for p in speech.BUILT_IN_AUDIO_DIR.glob("*.ogg")}
    wanted = {speech.clip_name(t) for d in all_decks.values() for w in d.words for t in w.norwegian_texts()}
    assert clips == wanted  # no clip for a text that is gone


def test_a_clip_plays_for_about_as_long_as_the_text_takes_to_say(all_decks):
    word = all_decks["retail"].words[0]
    short, long = (speech.BUILT_IN_AUDIO_DIR / speech.clip_name(t) for t in word.norwegian_texts())
    seconds = [soundfile.info(io.BytesIO(p.read_bytes())).duration for p in (short, long)]
    assert 0.3 < seconds[0] < seconds[1] < 8


def test_every_word_is_in_every_language_and_marked_when_a_machine_made_it(all_decks):
    others = [c for c in languages.codes() if c != languages.base_language()]
    for deck in all_decks.values():
        for code in others:
            assert code in deck.names, (deck.id, code)
        for word in deck.words:
            for code in others:
                text = word.text(code)
                assert text is not None and text.word.strip() and text.example.strip(), (word.id, code)
                assert text.machine_translated, (word.id, code)  # nobody has reviewed them yet
    for code in others:  # and no entry for a word that is gone
        for deck_id in DECK_IDS:
            import json

            raw = json.loads((VOCABULARY_DIR / "translations" / code / f"{deck_id}.json").read_text(encoding="utf-8"))
            assert set(raw) == {deck_id} | {w.id for w in all_decks[deck_id].words}, (code, deck_id)


def test_norwegian_passes_the_bokmal_spell_check(all_decks):
    from tools.spellcheck_nb import unknown_words

    texts = [(d.id, d.name("nb")) for d in all_decks.values()]
    texts += [(w.id, t) for d in all_decks.values() for w in d.words for t in w.norwegian_texts()]
    bad = [(where, text, words) for where, text in texts if (words := unknown_words(text))]
    assert not bad


def test_examples_are_one_short_sentence(all_decks):
    for word in (w for d in all_decks.values() for w in d.words):
        example = word.norwegian.example
        assert len(example.split()) <= 10, word.id
        assert example.rstrip("»”\"")[-1] in ".!?", word.id


def test_the_cached_decks_are_the_files():
    assert decks() == load_decks()
