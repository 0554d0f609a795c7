"""Pages out: JPEG bytes for upload, and a multi-page PDF at each page's real size."""

from __future__ import annotations

import os
from typing import Iterable, Union

import cv2
import numpy as np
from PIL import Image

from .capture import CaptureResult
from .page_sizes import guess_page_size_mm

MM_PER_INCH = 25.4
PageLike = Union[CaptureResult, np.ndarray, tuple]  # a capture, an image, or (image, (w_mm, h_mm))


def to_jpeg(image: np.ndarray, quality: int = 80) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality),
                                           cv2.IMWRITE_JPEG_OPTIMIZE, 1])
    if not ok:
        raise ValueError("image could not be encoded as JPEG")
    return buf.tobytes()


def _image_and_size(page: PageLike, dpi: float) -> tuple[np.ndarray, tuple[float, float]]:
    if isinstance(page, CaptureResult):
        image, size = page.image, page.page_size_mm
    elif isinstance(page, tuple):
        image, size = page
    else:
        image, size = page, None
    h, w = image.shape[:2]
    size = size or guess_page_size_mm(w, h) or (w / dpi * MM_PER_INCH, h / dpi * MM_PER_INCH)
    return image, size


def to_pdf(pages: Iterable[PageLike], path: str | os.PathLike, dpi: float = 200, quality: int = 75) -> None:
    """Write all pages into one PDF; every page is resampled to `dpi` at its physical size.

    A4 pages come out as A4 sheets and ID cards at 85.6 x 54 mm, so the PDF prints true to size.
    """
    images = []
    for page in pages:
        image, (w_mm, h_mm) = _image_and_size(page, dpi)
        size_px = (max(1, round(w_mm / MM_PER_INCH * dpi)), max(1, round(h_mm / MM_PER_INCH * dpi)))
        resized = cv2.resize(image, size_px, interpolation=cv2.INTER_AREA)
        if resized.ndim == 2 or _is_grey(resized):
            images.append(Image.fromarray(resized if resized.ndim == 2 else resized[..., 0]))
        else:
            images.append(Image.fromarray(cv2.cvtColor(resized, cv2.COLOR_BGR2RGB)))
    if not images:
        raise ValueError("no pages to write")
    images[0].save(os.fspath(path), "PDF", save_all=True, append_images=images[1:],
                   resolution=float(dpi), quality=quality)


def _is_grey(image: np.ndarray) -> bool:
    return bool((image[..., 0] == image[..., 1]).all() and (image[..., 1] == image[..., 2]).all())
