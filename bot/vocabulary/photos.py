"""A mentor's photo made fit to keep: turned upright, at most MAX_SIDE pixels, JPEG, and
without its metadata (a phone's EXIF can hold where and when it was taken)."""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1280
MAX_PIXELS = 40_000_000  # larger claims are refused before decoding (decompression bombs)
JPEG_QUALITY = 85


class NotAPicture(ValueError):
    """The file is not an image Pillow can read."""


def prepare(data: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise NotAPicture("too many pixels")
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # a JPEG decodes at a fraction of its size: fast, little memory
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            if image.mode != "RGB":
                background = Image.new("RGB", image.size, "white")
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                image = background
            image.info.clear()  # EXIF, XMP, ICC, a JPEG comment: none goes into the copy kept
            out = io.BytesIO()
            image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as err:
        raise NotAPicture(str(err)) from err
