"""Consent records, the data export and erasure, as plain functions."""

import hashlib
import json

import pytest

from bot import consent, db, invitations, people, personal_data


@pytest.fixture
def conn(tmp_path):
    return db.connect(tmp_path / "x.sqlite3")


@pytest.fixture
def candidate(conn):
    invitations.redeem(conn, invitations.create(conn, "specialist"), 10, "Sara")
    _, code = invitations.invite_candidate(conn, 10, "Alina (case 9)", "fa_AF")
    invitations.redeem(conn, code, 20, "Alina")
    return 20


def test_no_answer_means_no(conn, candidate):
    assert consent.allows(conn, candidate, "specialist") is False
    assert consent.current(conn, candidate) == {"specialist": None, "mentor": None}


def test_answers_are_kept_as_history_and_latest_wins(conn, candidate):
    consent.record(conn, candidate, "specialist", True, "fa_AF")
    consent.record(conn, candidate, "mentor", True, "fa_AF")
    consent.record(conn, candidate, "mentor", False, "en")
    assert consent.allows(conn, candidate, "specialist") is True
    assert consent.allows(conn, candidate, "mentor") is False
    history = consent.history(conn, candidate)
    assert [(r.recipient, r.granted, r.language) for r in history] == [
        ("specialist", True, "fa_AF"), ("mentor", True, "fa_AF"), ("mentor", False, "en"),
    ]
    assert all(r.text_version == consent.CONSENT_TEXT_VERSION and r.recorded_at for r in history)


def test_unknown_recipient_is_refused(conn, candidate):
    with pytest.raises(ValueError):
        consent.record(conn, candidate, "employer", True, "en")


def test_consent_wording_is_pinned_to_its_version():
    """Changing what the candidate agrees to must come with a new CONSENT_TEXT_VERSION:
    update both the version and this fingerprint together."""
    wording = json.dumps([consent.SHARED_WITH, consent.TITLE, consent.EXPLANATION, consent.NEVER_SHARED], ensure_ascii=False, sort_keys=True)
    fingerprint = hashlib.sha256(wording.encode()).hexdigest()[:12]
    assert (consent.CONSENT_TEXT_VERSION, fingerprint) == ("2026-11-22", "c6da6b67316a")


def test_export_has_everything_and_is_json(conn, candidate):
    consent.record(conn, candidate, "specialist", True, "fa_AF")
    data = personal_data.export(conn, candidate)
    json.dumps(data)
    assert data["user"]["first_name"] == "Alina" and data["user"]["role"] == "candidate"
    assert data["candidate"]["name_or_reference_given_by_specialist"] == "Alina (case 9)"
    assert data["consents"][0]["granted"] is True
    assert personal_data.export(conn, 999) is None


def test_erase_leaves_the_specialist_only_their_label(conn, candidate):
    consent.record(conn, candidate, "mentor", True, "fa_AF")
    mentor_code = invitations.invite_mentor(conn, candidate)
    invitations.redeem(conn, mentor_code, 30, "Ola")
    unused_mentor_code = invitations.invite_mentor(conn, candidate)

    erasure = personal_data.erase(conn, candidate)
    assert erasure.specialist_id == 10 and erasure.candidate_label == "Alina (case 9)"
    assert people.get_user(conn, candidate) is None
    assert consent.history(conn, candidate) == []
    assert people.mentees(conn, 30) == []
    left = people.caseload(conn, 10)[0]
    assert left.status == "left" and left.user_id is None and left.language_hint is None
    assert invitations.redeem(conn, unused_mentor_code, 31, "X").problem is invitations.Problem.UNKNOWN
    dump = "\n".join(str(tuple(r)) for t in conn.table_names() for r in conn.execute(f"SELECT * FROM {t}"))
    assert "Alina'" not in dump and ", 20," not in dump
