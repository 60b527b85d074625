"""Invitation codes: randomness, hashing, expiry, single use, roles."""

from datetime import timedelta

import pytest

from bot import db, invitations, people
from bot.db import utcnow
from bot.invitations import Problem


@pytest.fixture
def conn(tmp_path):
    return db.connect(tmp_path / "x.sqlite3")


def test_codes_are_random_url_safe_and_stored_only_hashed(conn):
    codes = {invitations.create(conn, "specialist") for _ in range(50)}
    assert len(codes) == 50
    for code in codes:
        assert len(code) == 24 and all(c.isalnum() or c in "-_" for c in code)
    stored = [r["code_hash"] for r in conn.query("SELECT code_hash FROM invitations")]
    assert not set(stored) & codes
    assert set(stored) == {invitations.hash_code(c) for c in codes}
    link = invitations.deep_link("jobbvenn_bot", next(iter(codes)))
    assert len(link.split("start=")[1]) <= 64  # Telegram's limit for a start parameter


def test_redeem_once_then_used(conn):
    code = invitations.create(conn, "specialist")
    first = invitations.redeem(conn, code, 1, "Sara")
    assert first.ok and first.new_user and first.user.role == "specialist"
    again = invitations.redeem(conn, code, 2, "Other")
    assert again.problem is Problem.USED
    assert people.get_user(conn, 2) is None


def test_expiry_after_14_days(conn):
    now = utcnow()
    code = invitations.create(conn, "specialist", now=now)
    assert invitations.redeem(conn, code, 1, "A", now=now + timedelta(days=14, seconds=1)).problem is Problem.EXPIRED
    assert people.get_user(conn, 1) is None
    assert invitations.redeem(conn, code, 1, "A", now=now + timedelta(days=13, hours=23)).ok


def test_unknown_code(conn):
    assert invitations.redeem(conn, "nope", 1, "A").problem is Problem.UNKNOWN


def test_candidate_invitation_links_candidate_to_specialist(conn):
    invitations.redeem(conn, invitations.create(conn, "specialist"), 10, "Sara")
    cand_id, code = invitations.invite_candidate(conn, 10, "Alina", "fa_AF")
    result = invitations.redeem(conn, code, 20, "Alina")
    assert result.ok and result.candidate_id == cand_id
    cand = people.candidate_of_user(conn, 20)
    assert cand.specialist_id == 10 and cand.status == "joined" and cand.language_hint == "fa_AF"


def test_existing_user_cannot_take_another_role_and_the_code_stays_unused(conn):
    invitations.redeem(conn, invitations.create(conn, "specialist"), 10, "Sara")
    _, code = invitations.invite_candidate(conn, 10, "Alina", None)
    assert invitations.redeem(conn, code, 10, "Sara").problem is Problem.ROLE_CONFLICT
    assert invitations.redeem(conn, code, 20, "Alina").ok


def test_only_the_candidate_invites_a_mentor_and_a_mentor_can_have_several(conn):
    invitations.redeem(conn, invitations.create(conn, "specialist"), 10, "Sara")
    for user_id in (20, 21):
        _, code = invitations.invite_candidate(conn, 10, f"C{user_id}", None)
        invitations.redeem(conn, code, user_id, f"C{user_id}")
    assert invitations.invite_mentor(conn, 10) is None  # a specialist is no candidate
    assert invitations.redeem(conn, invitations.invite_mentor(conn, 20), 20, "Self").problem is Problem.ROLE_CONFLICT
    assert invitations.redeem(conn, invitations.invite_mentor(conn, 20), 30, "Ola").new_user
    second = invitations.redeem(conn, invitations.invite_mentor(conn, 21), 30, "Ola")
    assert second.ok and not second.new_user
    assert [c.label for c in people.mentees(conn, 30)] == ["C20", "C21"]


def test_reinvite_expires_older_codes_and_needs_ownership(conn):
    invitations.redeem(conn, invitations.create(conn, "specialist"), 10, "Sara")
    invitations.redeem(conn, invitations.create(conn, "specialist"), 11, "Mallory")
    cand_id, old = invitations.invite_candidate(conn, 10, "Alina", None)
    assert invitations.reinvite_candidate(conn, 11, cand_id) is None
    new = invitations.reinvite_candidate(conn, 10, cand_id)
    assert invitations.redeem(conn, old, 20, "Alina").problem is Problem.EXPIRED
    assert invitations.redeem(conn, new, 20, "Alina").ok
    assert invitations.reinvite_candidate(conn, 10, cand_id) is None  # joined now


def test_qr_png_is_a_png():
    assert invitations.qr_png("https://t.me/x?start=abc").startswith(b"\x89PNG\r\n")
