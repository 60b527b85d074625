"""Configuration from environment and flags; the CLI's answers to bad configuration."""

import subprocess
import sys

import pytest

from bot.cli import main
from bot.config import ConfigError, file_url_for, load_config


def test_defaults():
    config = load_config({}, {})
    assert config.token is None
    assert config.base_url == "https://api.telegram.org/bot"
    assert config.base_file_url == "https://api.telegram.org/file/bot"
    assert str(config.db_path) == "jobbvenn.sqlite3"
    assert (config.http_host, config.http_port) == ("127.0.0.1", 8080)
    assert config.timezone.key == "Europe/Oslo"


def test_environment_and_flags_flag_wins(tmp_path):
    env = {
        "TELEGRAM_BOT_TOKEN": "123:abc",
        "TELEGRAM_BASE_URL": "http://localhost:8081/bot",
        "JOBBVENN_DB": str(tmp_path / "a.sqlite3"),
        "JOBBVENN_HTTP": "0.0.0.0:9000",
    }
    config = load_config({"db": str(tmp_path / "b.sqlite3")}, env)
    assert config.token == "123:abc"
    assert config.base_file_url == "http://localhost:8081/file/bot"
    assert config.db_path.name == "b.sqlite3"
    assert (config.http_host, config.http_port) == ("0.0.0.0", 9000)


def test_file_url_for_token_placeholder():
    assert file_url_for("http://h/bot{token}") == "http://h/file/bot{token}"


@pytest.mark.parametrize(
    "env",
    [
        {"TELEGRAM_BOT_TOKEN": "not a token"},
        {"TELEGRAM_BASE_URL": "api.telegram.org"},
        {"JOBBVENN_HTTP": "8080"},
        {"JOBBVENN_HTTP": "localhost:99999"},
        {"JOBBVENN_TIMEZONE": "Mars/Olympus"},
        {"JOBBVENN_DB": "/no/such/folder/x.sqlite3"},
    ],
)
def test_bad_configuration_is_one_clear_error(env):
    with pytest.raises(ConfigError) as err:
        load_config({}, env)
    assert "\n" not in str(err.value)


def test_cli_bad_configuration_exits_2_with_one_line(capsys, monkeypatch):
    monkeypatch.setenv("JOBBVENN_HTTP", "nonsense")
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("jobbvenn: JOBBVENN_HTTP") and "\n" not in err


def test_cli_without_token_explains_local_mode(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["--db", str(tmp_path / "x.sqlite3")]) == 2
    err = capsys.readouterr().err.strip()
    assert "jobbvenn chat" in err and "\n" not in err


def test_admin_invite_specialist_prints_a_link(capsys, tmp_path):
    db = str(tmp_path / "x.sqlite3")
    assert main(["admin", "invite-specialist", "--db", db, "--bot-username", "jobbvenn_test_bot"]) == 0
    out = capsys.readouterr().out
    link = [line for line in out.splitlines() if line.startswith("https://t.me/jobbvenn_test_bot?start=")]
    assert len(link) == 1

    from bot import db as database
    from bot import invitations

    conn = database.connect(db)
    code = link[0].split("start=")[1]
    assert invitations.redeem(conn, code, 42, "Kari").user.role == "specialist"


def test_admin_invite_without_known_username_is_a_config_error(capsys, tmp_path):
    assert main(["admin", "invite-specialist", "--db", str(tmp_path / "x.sqlite3")]) == 2
    assert "username" in capsys.readouterr().err


def test_terminal_chat_runs_the_real_bot_without_network(tmp_path):
    """The README's first command, driven with piped input."""
    script = "\n".join(["1", "1", "Alina", "7", ":as alina", ":open", "1", "1", "1", ":quit"]) + "\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--db", str(tmp_path / "chat.sqlite3"), "--files-dir", str(tmp_path / "files"),
         "--http", "127.0.0.1:0"],
        input=script, capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Jobbvenn → Sara:" in out
    assert "https://t.me/jobbvenn_local_bot?start=" in out
    assert "[photo saved:" in out
    assert "Jobbvenn → Alina:" in out
    assert "Traceback" not in out + result.stderr
    assert list((tmp_path / "files").glob("*.png"))


def test_local_chat_does_not_leak_its_bot_name_into_real_invitation_links(tmp_path, capsys):
    db_path = tmp_path / "chat.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--db", str(db_path), "--files-dir", str(tmp_path / "f"), "--http", "127.0.0.1:0"],
        input=":quit\n", capture_output=True, text=True, timeout=120, check=True,
    )
    assert main(["admin", "invite-specialist", "--db", str(db_path)]) == 2
    assert "username" in capsys.readouterr().err


def test_admin_organisations_tokens_and_audit(capsys, tmp_path):
    db = ["--db", str(tmp_path / "admin.sqlite3")]
    assert main(["admin", "org", "create", "Bydel Nord", *db]) == 0
    assert main(["admin", "org", "create", "Bydel Nord", *db]) == 2  # exists already
    capsys.readouterr()
    assert main(["admin", "org", "list", *db]) == 0
    assert [line.split("\t")[1] for line in capsys.readouterr().out.splitlines()] == ["default", "Bydel Nord"]

    assert main(["admin", "token", "create", "--org", "Bydel Nord", "--name", "case system", *db]) == 0
    out = capsys.readouterr().out.splitlines()
    token = out[1]
    assert token.startswith("jv_") and len(token) > 40
    assert main(["admin", "token", "create", "--org", "Nowhere", "--name", "x", *db]) == 2
    assert main(["admin", "token", "create", "--org", "default", "--name", "x", "--specialist", "12345", *db]) == 2
    capsys.readouterr()
    assert main(["admin", "token", "list", *db]) == 0
    listed = capsys.readouterr().out
    assert "case system\tBydel Nord\twhole organisation\tactive" in listed and token not in listed
    assert main(["admin", "token", "revoke", "1", *db]) == 0
    assert main(["admin", "token", "revoke", "1", *db]) == 2

    from bot import api_access
    from bot import db as database

    conn = database.connect(tmp_path / "admin.sqlite3")
    assert api_access.scope_for(conn, token) is None  # revoked
    api_access.audit(conn, None, "GET", "/v1/events", 401)
    capsys.readouterr()
    assert main(["admin", "audit-export", *db]) == 0
    import json

    entries = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert entries[0]["path"] == "/v1/events" and entries[0]["status"] == 401


def test_admin_webhook_set_and_off(capsys, tmp_path):
    db = ["--db", str(tmp_path / "hook.sqlite3")]
    assert main(["admin", "webhook", "set", "--url", "https://case.example/jobbvenn", *db]) == 0
    secret = capsys.readouterr().out.splitlines()[-1]
    assert len(secret) == 64
    assert main(["admin", "webhook", "set", "--url", "ftp://nope", *db]) == 2
    assert main(["admin", "webhook", "off", *db]) == 0
