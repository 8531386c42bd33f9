"""Visit photos as phones send them (several MB, rotated by a metadata tag, carrying GPS and the device):
checked to be a picture, turned upright, shrunk to a size a page shows, saved as JPEG without metadata."""

from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from jingzhun.errors import DomainError

LONGEST_SIDE = 1600
QUALITY = 82
MAX_PIXELS = 60_000_000  # a 60-megapixel photo is the largest phone camera's; larger is not a photo


def prepared(upload) -> ContentFile:
    if upload.size > settings.VISIT_PHOTO_MAX_BYTES:
        raise DomainError(_("The photo is larger than %(mb)d MB.") % {
            "mb": settings.VISIT_PHOTO_MAX_BYTES // 2**20}, field="photo")
    data = upload.read()
    try:
        with Image.open(BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise DomainError(_("The photo has too many pixels."), field="photo")
            probe.verify()
        with Image.open(BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
            out = BytesIO()
            image.save(out, "JPEG", quality=QUALITY, optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise DomainError(_("The file is not a photo (JPEG, PNG or WebP)."), field="photo") from None
    return ContentFile(out.getvalue())
