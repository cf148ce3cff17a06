"""What people send us: photos checked by content and stored by hash, text trimmed and bounded.

Photos are validated all together before any is written, so a refused upload stores nothing.
Each is decoded and re-encoded with Pillow: what is stored is only pixels, never what came
along with them (EXIF with the GPS position of a resident's home, or HTML appended after a JPEG
header, which a browser might sniff as a page). Files are named by the sha256 of the re-encoded
content, so the same photo is stored once however often it is sent; the gateway turns the
stored names into URLs.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import tempfile
import warnings
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from models.errors import InvalidInput

MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 8 * 1024 * 1024
PHOTOS_FIELD = "photos"
MAX_PIXELS = 36_000_000  # beyond any phone photo's full size: more is a decompression bomb
MAX_SIDE = 2560  # what is stored and served: plenty for a report, light on mobile data
_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}


@dataclass(frozen=True, slots=True)
class Photo:
    name: str
    data: bytes


def _extension(data: bytes) -> str | None:
    """The image type told by the first bytes; the client's file name is never trusted."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _reencoded(data: bytes, extension: str) -> bytes | None:
    """The image's pixels in a fresh file of the same type (upright, no metadata), or None
    when Pillow cannot decode it as that type."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[_FORMATS[extension]]) as image:
                if image.width * image.height > MAX_PIXELS:
                    return None
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a reduced scale
                upright = ImageOps.exif_transpose(image)
                upright.thumbnail((MAX_SIDE, MAX_SIDE))
                # Only pixels go on: no EXIF (GPS), XMP, ICC or text chunks are carried over.
                upright.info = {k: v for k, v in upright.info.items() if k == "transparency"}
                if upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                    upright = upright.convert("RGB")
                if extension == "jpg" and upright.mode != "L":
                    upright = upright.convert("RGB")
                out = io.BytesIO()
                upright.save(out, format=_FORMATS[extension], **_SAVE_OPTIONS[extension])
                return out.getvalue()
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ):
        return None


_SAVE_OPTIONS: dict[str, dict[str, object]] = {
    "jpg": {"quality": 88, "optimize": True},
    "png": {"optimize": True},
    "webp": {"quality": 88},
}


def _checked(index: int, data: bytes) -> Photo:
    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidInput(f"Photo {index} is larger than 8 MB.", field=PHOTOS_FIELD)
    extension = _extension(data)
    clean = _reencoded(data, extension) if extension is not None else None
    if extension is None or clean is None:
        raise InvalidInput(f"Photo {index} is not a JPEG, PNG or WebP image.", field=PHOTOS_FIELD)
    return Photo(f"{hashlib.sha256(clean).hexdigest()}.{extension}", clean)


def _check_all(photos: Sequence[bytes]) -> list[Photo]:
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(f"At most {MAX_PHOTOS} photos.", field=PHOTOS_FIELD)
    unique: dict[str, Photo] = {}
    for index, data in enumerate(photos, start=1):
        photo = _checked(index, data)
        unique.setdefault(photo.name, photo)
    return list(unique.values())


async def check_photos(photos: Sequence[bytes]) -> list[Photo]:
    """Every photo checked (count, size, type by content), duplicates dropped; nothing written."""
    if not photos:
        return []
    # Decoding, re-encoding and hashing up to 48 MB takes a while: off the event loop.
    return await asyncio.to_thread(_check_all, photos)


def _write_new(photo: Photo, media_dir: Path) -> Path | None:
    """Write the file unless it exists; the path if this call created it."""
    target = media_dir / photo.name
    if target.exists():
        return None
    # Written beside the target then renamed, so a reader never sees half a photo.
    handle, temporary = tempfile.mkstemp(dir=media_dir, prefix=".upload-")
    with os.fdopen(handle, "wb") as file:
        file.write(photo.data)
    os.replace(temporary, target)
    return target


def _write_all(photos: list[Photo], media_dir: Path) -> list[Path]:
    if not photos:
        return []
    media_dir.mkdir(parents=True, exist_ok=True)
    created = (_write_new(photo, media_dir) for photo in photos)
    return [path for path in created if path is not None]


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


@asynccontextmanager
async def stored(photos: list[Photo], media_dir: Path) -> AsyncIterator[list[str]]:
    """Store checked photos and yield their names; files this call created are removed again
    if the block fails, so a failed submission leaves nothing behind."""
    created = await asyncio.to_thread(_write_all, photos, media_dir)
    try:
        yield [photo.name for photo in photos]
    except BaseException:
        await asyncio.to_thread(_remove, created)
        raise
