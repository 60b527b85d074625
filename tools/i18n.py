"""Extract, update and compile the gettext catalogs with babel, in one command.

    python tools/i18n.py            extract -> update every catalog -> compile every catalog
    python tools/i18n.py compile    compile only

New message ids arrive empty in every catalog; fill them (and mark machine-made
ones with the `machine-translated` flag), then run it again. The compiled .mo
files are committed; a test fails when they are older than the .po files.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYBABEL = [sys.executable, "-m", "babel.messages.frontend"]
KEYWORDS = ["-k", "N_", "-k", "t", "-k", "ngettext:1,2"]


def run(*args: str) -> None:
    subprocess.run([*PYBABEL, *args], cwd=ROOT, check=True)


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "compile":
        run("extract", "-F", "babel.cfg", *KEYWORDS, "--no-location", "--sort-output", "--omit-header",
            "-o", "locales/jobbvenn.pot", ".")
        run("update", "-i", "locales/jobbvenn.pot", "-d", "locales", "-D", "jobbvenn", "--ignore-obsolete",
            "--no-fuzzy-matching", "-w", "100")
    run("compile", "-d", "locales", "-D", "jobbvenn", "--statistics")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
