"""A printer simulator on an ephemeral 127.0.0.1 port, stopped after the test."""

from __future__ import annotations

import pytest

from devices.printer.simulator import PrinterSimulator


@pytest.fixture
def simulator(tmp_path):
    """Start simulators on demand: simulator(paper_mm=58, fault=None)."""
    started = []

    def start(paper_mm: int = 80, **kwargs) -> PrinterSimulator:
        sim = PrinterSimulator(port=0, out_dir=tmp_path / f"sim{len(started)}", paper_mm=paper_mm, **kwargs)
        started.append(sim.start())
        return sim

    yield start
    for sim in started:
        sim.stop()
