"""A mentor's photo is kept upright, small, and without what the phone wrote into it."""

import io

import pytest
from PIL import Image

from bot.vocabulary import photos


def jpeg_with_metadata() -> bytes:
    image = Image.new("RGB", (3000, 2000), "orange")
    exif = Image.Exif()
    exif[0x0112] = 6                     # orientation: turn 90°
    exif[0x010F] = "PhoneMaker"          # make
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"Taken at Storgata 5")
    return out.getvalue()


def test_the_photo_is_turned_upright_made_small_and_stripped():
    kept = photos.prepare(jpeg_with_metadata())
    with Image.open(io.BytesIO(kept)) as image:
        assert image.format == "JPEG" and max(image.size) == photos.MAX_SIDE
        assert image.size[1] > image.size[0]  # the orientation tag was applied
        assert not image.getexif() and "comment" not in image.info and "exif" not in image.info
    assert b"Storgata" not in kept and b"PhoneMaker" not in kept


def test_a_transparent_png_gets_a_white_background():
    out = io.BytesIO()
    Image.new("RGBA", (200, 100), (0, 0, 0, 0)).save(out, "PNG")
    with Image.open(io.BytesIO(photos.prepare(out.getvalue()))) as image:
        assert image.mode == "RGB" and image.getpixel((5, 5)) == (255, 255, 255)


@pytest.mark.parametrize("data", [b"", b"%PDF-1.4", b"\x89PNG\r\n\x1a\nbroken"])
def test_what_is_not_a_picture_is_refused(data):
    with pytest.raises(photos.NotAPicture):
        photos.prepare(data)
