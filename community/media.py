"""What people send us: photos checked by content and stored by hash, text trimmed and bounded.

Photos are validated all together before any is written, so a refused upload stores nothing.
Files are named by the sha256 of their content, so the same photo is stored once however often
it is sent; the gateway turns the stored names into URLs.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from models.errors import InvalidInput

MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 8 * 1024 * 1024
PHOTOS_FIELD = "photos"


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


def _checked(index: int, data: bytes) -> Photo:
    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidInput(f"Photo {index} is larger than 8 MB.", field=PHOTOS_FIELD)
    extension = _extension(data)
    if extension is None:
        raise InvalidInput(f"Photo {index} is not a JPEG, PNG or WebP image.", field=PHOTOS_FIELD)
    return Photo(f"{hashlib.sha256(data).hexdigest()}.{extension}", data)


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
    # Hashing up to 48 MB takes a while: off the event loop.
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
