"""Drawn signature and stamp images for the demo edition (and the tests), made with Pillow."""

import io
import math

from PIL import Image, ImageDraw, ImageFont

INK = (20, 40, 120, 255)
STAMP = (40, 70, 170, 255)


def _font(size):
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        return ImageFont.load_default()


def signature_png(seed=3):
    """A handwritten-looking stroke on a transparent background."""
    width, height = 600, 220
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = []
    for step in range(400):
        t = step / 399
        x = 30 + t * 520
        y = 120 + 55 * math.sin(t * math.pi * (5 + seed)) * (1 - t * 0.6) - 40 * math.sin(t * math.pi)
        points.append((x, y))
    draw.line(points, fill=INK, width=6, joint="curve")
    draw.line([(60, 175), (520, 160)], fill=INK, width=4)
    return _png(image)


def stamp_png(text="NATIONAL CYBERSECURITY FORUM · BAKU ·", centre="NCF"):
    """A round stamp: two rings, text along the rim and initials in the middle."""
    size = 520
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    middle = size / 2
    draw.ellipse([10, 10, size - 10, size - 10], outline=STAMP, width=12)
    draw.ellipse([90, 90, size - 90, size - 90], outline=STAMP, width=6)
    font = _font(34)
    radius = middle - 52
    for index, letter in enumerate(text):
        angle = -math.pi / 2 + index * 2 * math.pi / len(text)
        glyph = Image.new("RGBA", (48, 48), (255, 255, 255, 0))
        ImageDraw.Draw(glyph).text((24, 24), letter, font=font, fill=STAMP, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.BICUBIC)
        x = middle + radius * math.cos(angle) - 24
        y = middle + radius * math.sin(angle) - 24
        image.alpha_composite(glyph, (int(x), int(y)))
    draw.text((middle, middle), centre, font=_font(96), fill=STAMP, anchor="mm")
    return _png(image)


def _png(image):
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
