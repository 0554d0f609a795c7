"""统计: the hall's figures for a date range (``kiosk.server.figures``, the API's own), with
charts drawn on the server and seed 004's assessment table."""
from __future__ import annotations

from datetime import date, timedelta

from markupsafe import Markup
from sqlalchemy.orm import Session

from kiosk.domain.figures import TARGET_SATISFACTION
from kiosk.server import complaints, figures
from kiosk.server.supervisor import charts, templates
from kiosk.server.supervisor.templates import minutes, percent

DAILY_UP_TO = 62  # longer ranges are charted per month


def gather(db: Session, hall_id: int, first: date, last: date) -> dict:
    period = "day" if (last - first).days < DAILY_UP_TO else "month"
    return {"first": first, "last": last, "period": period,
            "summary": figures.hall_summary(db, hall_id, first, last),
            "complaints": complaints.figures(db, hall_id, first, last),
            "queues": figures.service_figures(db, hall_id, first, last, "queue", None),
            "helpers": figures.service_figures(db, hall_id, first, last, "helper", None),
            "periods": figures.service_figures(db, hall_id, first, last, None, period)}


def _labels(first: date, last: date, period: str) -> list[str]:
    """Every day (2026-11-23) or month (2026-11) of the range, so quiet ones show as gaps."""
    out, day = [], first
    while day <= last:
        label = day.isoformat() if period == "day" else day.strftime("%Y-%m")
        if not out or out[-1] != label:
            out.append(label)
        day += timedelta(days=1)
    return out


def _p90(part: dict | None) -> float | None:
    return part["p90_min"] if part else None


def _summary(s: dict) -> list[tuple]:
    """(label, value, note, class) of each tile."""
    liked, cases, follow, done = s["satisfaction"], s["cases"], s["follow_ups"], s["completion"]
    verdict = {True: "达到 95% 目标", False: "未达 95% 目标", None: "尚无评价"}[liked["meets_target"]]
    return [
        ("服务人次", s["services"], "", ""),
        ("平均等候", minutes(s["waiting"]["mean_min"]) if s["waiting"] else "—",
         f'90% 在 {minutes(s["waiting"]["p90_min"])} 内' if s["waiting"] else "", ""),
        ("平均办理", minutes(s["service"]["mean_min"]) if s["service"] else "—",
         f'90% 在 {minutes(s["service"]["p90_min"])} 内' if s["service"] else "", ""),
        ("满意率", percent(liked["rate"]), f'{verdict}（{liked["rated"]} 条评价）',
         "alert" if liked["meets_target"] is False else ""),
        ("评价覆盖率", percent(s["rating_coverage"]), "", ""),
        ("按时办结率", percent(done["on_time_rate"]),
         f'窗口办结 {done["at_window"]} 件；代办件办结 {cases["closed"]} 件，按时 {cases["on_time"]} 件，'
         f'逾期未办结 {done["open_late"]} 件',
         "alert" if done["on_time_rate"] is not None and done["on_time_rate"] < 1 else ""),
        ("差评回访待处理", follow["open"], f'已关闭 {follow["closed"]} 件', "alert" if follow["open"] else ""),
    ]


def _complaint_tile(c) -> tuple:
    late = c.on_time_rate is not None and c.on_time_rate < 1
    return ("投诉诉求按时办结率", percent(c.on_time_rate),
            f"收到 {c.received} 件，按时办结 {c.handled_on_time} 件，逾期未办 {c.open_late} 件", "alert" if late else "")


def _assessment(a: dict) -> dict:
    return {"rows": [[line["item"], line["full"], "需人工评定" if line["manual"] else f'{line["score"]:g}', line["basis"]]
                     for line in a["lines"]],
            "scored": f'{a["scored"]:g}', "of": a["of"], "manual": "、".join(a["manual_items"])}


def _group_rows(rows: list[dict]) -> list[list]:
    def part(r, key, field):
        return minutes(r[key][field]) if r[key] else "—"
    return [[r["group"], r["service"]["count"] if r["service"] else 0, part(r, "waiting", "mean_min"),
             part(r, "waiting", "p90_min"), part(r, "service", "mean_min"), part(r, "service", "p90_min"),
             percent(r["satisfaction"]["rate"]), percent(r["rating_coverage"])] for r in rows]


def render(who, data: dict, halls, hall_id: int, refused: bool = False) -> Markup:
    first, last, period = data["first"], data["last"], data["period"]
    queue_chart = charts.grouped_bars(
        "各队列等候与办理时间（90% 的人在此时间内）",
        [(r["group"], [_p90(r["waiting"]), _p90(r["service"])]) for r in data["queues"]],
        [charts.Series("等候 P90", charts.BLUE), charts.Series("办理 P90", charts.ORANGE)], "分钟")
    by_label = {r["period"]: r["satisfaction"] for r in data["periods"]}
    points = [(label[5:] if period == "day" else label, by_label[label]["rate"] if label in by_label else None,
               by_label[label]["rated"] if label in by_label else 0) for label in _labels(first, last, period)]
    unit = "每天" if period == "day" else "每月"
    satisfaction_chart = charts.rate_bars(f"{unit}满意率（非常满意和满意占已评价的比例）", points, TARGET_SATISFACTION)
    return templates.render(
        "figures.html", who=who, refused=refused, halls=halls, hall_id=hall_id, first=first.isoformat(), last=last.isoformat(),
        unit=unit, summary=_summary(data["summary"]) + [_complaint_tile(data["complaints"])], queue_chart=queue_chart, satisfaction_chart=satisfaction_chart,
        assessment=_assessment(data["summary"]["assessment"]),
        headers=["服务人次", "平均等候", "等候 P90", "平均办理", "办理 P90", "满意率", "评价覆盖率"],
        queues=_group_rows(data["queues"]), helpers=_group_rows(data["helpers"]))
