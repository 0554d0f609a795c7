"""Shared, seeded test material for the document camera: generated once per session."""

import numpy as np
import pytest

from devices.camera.synthetic import make_scene

ACCURACY_FRAMES = 100
ACCURACY_SEED = 2015  # the SmartDoc year; any fixed seed gives the same frames everywhere


@pytest.fixture(scope="session")
def accuracy_set():
    rng = np.random.default_rng(ACCURACY_SEED)
    return [make_scene(rng) for _ in range(ACCURACY_FRAMES)]
