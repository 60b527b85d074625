"""The absence notice: the content is complete in every language and short; the notice
reads right for every choice; the rules fit the reason; the case record gets categories
only, and only with consent."""

import itertools
import re

import pytest

from bot import absence, consent, db, events, invitations, languages, people

CODES = languages.codes()


def leaves(node):
    if isinstance(node, dict) and "nb" in node:
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from leaves(value)


def test_every_sentence_and_rule_is_in_every_language_with_the_same_placeholders():
    notice = absence.sentences()
    assert set(notice["why"]) == set(absence.WHY)
    assert set(notice["what_when"]) == {f"{w}.{h}" for w in absence.WHAT for h in absence.HOW_LONG}
    assert set(notice["machine_translated"]) == set(CODES) - {"nb"}
    for leaf in list(leaves(notice)) + absence.all_rules():
        for code in CODES:
            assert leaf.get(code, "").strip(), (leaf["nb"], code)
            assert set(re.findall(r"\{\w+\}", leaf[code])) == set(re.findall(r"\{\w+\}", leaf["nb"])), (leaf["nb"], code)
    for rule in absence.all_rules():
        assert rule["source"].strip() and set(rule["when"]) <= {*absence.WHY, "always"}
        assert set(rule["machine_translated"]) == set(CODES) - {"nb"}  # for a native speaker to review


def test_the_norwegian_is_short_and_passes_the_spell_check():
    from tools.spellcheck_nb import unknown_words

    texts = [leaf["nb"] for leaf in leaves(absence.sentences())] + [r["nb"] for r in absence.all_rules()]
    assert [(t, w) for t in texts if (w := unknown_words(t.replace("{name}", "")))] == []
    sentences = [s for t in texts for s in re.split(r"(?<=[.!?])\s+", t) if s]
    assert max(len(s.split()) for s in sentences) <= 14
    assert sum(len(s.split()) for s in sentences) / len(sentences) <= 10


@pytest.mark.parametrize("what, why, how_long", list(itertools.product(absence.WHAT, absence.WHY, absence.HOW_LONG)))
def test_every_choice_makes_a_whole_notice(what, why, how_long):
    notice = absence.compose(what, why, how_long, "Per", "Amal", "ar")
    assert notice.norwegian.startswith("Hei, Per!") and notice.norwegian.endswith("Amal")
    assert notice.translation and "Per" in notice.translation and "Amal" in notice.translation and notice.machine
    assert "{" not in notice.norwegian + notice.translation


def test_the_notice_reads_as_a_worker_writes_it():
    notice = absence.compose("shift", "sick", "today", None, "Amal", "nb")
    assert notice.norwegian == "Hei! Jeg er syk. Jeg kan ikke komme på jobb i dag.\nBeklager. Hilsen Amal"
    assert notice.translation is None
    longer = absence.compose("shift", "sick", "unknown", "Per", "Amal", "nb").norwegian
    assert "Jeg gir beskjed når jeg vet mer." in longer


def test_the_rules_fit_the_reason():
    assert [r.id for r in absence.rules("sick", "en")][:2] == ["before_start", "practice"]
    assert {"egenmelding", "no_diagnosis"} <= {r.id for r in absence.rules("sick", "en")}
    assert "egenmelding" not in {r.id for r in absence.rules("transport", "en")}
    assert "sick_child" in {r.id for r in absence.rules("sick_child", "so")}
    egenmelding = next(r for r in absence.rules("sick", "uk") if r.id == "egenmelding")
    assert "8-23" in egenmelding.source and "egenmelding" in egenmelding.text


def test_the_case_record_gets_the_categories_only_and_only_with_consent(tmp_path):
    conn = db.connect(tmp_path / "t.sqlite3")
    people.add_user(conn, 10, "specialist", "Sara")
    ids = []
    for user_id, shares in ((20, True), (21, False)):
        cand_id, code = invitations.invite_candidate(conn, 10, f"C{user_id}", "ar")
        invitations.redeem(conn, code, user_id, "Amal")
        consent.record(conn, user_id, "specialist", shares, "ar")
        absence.record(conn, cand_id, "shift", "sick", "today")
        ids.append(cand_id)
    [event] = [e for e in events.for_candidate(conn, ids[0]) if e.type == "absence_notice"]
    assert event.data == {"what": "shift", "why": "sick", "how_long": "today"}
    assert not [e for e in events.for_candidate(conn, ids[1]) if e.type == "absence_notice"]
