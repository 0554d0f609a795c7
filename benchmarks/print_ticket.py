"""Time from ticket data to bytes fully written to the printer, per text mode.

Prints to the printer simulator on 127.0.0.1 (an ephemeral port). "Written" means
the simulator has read the whole job: the status reply to the query sent after
the job can only come once every byte before it was read. Encoding alone (data to
bytes, no I/O) is timed separately.

    .venv/bin/python benchmarks/print_ticket.py [--prints 50]
    .venv/bin/python benchmarks/print_ticket.py --short      # 3 prints per mode: that it runs, not a figure
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime

from devices.printer import ReceiptPrinter, TicketReceipt
from devices.printer.simulator import PrinterSimulator

PROFILES = [
    ("native GB18030, 80 mm", "generic-80-gb18030", 80),
    ("native GB18030, 58 mm", "generic-58-gb18030", 58),
    ("raster,         80 mm", "generic-80-raster", 80),
    ("raster,         58 mm", "generic-58-raster", 58),
]


def ticket(i: int) -> TicketReceipt:
    return TicketReceipt(
        hall_name="许昌市政务服务中心", number=f"A{i % 1000:03d}", service_type="帮办",
        matter_name="企业设立登记（有限责任公司，含 Limited Liability Company 名称自主申报）",
        waiting_ahead=i % 20, estimated_wait_s=60 * (i % 45), issued_at=datetime.now(),
        status_url=f"https://zwfw.example.gov.cn/queue/status?ticket=A{i:03d}&k={i * 7919:x}",
        time_limit_days=3, id_number="410102199001011234", phone="13812345678",
        materials=["营业执照申请书", "法定代表人䶮的身份证复印件", "股东𠮷田 Yoshida 的护照复印件"],
    )


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def run(label: str, profile: str, paper: int, prints: int) -> None:
    with PrinterSimulator(port=0, paper_mm=paper, render=False) as sim:
        printer = ReceiptPrinter({"port": sim.port, "profile": profile})
        for i in range(3):  # warm-up: fonts load, glyph caches fill
            printer.print_ticket(ticket(i))
        encode, full, size = [], [], 0
        for i in range(prints):
            data = ticket(100 + i)
            start = time.perf_counter()
            size = len(printer.ticket_bytes(data))
            encode.append(time.perf_counter() - start)
            start = time.perf_counter()
            printer.print_ticket(data)
            full.append(time.perf_counter() - start)
        sim.wait_for_jobs(prints + 3, timeout=60)
    e_med, e_p95 = percentiles(encode)
    f_med, f_p95 = percentiles(full)
    print(f"{label}  {size:>6} B  encode median {e_med:6.1f} ms  p95 {e_p95:6.1f} ms   "
          f"data→written median {f_med:6.1f} ms  p95 {f_p95:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prints", type=int, default=50)
    parser.add_argument("--short", action="store_true", help="3 prints per mode, to check that the benchmark runs")
    args = parser.parse_args()
    if args.short:
        args.prints = 3
    print(f"{args.prints} ticket prints per mode (with one-time notice and QR), status checked before and after")
    for label, profile, paper in PROFILES:
        run(label, profile, paper, args.prints)


if __name__ == "__main__":
    main()
