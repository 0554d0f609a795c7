"""Known document sizes: to square up a flattened page and to print it at its real size."""

from __future__ import annotations

KNOWN_SIZES_MM = {
    "A4": (210.0, 297.0),
    "ID card": (54.0, 85.6),  # ISO/IEC 7810 ID-1, the 居民身份证
}
SNAP_TOLERANCE = 0.06  # measured aspect within 6% of a known one (A4 and ID card are 12% apart)


def _match(w: float, h: float) -> tuple[float, float] | None:
    short, long_ = sorted((w, h))
    aspect = long_ / max(short, 1e-6)
    for size in KNOWN_SIZES_MM.values():
        known = size[1] / size[0]
        if abs(aspect - known) / known < SNAP_TOLERANCE:
            return size
    return None


def guess_page_size_mm(w: float, h: float) -> tuple[float, float] | None:
    """Physical (width, height) in mm for a page of w x h pixels, oriented like it; None if unknown."""
    size = _match(w, h)
    if size is None:
        return None
    return (size[1], size[0]) if w > h else size


def snap_aspect(w: int, h: int) -> tuple[int, int]:
    """Perspective leaves a page's measured proportions a little off: square them to the known ones."""
    size = _match(w, h)
    if size is None:
        return w, h
    aspect = size[1] / size[0]
    if w > h:
        return int(round(h * aspect)), h
    return w, int(round(w * aspect))
