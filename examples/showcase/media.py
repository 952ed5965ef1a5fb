"""Checks of a `replaceBookMedia` upload against the contract's `encoding` and size limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from generated.showcase import Form, Upload, models

from . import errors
from .parts import Part, media_type
from .store import Media

MIB = 1024 * 1024
# Contract, `replaceBookMedia` `encoding`: the media types each part may declare.
ALLOWED = {
    "cover": frozenset({"image/png", "image/jpeg"}),
    "sample_pages": frozenset({"application/pdf"}),
    "alt_text": frozenset({"text/plain"}),
}
LIMITS = {"cover": 2 * MIB, "sample_pages": 5 * MIB}  # per part


@dataclass(frozen=True)
class Rejection:
    """Why an upload is refused: 413 (`too_large`) or 415."""

    too_large: bool
    body: models.Error


MediaForm = Form[models.BookMediaUploadFields]  # the body: alt text, and the spooled file parts


def check_parts(parts: Sequence[Part], upload: MediaForm) -> Rejection | None:
    """415 for a part with a media type its `encoding` does not list, 413 for an oversized one
    (by the spooled part's size, before a byte of it is read)."""
    for part in parts:
        allowed = ALLOWED.get(part.name)
        if allowed is not None and not _declared_ok(part, allowed):
            return Rejection(
                False, errors.unsupported_part(part.name, " or ".join(sorted(allowed)))
            )
    pages = upload.files.get("sample_pages", ())
    sizes = [("cover", upload.file("cover").size)] + [("sample_pages", p.size) for p in pages]
    for name, size in sizes:
        if size > LIMITS[name]:
            return Rejection(True, errors.too_large(f"{LIMITS[name] // MIB} MiB per {name} part"))
    return None


def _declared_ok(part: Part, allowed: frozenset[str]) -> bool:
    """A text field may leave its type out (RFC 7578 §4.4: `text/plain`), if UTF-8."""
    if part.content_type is None:
        return "text/plain" in allowed and not part.is_file
    if part.media_type not in allowed:
        return False
    charset = next(
        (
            p.split("=", 1)[1].strip().strip('"')
            for p in part.content_type.split(";")[1:]
            if p.strip().startswith("charset=")
        ),
        "utf-8",
    )
    return part.media_type != "text/plain" or charset.lower() in {"utf-8", "utf8"}


def stored(upload: MediaForm, version: int) -> Media:
    """What is kept of an upload (read from the spooled parts, after `check_parts` bounded
    their sizes); leaving `sample_pages` out removes the sample pages."""
    cover = _whole(upload.file("cover"))
    cover_type = upload.file("cover").content_type
    is_jpeg = media_type(cover_type) == "image/jpeg" or cover.startswith(b"\xff\xd8\xff")
    return Media(
        cover=cover,
        cover_extension="jpg" if is_jpeg else "png",
        alt_text=upload.fields.alt_text,
        sample_pages=[_whole(page) for page in upload.files.get("sample_pages", ())],
        version=version,
    )


def _whole(part: Upload) -> bytes:
    return b"".join(part.chunks())


def to_model(base_url: str, book_id: int, media: Media) -> models.BookMedia:
    """Where the media are served from (a CDN in front of this service)."""
    base = base_url.rstrip("/")
    version = f"?v={media.version}"
    return models.BookMedia(
        cover_url=f"{base}/covers/{book_id}.{media.cover_extension}{version}",
        alt_text=media.alt_text,
        sample_page_urls=[
            f"{base}/samples/{book_id}/{n}.pdf{version}"
            for n in range(1, len(media.sample_pages) + 1)
        ],
    )
