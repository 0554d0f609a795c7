"""Time from ticket data to bytes fully written to the printer, Chinese only and Mongolian with
Chinese (issue 22 asks under 1 s), on 80 mm and 58 mm, native Chinese and raster profiles.

    .venv/bin/python benchmarks/print_ticket_mongolian.py [--prints 30]
    .venv/bin/python benchmarks/print_ticket_mongolian.py --short   # 3 prints each: that it runs, not a figure
"""

from __future__ import annotations

import argparse
import time

from print_ticket import percentiles, ticket

from devices.printer import ReceiptPrinter
from devices.printer.simulator import PrinterSimulator
from kiosk.domain.words_mn import receipt_words

PROFILES = [("generic-80-gb18030", 80), ("generic-58-gb18030", 58), ("generic-80-raster", 80),
            ("generic-58-raster", 58)]


def bilingual(i: int, mongolian: bool):
    data = ticket(i)
    data.hall_name = "示范县政务服务中心"
    if mongolian:
        data.mongolian = receipt_words(data.hall_name, f"监督投诉电话：{data.complaint_phone}")
    return data


def run(profile: str, paper: int, prints: int, mongolian: bool) -> None:
    with PrinterSimulator(port=0, paper_mm=paper, render=False) as sim:
        printer = ReceiptPrinter({"port": sim.port, "profile": profile})
        for i in range(2):  # warm-up: fonts load, caches fill
            printer.print_ticket(bilingual(i, mongolian))
        took = []
        for i in range(prints):
            data = bilingual(100 + i, mongolian)
            start = time.perf_counter()
            printer.print_ticket(data)
            took.append(time.perf_counter() - start)
        sim.wait_for_jobs(prints + 2, timeout=60)
    median, p95 = percentiles(took)
    print(f"{profile:<20} {'mn-zh' if mongolian else 'zh   '}  data→written median {median:6.1f} ms  p95 {p95:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prints", type=int, default=30)
    parser.add_argument("--short", action="store_true", help="3 prints each, to check that the benchmark runs")
    args = parser.parse_args()
    prints = 3 if args.short else args.prints
    for profile, paper in PROFILES:
        for mongolian in (False, True):
            run(profile, paper, prints, mongolian)


if __name__ == "__main__":
    main()
