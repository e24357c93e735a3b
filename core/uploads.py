"""The one rule for a photo the forum stores, whatever path it comes by (the RSVP page, the API,
the admin or any model form).

A photo is a JPEG, PNG or WebP file of at most ``PHOTO_MAX_BYTES``, whose header declares at
most ``PHOTO_MAX_PIXELS`` pixels. Only then is it decoded, re-encoded as a JPEG no larger than
``PHOTO_MAX_SIDE`` on its long side, with its orientation applied and every piece of metadata
(EXIF, GPS, ICC, comments) left behind. What is stored is always the re-encoded file.

Memory budget: the pixel count is read from the header before any decoding, so a small file that
declares a huge image (a 5 KB PNG of 6300 × 6300 decoded to 220 MiB before this rule) is refused
for the cost of reading its header. An accepted photo decodes to at most 12 megapixels × 4 bytes
(RGBA/CMYK, the widest mode a JPEG, PNG or WebP decodes to) = 48 MiB, plus a 36 MiB RGB copy:
under 96 MiB per upload at worst. JPEGs are decoded at a reduced scale (Pillow's draft mode), so
an ordinary camera photo costs a few MiB. Pillow's own bomb guard is set to the same limit, so
nothing else in the process decodes a larger image either.
"""

import io
import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 12_000_000
PHOTO_MAX_SIDE = 800
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}

# Pillow warns past MAX_IMAGE_PIXELS and refuses past twice that; no decoding in this process
# goes beyond the photo budget.
Image.MAX_IMAGE_PIXELS = PHOTO_MAX_PIXELS

TOO_LARGE = _("The photo is too large: at most %(mb)s MB.")
TOO_MANY_PIXELS = _("The photo has too many pixels: at most %(mp)s megapixels.")
NOT_A_PHOTO = _("Upload a JPEG, PNG or WebP photo.")


def clean_photo(upload):
    """``upload`` (a file object with ``size`` and ``read()``) re-encoded as a small JPEG without
    metadata, as a ``ContentFile``-like upload; ValidationError (codes ``too_large``,
    ``invalid_type``) otherwise."""
    size = getattr(upload, "size", None)
    if size is None or size > PHOTO_MAX_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large", params={"mb": PHOTO_MAX_BYTES // (1024 * 1024)})
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(PHOTO_MAX_BYTES + 1)
    if len(data) > PHOTO_MAX_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large", params={"mb": PHOTO_MAX_BYTES // (1024 * 1024)})
    try:
        with Image.open(io.BytesIO(data)) as probe:  # reads the header only
            if probe.format not in PHOTO_FORMATS:
                raise ValidationError(NOT_A_PHOTO, code="invalid_type")
            _check_pixels(probe)
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            _check_pixels(image)
            if image.format == "JPEG":
                # Decode at the smallest scale (1/2, 1/4, 1/8) still at least twice the output.
                image.draft("RGB", (PHOTO_MAX_SIDE * 2, PHOTO_MAX_SIDE * 2))
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = io.BytesIO()
            # A fresh image saved without exif/icc arguments: no metadata travels along.
            image.save(out, "JPEG", quality=85, optimize=True)
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's guard, at twice the budget
        raise ValidationError(TOO_MANY_PIXELS, code="too_large", params={"mp": PHOTO_MAX_PIXELS // 1_000_000}) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(NOT_A_PHOTO, code="invalid_type") from exc
    return SimpleUploadedFile(f"{secrets.token_hex(8)}.jpg", out.getvalue(), content_type="image/jpeg")


def _check_pixels(image):
    if image.width * image.height > PHOTO_MAX_PIXELS:
        raise ValidationError(TOO_MANY_PIXELS, code="too_large", params={"mp": PHOTO_MAX_PIXELS // 1_000_000})


class PhotoFormField(forms.ImageField):
    """A form's photo: checked and re-encoded by :func:`clean_photo`; the cleaned value is the
    re-encoded JPEG, so a model form stores that and never the uploaded bytes."""

    default_error_messages = {"invalid_image": NOT_A_PHOTO}

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        return clean_photo(upload)


class PhotoField(models.ImageField):
    """A model's photo. Every model form (the admin's included) gets :class:`PhotoFormField`.

    It changes behaviour only, not the column: it deconstructs as Django's ImageField so that no
    migration follows from using it."""

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", PhotoFormField)
        return super().formfield(**kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs
