"""The argos-translate side of machine translation. Runs in its own process (see
`bot.translation`): importing argos-translate loads torch and stanza, seconds of work
that must never hold the bot's event loop or its GIL.

Sentence splitting: argos-translate's default splitter (MiniSBD) downloads a model on
first use. Jobbvenn texts are short, so a plain offline splitter is given to argos
through its own extension point (`ISentenceBoundaryDetectionModel`); tokenisation and
translation are argos-translate's own.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

#: Jobbvenn language code -> argos-translate code.
ARGOS_CODES = {"fa_AF": "fa"}
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def argos_code(code: str) -> str:
    return ARGOS_CODES.get(code, code)


def configure(packages_dir: str | Path) -> None:
    """Point argos-translate at Jobbvenn's own package folder; call before the first import."""
    os.environ["ARGOS_PACKAGES_DIR"] = str(packages_dir)
    os.environ.setdefault("ARGOS_DEVICE_TYPE", "cpu")
    os.environ.setdefault("ARGOS_CHUNK_TYPE", "ARGOSTRANSLATE")


def _splitter_class():
    from argostranslate import sbd

    class OfflineSentences(sbd.ISentenceBoundaryDetectionModel):
        def __init__(self, pkg):
            self.pkg = pkg

        def split_sentences(self, text: str) -> list[str]:
            return [s for s in _SENTENCE_END.split(text.strip()) if s] or [text]

    return OfflineSentences


def _use_offline_splitter(translation) -> None:
    """Give every package step of a (possibly pivoted, cached) argos translation our splitter."""
    if hasattr(translation, "sentencizer") and hasattr(translation, "pkg"):
        translation.sentencizer = _splitter_class()(translation.pkg)
    for part in ("underlying", "t1", "t2"):
        if hasattr(translation, part):
            _use_offline_splitter(getattr(translation, part))


def installed() -> list[tuple[str, str, str]]:
    """(from, to, version) of every installed package."""
    from argostranslate import package

    return [(p.from_code, p.to_code, str(p.package_version)) for p in package.get_installed_packages()]


def install(path: str) -> None:
    from argostranslate import package

    package.install_from_path(path)


def remove(from_code: str, to_code: str) -> bool:
    from argostranslate import package

    for pkg in package.get_installed_packages():
        if (pkg.from_code, pkg.to_code) == (argos_code(from_code), argos_code(to_code)):
            package.uninstall(pkg)
            return True
    return False


def route(source: str, target: str) -> list[tuple[str, str, str]] | None:
    """The packages a translation goes through: direct, or through English; None if impossible."""
    by_pair = {(f, t): v for f, t, v in installed()}
    src, dst = argos_code(source), argos_code(target)
    if (src, dst) in by_pair:
        return [(src, dst, by_pair[(src, dst)])]
    if (src, "en") in by_pair and ("en", dst) in by_pair:
        return [(src, "en", by_pair[(src, "en")]), ("en", dst, by_pair[("en", dst)])]
    return None


def translate_batch(texts: list[str], source: str, target: str) -> tuple[list[str], str] | None:
    """Translate texts; returns (translations, model version), or None if the pair is missing."""
    from argostranslate import translate

    steps = route(source, target)
    if steps is None:
        return None
    languages = {lang.code: lang for lang in translate.get_installed_languages()}
    translation = languages[argos_code(source)].get_translation(languages[argos_code(target)])
    if translation is None:
        return None
    _use_offline_splitter(translation)
    version = ">".join(f"{f}-{t}:{v}" for f, t, v in steps)
    return [translation.translate(text) for text in texts], version
