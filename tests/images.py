"""Real, tiny images for upload tests: the gateway decodes and re-encodes every photo."""

from __future__ import annotations

import io

from PIL import Image


def image_bytes(kind: str, seed: int = 0, size: tuple[int, int] = (32, 24)) -> bytes:
    """A `kind` ("JPEG", "PNG", "WEBP") image whose colour depends on `seed`."""
    colour = (seed * 37 % 256, seed * 91 % 256, 200)
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=kind)
    return out.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
WEBP = image_bytes("WEBP")


def pixels(data: bytes) -> tuple[tuple[int, int], bytes]:
    """Size and raw RGB pixels: what must survive re-encoding (lossless formats exactly)."""
    with Image.open(io.BytesIO(data)) as image:
        return image.size, image.convert("RGB").tobytes()
