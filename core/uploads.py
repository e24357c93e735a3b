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

Signatures and stamps (:func:`clean_mark`, :class:`MarkField`) pass the same checks and are
re-encoded as PNG, keeping their transparency; they are stored privately by their model.
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
TOO_LARGE_IMAGE = _("The image is too large: at most %(mb)s MB.")
NOT_AN_IMAGE = _("Upload a JPEG, PNG or WebP image.")
# Signatures and stamps print at a few centimetres: 1200 px is more than a 600 dpi print needs.
MARK_MAX_SIDE = 1200


def _read_checked(upload, *, too_large, not_an_image):
    """The bytes of ``upload`` once its size, format (read from the header) and declared pixel
    count pass; ValidationError otherwise. Nothing is decoded here."""
    size = getattr(upload, "size", None)
    if size is None or size > PHOTO_MAX_BYTES:
        raise ValidationError(too_large, code="too_large", params={"mb": PHOTO_MAX_BYTES // (1024 * 1024)})
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(PHOTO_MAX_BYTES + 1)
    if len(data) > PHOTO_MAX_BYTES:
        raise ValidationError(too_large, code="too_large", params={"mb": PHOTO_MAX_BYTES // (1024 * 1024)})
    try:
        with Image.open(io.BytesIO(data)) as probe:  # reads the header only
            if probe.format not in PHOTO_FORMATS:
                raise ValidationError(not_an_image, code="invalid_type")
            _check_pixels(probe)
            probe.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise ValidationError(TOO_MANY_PIXELS, code="too_large", params={"mp": PHOTO_MAX_PIXELS // 1_000_000}) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(not_an_image, code="invalid_type") from exc
    return data


def clean_photo(upload):
    """``upload`` (a file object with ``size`` and ``read()``) re-encoded as a small JPEG without
    metadata, as a ``ContentFile``-like upload; ValidationError (codes ``too_large``,
    ``invalid_type``) otherwise."""
    data = _read_checked(upload, too_large=TOO_LARGE, not_an_image=NOT_A_PHOTO)
    try:
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


def clean_mark(upload):
    """A signature or a stamp: the same size, format and pixel rules as a photo, re-encoded as a
    PNG no larger than ``MARK_MAX_SIDE`` that keeps its transparency (a signature printed over a
    stamp must not show a white box) and none of the uploaded file's metadata. Stored privately
    by the caller; the name is random, never the uploaded one."""
    data = _read_checked(upload, too_large=TOO_LARGE_IMAGE, not_an_image=NOT_AN_IMAGE)
    try:
        with Image.open(io.BytesIO(data)) as image:
            _check_pixels(image)
            if image.format == "JPEG":
                image.draft("RGB", (MARK_MAX_SIDE * 2, MARK_MAX_SIDE * 2))
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGBA" if _has_transparency(image) else "RGB")
            image.thumbnail((MARK_MAX_SIDE, MARK_MAX_SIDE))
            out = io.BytesIO()
            image.save(out, "PNG", optimize=True)  # no pnginfo, no icc: no metadata travels along
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise ValidationError(TOO_MANY_PIXELS, code="too_large", params={"mp": PHOTO_MAX_PIXELS // 1_000_000}) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(NOT_AN_IMAGE, code="invalid_type") from exc
    return SimpleUploadedFile(f"{secrets.token_hex(8)}.png", out.getvalue(), content_type="image/png")


def _has_transparency(image):
    return image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info)


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


class MarkFormField(forms.ImageField):
    """A signature's or a stamp's form field: checked and re-encoded by :func:`clean_mark`."""

    default_error_messages = {"invalid_image": NOT_AN_IMAGE}

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        return clean_mark(upload)


class MarkField(models.ImageField):
    """A model's signature or stamp image: every model form (the admin's included) gets
    :class:`MarkFormField`. Deconstructs as Django's ImageField: no migration follows."""

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", MarkFormField)
        return super().formfield(**kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs


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
