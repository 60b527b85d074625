"""The `jobbvenn` command: run the bot, chat with it locally, and admin tasks.

    jobbvenn [run]                   the bot, polling Telegram (needs TELEGRAM_BOT_TOKEN)
    jobbvenn chat                    the real bot in this terminal, on a built-in local Bot API server
    jobbvenn translate install|list|remove   offline machine translation packages
    jobbvenn admin invite-specialist a one-time link for a new job specialist
    jobbvenn admin invite-admin      a one-time link for a new administrator
    jobbvenn admin org create|list   organisations (municipalities, providers)
    jobbvenn admin specialists       job specialists and their Telegram ids
    jobbvenn admin token create|list|revoke   bearer tokens for the sync API
    jobbvenn admin webhook set|off   POST new events to the case system, signed
    jobbvenn admin audit-export      every API request, as JSON lines
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path

from bot import api_access, db, invitations
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
    translate = sub.add_parser("translate", parents=[settings], help="offline machine translation packages (argos-translate)")
    translate_sub = translate.add_subparsers(dest="translate_command", metavar="TASK", required=True)
    translate_sub.add_parser("install", parents=[settings], help="install a .argosmodel file you obtained").add_argument("file")
    translate_sub.add_parser("list", parents=[settings], help="installed packages, and what each language can get")
    remove = translate_sub.add_parser("remove", parents=[settings], help="remove the package for one pair")
    remove.add_argument("from_code")
    remove.add_argument("to_code")
    admin = sub.add_parser("admin", parents=[settings], help="administration")
    admin_sub = admin.add_subparsers(dest="admin_command", metavar="TASK", required=True)
    for task, what in (("invite-specialist", "a job specialist"), ("invite-admin", "an administrator")):
        p = admin_sub.add_parser(task, parents=[settings], help=f"print a one-time invitation link for {what}")
        p.add_argument("--qr", action="store_true", help="also draw the link as a QR code in the terminal")
        p.add_argument("--org", default="default", help="the organisation they belong to (default: default)")
    org = admin_sub.add_parser("org", parents=[settings], help="organisations").add_subparsers(dest="org_command", required=True)
    org.add_parser("list", parents=[settings], help="list organisations")
    org.add_parser("create", parents=[settings], help="create an organisation").add_argument("name")
    admin_sub.add_parser("specialists", parents=[settings], help="list job specialists").add_argument("--org")
    token = admin_sub.add_parser("token", parents=[settings], help="API tokens").add_subparsers(dest="token_command", required=True)
    create = token.add_parser("create", parents=[settings], help="create a token (shown once)")
    create.add_argument("--org", default="default", help="the organisation (default: default)")
    create.add_argument("--name", required=True, help="what the token is for, e.g. 'case system'")
    create.add_argument("--specialist", type=int, help="limit the token to this specialist's caseload (Telegram id)")
    token.add_parser("list", parents=[settings], help="list tokens (never the secret)")
    token.add_parser("revoke", parents=[settings], help="revoke a token").add_argument("id", type=int)
    hook = admin_sub.add_parser("webhook", parents=[settings], help="POST new events to a case system").add_subparsers(
        dest="webhook_command", required=True
    )
    hook_set = hook.add_parser("set", parents=[settings], help="send new events to URL (prints the signing secret once)")
    hook_set.add_argument("--org", default="default")
    hook_set.add_argument("--url", required=True)
    hook.add_parser("off", parents=[settings], help="stop sending").add_argument("--org", default="default")
    audit = admin_sub.add_parser("audit-export", parents=[settings], help="print the API audit log as JSON lines")
    audit.add_argument("--since", help="only entries at or after this ISO time, e.g. 2026-11-01")
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
            return admin(config, args)
        if args.command == "translate":
            return translate_packages(config, args)
        return run_bot(config)
    except ConfigError as err:
        print(f"jobbvenn: {err}", file=sys.stderr)
        return 2
    except (db.SchemaTooNewError, api_access.AccessError) as err:
        print(f"jobbvenn: {err}", file=sys.stderr)
        return 2


def translate_packages(config: Config, args: argparse.Namespace) -> int:
    """Install, list and remove argos-translate packages. No download ever: only files the
    operator obtained are installed."""
    from bot import argos_worker, languages, translation

    if not translation.argos_installed():
        raise ConfigError("machine translation is not installed: pip install -e '.[translate]' (see the README)")
    config.translation_dir.mkdir(parents=True, exist_ok=True)
    argos_worker.configure(config.translation_dir)
    if args.translate_command == "install":
        path = Path(args.file)
        if not path.is_file() or path.suffix != ".argosmodel":
            raise ConfigError(f"{args.file}: not an .argosmodel file")
        argos_worker.install(str(path.resolve()))
        print(f"installed {path.name} in {config.translation_dir}")
    elif args.translate_command == "remove":
        if not argos_worker.remove(args.from_code, args.to_code):
            raise ConfigError(f"no package for {args.from_code} -> {args.to_code} (see `jobbvenn translate list`)")
        print(f"removed {args.from_code} -> {args.to_code}")
    else:
        packages = argos_worker.installed()
        print(f"packages in {config.translation_dir}:" if packages else f"no packages in {config.translation_dir}")
        for from_code, to_code, version in packages:
            print(f"  {from_code} -> {to_code}  version {version}")
        base = languages.base_language()
        print(f"what each language gets from {base}:")
        for lang in languages.all_languages():
            if lang.code == base:
                continue
            steps = argos_worker.route(base, lang.code)
            how = "no machine translation: people are asked" if steps is None else (
                "direct" if len(steps) == 1 else "through English")
            print(f"  {lang.code:<6} {lang.native:<16} {how}")
    return 0


def run_bot(config: Config) -> int:
    if config.token is None:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    from telegram.error import InvalidToken, NetworkError

    from bot.runner import serve

    try:
        asyncio.run(serve(config))
    except InvalidToken:
        print("jobbvenn: Telegram does not accept this TELEGRAM_BOT_TOKEN.", file=sys.stderr)
        return 2
    except NetworkError as err:
        print(f"jobbvenn: cannot reach the Bot API at {config.base_url} ({err}). Try `jobbvenn chat` to run locally.", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"jobbvenn: the HTTP API cannot listen on {config.http_host}:{config.http_port} ({err}); set JOBBVENN_HTTP.", file=sys.stderr)
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


def admin(config: Config, args: argparse.Namespace) -> int:
    database = db.connect(config.db_path)
    try:
        task = args.admin_command
        if task in ("invite-specialist", "invite-admin"):
            return admin_invite(config, database, "specialist" if task == "invite-specialist" else "admin", args.org, args.qr)
        if task == "org":
            if args.org_command == "create":
                print(f"organisation {api_access.create_organisation(database, args.name)}: {args.name}")
            else:
                for o in api_access.organisations(database):
                    print(f"{o['id']}\t{o['name']}\t{o['specialists']} specialists\t{o['candidates']} candidates")
        elif task == "specialists":
            org = api_access.organisation_id(database, args.org) if args.org else None
            for sp in api_access.specialists(database, org):
                print(f"{sp['id']}\t{sp['first_name'] or '-'}\t{sp['organisation']}")
        elif task == "token":
            return admin_token(database, args)
        elif task == "webhook":
            from bot import webhooks

            if args.webhook_command == "set":
                secret = webhooks.set_webhook(database, args.org, args.url)
                print(f"New events of {args.org} go to {args.url}, signed in {webhooks.SIGNATURE_HEADER} with this secret:")
                print(secret)
            else:
                webhooks.remove_webhook(database, args.org)
                print(f"webhook of {args.org} is off")
        elif task == "audit-export":
            for entry in api_access.audit_entries(database, args.since):
                print(json.dumps(entry, ensure_ascii=False))
        return 0
    finally:
        database.close()


def admin_token(database, args: argparse.Namespace) -> int:
    if args.token_command == "create":
        org = api_access.organisation_id(database, args.org)
        token_id, token = api_access.create_token(database, org, args.name, args.specialist)
        print(f"token {token_id} for {args.org}" + (f", caseload of specialist {args.specialist}" if args.specialist else "") + ":")
        print(token)
        print("Store it now: it is not shown again.", file=sys.stderr)
    elif args.token_command == "list":
        for t in api_access.tokens(database):
            scope = f"specialist {t['specialist_id']}" if t["specialist_id"] else "whole organisation"
            state = f"revoked {t['revoked_at']}" if t["revoked_at"] else "active"
            print(f"{t['id']}\t{t['name']}\t{t['organisation']}\t{scope}\t{state}")
    elif not api_access.revoke_token(database, args.id):
        raise api_access.AccessError(f"no active token {args.id} (see `jobbvenn admin token list`)")
    else:
        print(f"token {args.id} revoked")
    return 0


def admin_invite(config: Config, database, kind: str, org_name: str = "default", show_qr: bool = False) -> int:
    username = _bot_username(config, database)
    code = invitations.create(database, kind, organisation_id=api_access.organisation_id(database, org_name))
    link = invitations.deep_link(username, code)
    role = "job specialist" if kind == "specialist" else "administrator"
    print(f"One-time link for a new {role} in {org_name} (valid for 14 days, works once):")
    print(link)
    if show_qr:
        import segno

        segno.make(link, error="m").terminal(compact=True)
    return 0
