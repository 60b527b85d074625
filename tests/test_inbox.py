"""The update inbox (bot/inbox.py), without Telegram: repeats are known, finished updates
keep no text, a dead process's unfinished updates are taken over, and old ids are pruned."""

import subprocess
import sys
from datetime import datetime, timedelta, timezone

from bot import db as database
from bot import inbox

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)
ME = inbox.receiver_id()


def a_dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_batch_is_kept_and_a_repeat_is_known(tmp_path):
    conn = database.connect(tmp_path / "j.db")
    assert inbox.receive(conn, [(1, '{"update_id": 1}'), (2, '{"update_id": 2}')], ME, NOW) == set()
    # Telegram sends 2 again (its confirmation was lost), with 3
    assert inbox.receive(conn, [(2, '{"update_id": 2}'), (3, '{"update_id": 3}')], ME, NOW) == {2}
    assert [r[0] for r in conn.execute("SELECT update_id FROM inbox ORDER BY 1")] == [1, 2, 3]
    assert inbox.receive(conn, [], ME, NOW) == set()


def test_a_finished_update_keeps_its_id_but_not_its_text(tmp_path):
    conn = database.connect(tmp_path / "j.db")
    inbox.receive(conn, [(7, '{"update_id": 7, "message": {"text": "jeg er syk"}}')], ME, NOW)
    inbox.finish(conn, 7, NOW)
    assert conn.execute("SELECT body, done_at FROM inbox WHERE update_id = 7").fetchone() == (None, NOW.isoformat())
    assert inbox.receive(conn, [(7, "{}")], ME, NOW) == {7}       # still known as handled
    assert inbox.take_over(conn, "elsewhere:1", NOW + timedelta(hours=1)) == []


def test_a_dead_process_leaves_its_unfinished_updates_to_the_next(tmp_path):
    conn = database.connect(tmp_path / "j.db")
    dead = inbox.receiver_id(pid=a_dead_pid())
    inbox.receive(conn, [(5, '{"update_id": 5}'), (4, '{"update_id": 4}'), (6, '{"update_id": 6}')], dead, NOW)
    inbox.finish(conn, 6, NOW)
    assert inbox.take_over(conn, ME, NOW) == [(4, '{"update_id": 4}'), (5, '{"update_id": 5}')]  # oldest first
    assert inbox.take_over(conn, "another:1", NOW) == []   # they are mine now, and I am alive


def test_a_live_process_keeps_its_updates_unless_they_are_stale(tmp_path):
    conn = database.connect(tmp_path / "j.db")
    other_live = inbox.receiver_id(pid=1)  # init: alive on this machine
    inbox.receive(conn, [(1, "{}")], other_live, NOW)
    inbox.receive(conn, [(2, "{}")], "another-machine:99", NOW)
    assert inbox.take_over(conn, ME, NOW + timedelta(seconds=30)) == []
    # Unfinished for longer than the lease: no live process takes that long (or its id was reused).
    assert [r[0] for r in inbox.take_over(conn, ME, NOW + timedelta(minutes=3))] == [1, 2]


def test_old_finished_ids_are_pruned_and_unfinished_ones_never(tmp_path):
    conn = database.connect(tmp_path / "j.db")
    inbox.receive(conn, [(1, "{}"), (2, "{}"), (3, "{}")], ME, NOW)
    inbox.finish(conn, 1, NOW)
    inbox.finish(conn, 2, NOW + timedelta(days=1))
    assert inbox.prune(conn, NOW + inbox.KEEP + timedelta(hours=1)) == 1
    assert [r[0] for r in conn.execute("SELECT update_id FROM inbox ORDER BY 1")] == [2, 3]
