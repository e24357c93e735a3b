"""Hostile values per class of issue 13, fixed lists (the fuzz is derandomized and bounded)."""

import io

from PIL import Image

CONTROL = ["\x00", "a\x0bb", "Word\x0cpaste", "\x1b[31m", "x\ufffe", "\uffff", "tab\x01"]
NUMBERS = ["²", "١٢", "1" * 5000, "9" * 20, "-1", "0", "1.5", "1e309", "0x10", "１２"]
DATETIMES = [
    "2026-05-01T10:00:00+23:59",
    "2026-05-01T10:00:00-23:59",
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-23:00",
    "2026-02-30T10:00:00Z",
    "10:00+99:00",
]
CSV_INJECTION = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1:A2)", "\tcmd", "\rcmd"]
TEXT = ["", " ", "x" * 10_000, "<script>alert(1)</script>", "]]><x/>", "&#0;", "'; DROP TABLE x; --", "../../etc"]
# Values no client may smuggle through a form or a JSON body (surrogates travel only in JSON).
JSON_ONLY = ["\ud800", "a\udfffb"]
JSON_TYPES = [None, True, 2**70, -(2**70), 1.5, [], {}, ["x"], {"a": "b"}]

CLASSES = {
    "control": CONTROL,
    "numbers": NUMBERS,
    "datetimes": DATETIMES,
    "csv": CSV_INJECTION,
    "text": TEXT,
}
CHARSETS = ["latin-1", "utf-16", "x-no-such-charset"]


def png(size, mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def uploads():
    """(file name, bytes) of files that are not acceptable photos, or barely are."""
    return [
        ("bomb.png", png((6300, 6300), "1")),
        ("wide.png", png((20000, 1), "1")),
        ("fake.jpg", b"%PDF-1.4 not an image"),
        ("empty.png", b""),
        ("truncated.png", png((50, 50))[:40]),
        ("photo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
    ]
