"""The schema module: migrations from any older file, WAL, refusal of a newer file."""

import sqlite3

import pytest

from bot import db


def schema_of(conn) -> list[tuple]:
    return sorted(
        (r["type"], r["name"], r["sql"]) for r in conn.query("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
    )


def test_fresh_file_ends_at_current_schema_in_wal_mode(tmp_path):
    conn = db.connect(tmp_path / "fresh.sqlite3")
    assert db.schema_version(conn) == db.SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert {"users", "candidates", "invitations", "consents", "mentor_links", "meta"} <= set(conn.table_names())


@pytest.mark.parametrize("start", range(0, db.SCHEMA_VERSION))
def test_older_file_is_migrated_to_the_same_schema_and_keeps_its_data(tmp_path, start):
    fresh = db.connect(tmp_path / "fresh.sqlite3")
    old = db.connect(tmp_path / "old.sqlite3", migrate_to=start)
    assert db.schema_version(old) == start
    if start >= 1:
        old.execute("INSERT INTO meta (key, value) VALUES ('kept', 'yes')")
    old.close()
    upgraded = db.connect(tmp_path / "old.sqlite3")
    assert db.schema_version(upgraded) == db.SCHEMA_VERSION
    assert schema_of(upgraded) == schema_of(fresh)
    if start >= 1:
        assert db.get_meta(upgraded, "kept") == "yes"


def test_a_failed_migration_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    def broken(conn):
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("power cut")

    monkeypatch.setattr(db, "MIGRATIONS", [*db.MIGRATIONS, broken])
    monkeypatch.setattr(db, "SCHEMA_VERSION", len(db.MIGRATIONS))
    path = tmp_path / "x.sqlite3"
    with pytest.raises(RuntimeError):
        db.connect(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION - 1
    assert "half_done" not in [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]


def test_a_newer_file_is_refused(tmp_path):
    path = tmp_path / "future.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(db.SchemaTooNewError):
        db.connect(path)


def test_transaction_rolls_back_on_error(tmp_path):
    conn = db.connect(tmp_path / "x.sqlite3")
    with pytest.raises(ZeroDivisionError):
        with db.transaction(conn):
            db.set_meta(conn, "a", "1")
            raise ZeroDivisionError
    assert db.get_meta(conn, "a") is None


def test_nested_transaction_rolls_back_only_its_own_part(tmp_path):
    conn = db.connect(tmp_path / "x.sqlite3")
    with db.transaction(conn):
        db.set_meta(conn, "outer", "1")
        with pytest.raises(KeyError):
            with db.transaction(conn):
                db.set_meta(conn, "inner", "1")
                raise KeyError
    assert db.get_meta(conn, "outer") == "1" and db.get_meta(conn, "inner") is None


def test_version_1_data_gets_the_default_organisation(tmp_path):
    path = tmp_path / "v1.sqlite3"
    old = db.connect(path, migrate_to=1)
    old.execute("INSERT INTO users (id, role, created_at) VALUES (10, 'specialist', '2026-01-01T00:00:00+00:00')")
    old.execute("INSERT INTO candidates (specialist_id, label, created_at) VALUES (10, 'Alina', '2026-01-01T00:00:00+00:00')")
    old.close()
    conn = db.connect(path)
    assert conn.execute("SELECT organisation_id FROM users WHERE id = 10").fetchone()[0] == 1
    assert conn.execute("SELECT organisation_id FROM candidates").fetchone()[0] == 1
    assert conn.execute("SELECT name FROM organisations WHERE id = 1").fetchone()[0] == "default"
