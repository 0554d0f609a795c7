"""Page bytes and camera frames as Kivy textures, and a PDF's page count and first page
(poppler-utils' pdfinfo and pdftoppm, when installed). Textures are made on the UI thread;
``pdf_summary`` runs in a worker."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass
class PdfSummary:
    pages: int | None  # None: poppler-utils is not installed, or the file is not readable
    first_page_png: bytes | None


def pdf_summary(data: bytes, timeout_s: float = 10.0) -> PdfSummary:
    if not (shutil.which("pdfinfo") and shutil.which("pdftoppm")):
        return PdfSummary(None, None)
    with tempfile.TemporaryDirectory(prefix="bangban-pdf-") as folder:
        pdf = Path(folder) / "page.pdf"
        pdf.write_bytes(data)
        try:
            info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=timeout_s)
            found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                            str(pdf), str(Path(folder) / "first")], capture_output=True, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return PdfSummary(None, None)
        first = Path(folder) / "first.png"
        return PdfSummary(int(found.group(1)) if found else None, first.read_bytes() if first.exists() else None)


def texture_from_bytes(data: bytes, ext: str):
    """A JPEG or PNG as a texture (UI thread)."""
    from kivy.core.image import Image as CoreImage

    return CoreImage(io.BytesIO(data), ext=ext).texture


def texture_from_bgr(image: np.ndarray):
    """A BGR camera frame as a texture (UI thread); rows flipped, since Kivy's origin is bottom-left."""
    from kivy.graphics.texture import Texture

    h, w = image.shape[:2]
    texture = Texture.create(size=(w, h), colorfmt="bgr")
    texture.blit_buffer(np.ascontiguousarray(image[::-1]).tobytes(), colorfmt="bgr", bufferfmt="ubyte")
    return texture
