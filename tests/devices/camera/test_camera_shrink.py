"""The detector's downscale: the size asked for, and an average of the pixels (no aliasing)."""

import cv2
import numpy as np
import pytest

from devices.camera.page_detect import shrink


@pytest.mark.parametrize("size,scale", [((1080, 1920), 0.2), ((720, 1280), 0.3), ((3120, 4208), 384 / 4208)])
def test_shrink_gives_the_size_asked_and_averages_like_an_area_resize(size, scale):
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, (*size, 3), dtype=np.uint8)
    image[: size[0] // 2] //= 3  # a step, so the mean is not all there is
    small = shrink(image, scale)
    want = (max(1, round(size[1] * scale)), max(1, round(size[0] * scale)))
    assert small.shape[1::-1] == want
    reference = cv2.resize(image, want, interpolation=cv2.INTER_AREA).astype(float)
    # pixel noise averages out as in OpenCV's own area resize (within 6 grey levels on this
    # pure noise); a bilinear resize, which samples a few pixels of each block, is 20 to 40 off
    assert np.abs(small.astype(float) - reference).mean() < 8
