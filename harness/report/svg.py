"""The timeline picture: one row per node, each deployment's phases as coloured bars on a
seconds axis (from the run's start), with a legend. Built with xml.etree: no plotting library."""
from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from harness.report.timeline import FIELDS, spans

COLOURS = {"poll wait": "#9ecae1", "agent": "#bdbdbd", "hook": "#fd8d3c", "signal": "#31a354",
           "agent + hook + signal": "#fdae6b"}
ROW_HEIGHT, BAR_HEIGHT, LEFT, RIGHT, TOP, AXIS = 34, 18, 210, 30, 40, 46
WIDTH = 1100


def _ticks(span: float) -> float:
    """A tick step giving about 10 ticks: 1, 2, 5 x 10^n seconds."""
    raw = max(span / 10, 0.1)
    power = 10 ** math.floor(math.log10(raw))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= raw)


def render(rows: list[dict], origin: float, title: str = "") -> str:
    """SVG text for the timeline `rows` (timeline.json), times relative to `origin`."""
    nodes = sorted({r["node"] for r in rows})
    times = [r[f] for r in rows for f in FIELDS if r[f] is not None]
    end = max(times, default=origin + 1) - origin
    span = max(end, 1.0)
    scale = (WIDTH - LEFT - RIGHT) / span
    height = TOP + ROW_HEIGHT * max(len(nodes), 1) + AXIS + 30
    svg = ET.Element("svg", xmlns="http://www.w3.org/2000/svg", width=str(WIDTH),
                     height=str(height), viewBox=f"0 0 {WIDTH} {height}",
                     style="font-family: sans-serif; font-size: 12px")
    ET.SubElement(svg, "rect", width="100%", height="100%", fill="white")
    _text(svg, LEFT, 20, title or "deployment timeline", size="14px", weight="bold")
    axis_y = TOP + ROW_HEIGHT * max(len(nodes), 1)
    _axis(svg, span, scale, axis_y)
    for position, node in enumerate(nodes):
        y = TOP + position * ROW_HEIGHT
        _text(svg, LEFT - 8, y + ROW_HEIGHT / 2 + 4, node, anchor="end")
        ET.SubElement(svg, "line", x1=str(LEFT), x2=str(WIDTH - RIGHT), y1=str(y + ROW_HEIGHT),
                      y2=str(y + ROW_HEIGHT), stroke="#eeeeee")
        for row in (r for r in rows if r["node"] == node):
            _bars(svg, row, origin, scale, y + (ROW_HEIGHT - BAR_HEIGHT) / 2)
    _legend(svg, axis_y + AXIS)
    ET.indent(svg)
    return ET.tostring(svg, encoding="unicode")


def _bars(svg, row: dict, origin: float, scale: float, y: float) -> None:
    for phase, start, stop in spans(row):
        x = LEFT + (start - origin) * scale
        rect = ET.SubElement(svg, "rect", x=f"{x:.1f}", y=f"{y:.1f}",
                             width=f"{max((stop - start) * scale, 1.0):.1f}",
                             height=str(BAR_HEIGHT), fill=COLOURS[phase])
        ET.SubElement(rect, "title").text = (f"{row['node']} {row['deployment']} "
                                             f"({row['action']}): {phase} "
                                             f"{start - origin:.2f}s-{stop - origin:.2f}s")
    if row["signalled"] is not None:   # a tick where the signal landed separates the waves
        x = LEFT + (row["signalled"] - origin) * scale
        ET.SubElement(svg, "line", x1=f"{x:.1f}", x2=f"{x:.1f}", y1=f"{y - 2:.1f}",
                      y2=f"{y + BAR_HEIGHT + 2:.1f}", stroke="#006d2c", **{"stroke-width": "1"})


def _axis(svg, span: float, scale: float, y: float) -> None:
    ET.SubElement(svg, "line", x1=str(LEFT), x2=str(WIDTH - RIGHT), y1=str(y), y2=str(y),
                  stroke="black")
    step = _ticks(span)
    tick = 0.0
    while tick <= span + 1e-9:
        x = LEFT + tick * scale
        ET.SubElement(svg, "line", x1=f"{x:.1f}", x2=f"{x:.1f}", y1=str(y), y2=str(y + 5),
                      stroke="black")
        _text(svg, x, y + 18, f"{tick:g}", anchor="middle")
        tick += step
    _text(svg, LEFT + (WIDTH - LEFT - RIGHT) / 2, y + 36, "seconds since the run started",
          anchor="middle")


def _legend(svg, y: float) -> None:
    x = 20
    for phase in ("poll wait", "agent", "hook", "signal", "agent + hook + signal"):
        ET.SubElement(svg, "rect", x=f"{x:.1f}", y=str(y), width="14", height="14",
                      fill=COLOURS[phase])
        label = {"poll wait": "poll wait (published -> fetched)",
                 "agent": "agent run before the hook", "hook": "hook",
                 "signal": "signal (hook done -> PUT)",
                 "agent + hook + signal": "fetched -> signalled (no node data)"}[phase]
        _text(svg, x + 18, y + 11, label)
        x += 34 + 6.6 * len(label)


def _text(svg, x, y, text: str, anchor: str = "start", size: str | None = None,
          weight: str | None = None) -> None:
    attrs = {"x": f"{x:.1f}" if isinstance(x, float) else str(x), "y": f"{y:.1f}"
             if isinstance(y, float) else str(y), "text-anchor": anchor}
    if size:
        attrs["font-size"] = size
    if weight:
        attrs["font-weight"] = weight
    ET.SubElement(svg, "text", attrs).text = text
