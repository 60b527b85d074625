"""Check gettext catalogs: every message translated, placeholders kept, commands kept.

    python tools/check_catalog.py [LANG ...]     (default: every language)

Exit code 1 and one line per problem when anything is off. The test suite runs
the same checks (tests/test_i18n.py).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.pofile import read_po

LOCALES = Path(__file__).resolve().parent.parent / "locales"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
COMMAND = re.compile(r"(?<![\w/])/[a-z]+\b")


def problems(lang: str) -> list[str]:
    path = LOCALES / lang / "LC_MESSAGES" / "jobbvenn.po"
    with path.open("rb") as f:
        catalog = read_po(f)
    found = []
    for message in catalog:
        if not message.id:
            continue
        msgid, msgstr = message.id, message.string
        if not msgstr or not msgstr.strip():
            found.append(f"{lang}: untranslated: {msgid!r}")
            continue
        if "fuzzy" in message.flags:
            found.append(f"{lang}: fuzzy: {msgid!r}")
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(msgstr)):
            found.append(f"{lang}: placeholders differ: {msgid!r} -> {msgstr!r}")
        if sorted(COMMAND.findall(msgid)) != sorted(COMMAND.findall(msgstr)):
            found.append(f"{lang}: /commands differ: {msgid!r} -> {msgstr!r}")
    return found


def main(argv: list[str]) -> int:
    langs = argv or sorted(p.name for p in LOCALES.iterdir() if p.is_dir())
    all_problems = [p for lang in langs for p in problems(lang)]
    for line in all_problems:
        print(line)
    print(f"{len(all_problems)} problems in {', '.join(langs)}")
    return 1 if all_problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
