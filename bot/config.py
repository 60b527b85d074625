"""Configuration: environment variables and matching command-line flags.

Every setting has an environment variable and a flag; the flag wins. A bad value
raises `ConfigError` with one line a person can act on; the CLI turns it into
exit code 2.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TELEGRAM_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DB = "./jobbvenn.sqlite3"
DEFAULT_HTTP = "127.0.0.1:8080"
DEFAULT_TIMEZONE = "Europe/Oslo"

_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]{1,}$")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message is one line for a person."""


@dataclass(frozen=True)
class Config:
    token: str | None
    base_url: str
    base_file_url: str
    db_path: Path
    http_host: str
    http_port: int
    timezone: ZoneInfo
    bot_username: str | None = None
    translation_dir: Path | None = None  # argos-translate packages; default: beside the database
    #: False for the built-in local server (`jobbvenn chat`): its bot's @username must not
    #: end up in invitation links that `jobbvenn admin` prints for the real bot.
    remember_bot_username: bool = True


# (setting, environment variable, flag) for every setting: the README lists the same.
SETTINGS = (
    ("token", "TELEGRAM_BOT_TOKEN", "--token"),
    ("base_url", "TELEGRAM_BASE_URL", "--base-url"),
    ("db", "JOBBVENN_DB", "--db"),
    ("http", "JOBBVENN_HTTP", "--http"),
    ("timezone", "JOBBVENN_TIMEZONE", "--timezone"),
    ("bot_username", "TELEGRAM_BOT_USERNAME", "--bot-username"),
    ("translation_dir", "JOBBVENN_TRANSLATION_DIR", "--translation-dir"),
)


def file_url_for(base_url: str) -> str:
    """The file-download URL that goes with a Bot API base URL.

    Telegram serves files from `/file/bot<token>/...` next to `/bot<token>/...`;
    a self-hosted Bot API server does the same.
    """
    if base_url.endswith("/bot"):
        return base_url[: -len("bot")] + "file/bot"
    if "/bot{token}" in base_url:
        return base_url.replace("/bot{token}", "/file/bot{token}")
    return base_url.rstrip("/") + "/file/bot"


def parse_host_port(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) < 65536:
        raise ConfigError(f"JOBBVENN_HTTP must be host:port, like {DEFAULT_HTTP} (got {value!r})")
    return host.strip("[]"), int(port)


def load_config(flags: dict[str, str | None] | None = None, environ: dict[str, str] | None = None) -> Config:
    """Build the configuration from flags (a dict of setting name to value) and the environment."""
    flags = flags or {}
    environ = os.environ if environ is None else environ

    def get(name: str, env: str, default: str | None = None) -> str | None:
        value = flags.get(name)
        if value is None:
            value = environ.get(env) or None
        return default if value is None else value.strip()

    token = get("token", "TELEGRAM_BOT_TOKEN")
    if token is not None and not _TOKEN_RE.match(token):
        raise ConfigError("TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then letters; ask @BotFather)")

    base_url = get("base_url", "TELEGRAM_BASE_URL", TELEGRAM_BASE_URL)
    if not re.match(r"^https?://[^/\s]+", base_url):
        raise ConfigError(f"TELEGRAM_BASE_URL must start with http:// or https:// (got {base_url!r})")

    db_path = Path(get("db", "JOBBVENN_DB", DEFAULT_DB)).expanduser()
    if db_path.is_dir():
        raise ConfigError(f"JOBBVENN_DB must be a file path, not a folder (got {str(db_path)!r})")
    if not db_path.parent.exists():
        raise ConfigError(f"JOBBVENN_DB: the folder {str(db_path.parent)!r} does not exist")

    host, port = parse_host_port(get("http", "JOBBVENN_HTTP", DEFAULT_HTTP))

    tz_name = get("timezone", "JOBBVENN_TIMEZONE", DEFAULT_TIMEZONE)
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"JOBBVENN_TIMEZONE: unknown time zone {tz_name!r} (try Europe/Oslo)") from None

    username = get("bot_username", "TELEGRAM_BOT_USERNAME")
    if username is not None:
        username = username.lstrip("@")
        if not re.match(r"^[A-Za-z][A-Za-z0-9_]{3,31}$", username):
            raise ConfigError(f"TELEGRAM_BOT_USERNAME is not a Telegram username (got {username!r})")

    translation_dir = Path(get("translation_dir", "JOBBVENN_TRANSLATION_DIR", str(db_path.parent / "argos-packages"))).expanduser()

    return Config(
        translation_dir=translation_dir,
        token=token,
        base_url=base_url,
        base_file_url=file_url_for(base_url),
        db_path=db_path,
        http_host=host,
        http_port=port,
        timezone=timezone,
        bot_username=username,
    )
