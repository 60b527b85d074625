"""The `jobbvenn` command: run the bot, chat with it locally, and admin tasks.

    jobbvenn [run]                   the bot, polling Telegram (needs TELEGRAM_BOT_TOKEN)
    jobbvenn chat                    the real bot in this terminal, on a built-in local Bot API server
    jobbvenn admin invite-specialist a one-time link for a new job specialist
    jobbvenn admin invite-admin      a one-time link for a new administrator
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot import db, invitations
from bot.config import SETTINGS, Config, ConfigError, load_config

NO_TOKEN = (
    "jobbvenn: no TELEGRAM_BOT_TOKEN is set. To try Jobbvenn here without Telegram, run `jobbvenn chat`; "
    "to run it on Telegram, get a token from @BotFather and set TELEGRAM_BOT_TOKEN."
)


def _settings_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False)
    for name, env, flag in SETTINGS:
        parser.add_argument(flag, dest=name, default=argparse.SUPPRESS, metavar=env, help=f"overrides ${env}")
    parser.add_argument("--log-level", default=argparse.SUPPRESS, choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return parser


def build_parser() -> argparse.ArgumentParser:
    settings = _settings_parser()
    parser = argparse.ArgumentParser(
        prog="jobbvenn", description="Telegram assistant for job seekers in Supported Employment.", parents=[settings]
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("run", parents=[settings], help="run the bot on Telegram (long polling)")
    chat = sub.add_parser("chat", parents=[settings], help="talk to the real bot in this terminal, no token or network needed")
    chat.add_argument("--files-dir", default="jobbvenn-chat-files", help="where pictures and files from the bot are saved")
    admin = sub.add_parser("admin", parents=[settings], help="administration")
    admin_sub = admin.add_subparsers(dest="admin_command", metavar="TASK", required=True)
    for task, what in (("invite-specialist", "a job specialist"), ("invite-admin", "an administrator")):
        p = admin_sub.add_parser(task, parents=[settings], help=f"print a one-time invitation link for {what}")
        p.add_argument("--qr", action="store_true", help="also draw the link as a QR code in the terminal")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    flags = {name: getattr(args, name) for name, _, _ in SETTINGS if hasattr(args, name)}
    logging.basicConfig(
        level=getattr(args, "log_level", "WARNING" if args.command == "chat" else "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        config = load_config(flags)
        if args.command == "chat":
            from bot.terminal_chat import run_chat

            return asyncio.run(run_chat(config, files_dir=args.files_dir))
        if args.command == "admin":
            return admin_invite(config, "specialist" if args.admin_command == "invite-specialist" else "admin", args.qr)
        return run_bot(config)
    except ConfigError as err:
        print(f"jobbvenn: {err}", file=sys.stderr)
        return 2
    except db.SchemaTooNewError as err:
        print(f"jobbvenn: {err}", file=sys.stderr)
        return 2


def run_bot(config: Config) -> int:
    if config.token is None:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    from telegram import Update
    from telegram.error import InvalidToken, NetworkError

    from bot.telegram_app import build_application

    application = build_application(config)
    try:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        print("jobbvenn: Telegram does not accept this TELEGRAM_BOT_TOKEN.", file=sys.stderr)
        return 2
    except NetworkError as err:
        print(f"jobbvenn: cannot reach the Bot API at {config.base_url} ({err}). Try `jobbvenn chat` to run locally.", file=sys.stderr)
        return 1
    return 0


def _bot_username(config: Config, database) -> str:
    if config.bot_username:
        return config.bot_username
    stored = db.get_meta(database, "bot_username")
    if stored:
        return stored
    if config.token:
        from telegram import Bot

        async def ask() -> str:
            async with Bot(config.token, base_url=config.base_url) as bot:
                return bot.username

        return asyncio.run(ask())
    raise ConfigError("the bot's username is not known yet: start the bot once, or pass --bot-username")


def admin_invite(config: Config, kind: str, show_qr: bool = False) -> int:
    database = db.connect(config.db_path)
    try:
        username = _bot_username(config, database)
        code = invitations.create(database, kind)
    finally:
        database.close()
    link = invitations.deep_link(username, code)
    role = "job specialist" if kind == "specialist" else "administrator"
    print(f"One-time link for a new {role} (valid for 14 days, works once):")
    print(link)
    if show_qr:
        import segno

        segno.make(link, error="m").terminal(compact=True)
    return 0
