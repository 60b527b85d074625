"""Make the Norwegian sound of every built-in word and example sentence into
content/vocabulary/audio/ (OGG/Opus, eSpeak NG; see bot/speech.py).

    python tools/make_word_audio.py           # make the clips that are missing; remove clips no text needs
    python tools/make_word_audio.py --check   # write nothing; exit 1 if a clip is missing or unneeded
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot import speech  # noqa: E402
from bot.vocabulary.decks import word_by_id  # noqa: E402


def wanted_texts() -> dict[str, str]:
    """Clip file name -> the text it speaks."""
    texts = [text for word in word_by_id().values() for text in word.norwegian_texts()]
    return {speech.clip_name(text): text for text in texts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    folder = speech.BUILT_IN_AUDIO_DIR
    folder.mkdir(parents=True, exist_ok=True)
    wanted = wanted_texts()
    missing = [name for name in wanted if not (folder / name).exists()]
    stale = sorted(p.name for p in folder.glob("*.ogg") if p.name not in wanted)
    if not args.check:
        for name in missing:
            (folder / name).write_bytes(speech.synthesizer().ogg_opus(wanted[name]))
        for name in stale:
            (folder / name).unlink()
    print(f"{len(wanted)} clips, {len(missing)} {'missing' if args.check else 'made'}, {len(stale)} stale")
    return 1 if args.check and (missing or stale) else 0


if __name__ == "__main__":
    raise SystemExit(main())
