"""Photos uploaded with a GeoReport request, served by the app at signed, expiring URLs.

A request's ``media_url`` is public within the jurisdiction (anyone may list requests), so the
photo is too; what the URL must not be is a path under ``/media/`` (nothing serves that folder when
``DEBUG`` is off) or a guessable, permanent address. Each response therefore signs the request's
primary key (``django.core.signing``, its own salt) into ``/open311/v2/media/<signed>``; the view
checks the signature and its age (``DANGQUN["OPEN311_MEDIA_URL_SECONDS"]``, seven days by default)
and streams the stored file. A client that keeps a URL past its age gets 410 and fetches the
request again for a fresh one.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core import signing
from django.urls import reverse

from dangqun.open311.models import Open311Request

SALT = "dangqun.open311.media"
DEFAULT_MAX_AGE = 7 * 24 * 3600
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
}


class MediaExpiredError(Exception):
    """The signature is good but older than the allowed age."""


def max_age() -> int:
    return int(getattr(settings, "DANGQUN", {}).get("OPEN311_MEDIA_URL_SECONDS", DEFAULT_MAX_AGE))


def media_path(posted: Open311Request | int) -> str:
    """The app path of ``posted``'s uploaded photo (the request or its id), signed now."""
    pk = posted if isinstance(posted, int) else posted.pk
    return reverse("open311:media", kwargs={"signed": signing.dumps(pk, salt=SALT, compress=True)})


def media_url_of(
    pk: int | None, media_file: str | None, sent_url: str | None, absolute: Callable[[str], str]
) -> str:
    """What ``media_url`` shows for the Open311 request ``pk`` (``None``: the case did not come in
    through Open311): the signed URL of an uploaded photo, else the URL the client sent."""
    if pk is None:
        return ""
    if media_file:
        return absolute(media_path(pk))
    return sent_url or ""


def media_request(signed: str) -> Open311Request | None:
    """The request a signed value names, ``None`` for a forged or unknown one.

    Raises ``MediaExpiredError`` for a genuine signature past its age."""
    try:
        pk = signing.loads(signed, salt=SALT, max_age=max_age())
    except signing.SignatureExpired:
        raise MediaExpiredError from None
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Open311Request.objects.filter(pk=pk).exclude(media_file="").first()


def content_type(path: str) -> str:
    return CONTENT_TYPES.get(path.rsplit(".", 1)[-1].lower(), "application/octet-stream")
