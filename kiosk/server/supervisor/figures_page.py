"""统计: the hall's figures for a date range (``kiosk.server.figures``, the API's own), with
charts drawn on the server and seed 004's assessment table."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from kiosk.domain.figures import TARGET_SATISFACTION
from kiosk.server import figures
from kiosk.server.supervisor import charts
from kiosk.server.supervisor.layout import Html, esc, hall_choice, join, minutes, percent, stat, table

DAILY_UP_TO = 62  # longer ranges are charted per month


def gather(db: Session, hall_id: int, first: date, last: date) -> dict:
    period = "day" if (last - first).days < DAILY_UP_TO else "month"
    return {"first": first, "last": last, "period": period,
            "summary": figures.hall_summary(db, hall_id, first, last),
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


def _summary(s: dict) -> Html:
    liked, cases, follow = s["satisfaction"], s["cases"], s["follow_ups"]
    verdict = {True: "达到 95% 目标", False: "未达 95% 目标", None: "尚无评价"}[liked["meets_target"]]
    return Html('<section class="stats" aria-label="汇总">' + join([
        stat("服务人次", s["services"]),
        stat("平均等候", minutes(s["waiting"]["mean_min"]) if s["waiting"] else "—",
             f'90% 在 {minutes(s["waiting"]["p90_min"])} 内' if s["waiting"] else ""),
        stat("平均办理", minutes(s["service"]["mean_min"]) if s["service"] else "—",
             f'90% 在 {minutes(s["service"]["p90_min"])} 内' if s["service"] else ""),
        stat("满意率", percent(liked["rate"]), f'{verdict}（{liked["rated"]} 条评价）',
             cls="alert" if liked["meets_target"] is False else ""),
        stat("评价覆盖率", percent(s["rating_coverage"])),
        stat("代办按时办结率", percent(cases["on_time_rate"]), f'办结 {cases["closed"]} 件，按时 {cases["on_time"]} 件',
             cls="alert" if cases["on_time_rate"] is not None and cases["on_time_rate"] < 1 else ""),
        stat("差评回访待处理", follow["open"], f'已关闭 {follow["closed"]} 件', cls="alert" if follow["open"] else ""),
    ]) + "</section>")


def _assessment(a: dict) -> Html:
    rows = [[line["item"], line["full"], "需人工评定" if line["manual"] else f'{line["score"]:g}', line["basis"]]
            for line in a["lines"]]
    manual = "、".join(a["manual_items"])
    return Html(table(["考核项目", "满分", "得分", "依据"], rows, cls="assessment")
                + f'<p class="total">可由记录计算的项目得分 <strong>{a["scored"]:g}</strong> / {a["of"]}；'
                  f'{esc(manual)}需现场检查或查阅资料后人工评定。</p>')


def _group_rows(rows: list[dict]) -> list[list]:
    def part(r, key, field):
        return minutes(r[key][field]) if r[key] else "—"
    return [[r["group"], r["service"]["count"] if r["service"] else 0, part(r, "waiting", "mean_min"),
             part(r, "waiting", "p90_min"), part(r, "service", "mean_min"), part(r, "service", "p90_min"),
             percent(r["satisfaction"]["rate"]), percent(r["rating_coverage"])] for r in rows]


def render(data: dict, halls, hall_id: int) -> Html:
    first, last, period = data["first"], data["last"], data["period"]
    form = (f'<form class="filters" method="get" action="/supervisor/figures">{hall_choice(halls, hall_id)}'
            f'<label>开始日期<input type="date" name="from" value="{first.isoformat()}" required></label>'
            f'<label>结束日期<input type="date" name="to" value="{last.isoformat()}" required></label>'
            f'<button type="submit">统计</button></form>')
    queue_chart = charts.grouped_bars(
        "各队列等候与办理时间（90% 的人在此时间内）",
        [(r["group"], [_p90(r["waiting"]), _p90(r["service"])]) for r in data["queues"]],
        [charts.Series("等候 P90", charts.BLUE), charts.Series("办理 P90", charts.ORANGE)], "分钟")
    by_label = {r["period"]: r["satisfaction"] for r in data["periods"]}
    points = [(label[5:] if period == "day" else label, by_label[label]["rate"] if label in by_label else None,
               by_label[label]["rated"] if label in by_label else 0) for label in _labels(first, last, period)]
    unit = "每天" if period == "day" else "每月"
    satisfaction_chart = charts.rate_bars(f"{unit}满意率（非常满意和满意占已评价的比例）", points, TARGET_SATISFACTION)
    headers = ["", "服务人次", "平均等候", "等候 P90", "平均办理", "办理 P90", "满意率", "评价覆盖率"]
    return Html(
        f'{form}<p class="hint">{first.isoformat()} 至 {last.isoformat()}，按本厅日历日统计。</p>'
        f'{_summary(data["summary"])}'
        f'<section><h2>各队列等候与办理（P90，分钟）</h2>{queue_chart}</section>'
        f'<section><h2>{unit}满意率</h2>{satisfaction_chart}</section>'
        f'<section><h2>帮办代办工作考核评分（满分 100 分）</h2>{_assessment(data["summary"]["assessment"])}'
        f'</section><section><h2>各队列明细</h2>{table(["队列"] + headers[1:], _group_rows(data["queues"]))}</section>'
        f'<section><h2>各帮办代办员明细</h2>{table(["人员"] + headers[1:], _group_rows(data["helpers"]))}</section>')
