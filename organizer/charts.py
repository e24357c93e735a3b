"""Charts drawn on the server as SVG (no script, no CDN, nothing the CSP must allow): horizontal
bars with their values written out. Each chart also has its rows as a table and as CSV."""

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 150
CHART_WIDTH = 480
VALUE_ROOM = 56


def bars(rows, *, reference=None):
    """Geometry of a bar chart: ``rows`` are (label, value); ``reference`` an optional line (such
    as the capacity) drawn across. Everything the template needs, in SVG user units."""
    top = max([value for _label, value in rows] + [reference or 0, 1])
    scale = (CHART_WIDTH - LABEL_WIDTH - VALUE_ROOM) / top
    items = []
    for index, (label, value) in enumerate(rows):
        y = index * (BAR_HEIGHT + GAP)
        items.append(
            {
                "label": str(label),
                "value": value,
                "y": y,
                "text_y": y + BAR_HEIGHT * 0.7,
                "width": round(value * scale, 1),
                "value_x": LABEL_WIDTH + round(value * scale, 1) + 6,
            }
        )
    height = max(len(rows), 1) * (BAR_HEIGHT + GAP)
    line = None
    if reference:
        line = {"x": LABEL_WIDTH + round(reference * scale, 1), "value": reference}
    return {
        "items": items,
        "height": height + (18 if line else 0),
        "width": CHART_WIDTH,
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 6,
        "bar_height": BAR_HEIGHT,
        "line": line,
        "line_label_y": height + 12,
    }


# --- lines over time ---------------------------------------------------------------------------

LINE_LEFT = 40  # room for the value axis
LINE_RIGHT = 12
LINE_TOP = 10
PLOT_HEIGHT = 170
AXIS_ROOM = 22  # day labels under the plot
LEGEND_ROW = 20
# Told apart by colour and by stroke: solid, dashed, long-dashed, dotted (never by colour alone).
LINE_STYLES = [("#1f5fa8", ""), ("#6b3fa0", "7 4"), ("#1e7a3c", "14 4"), ("#b3261e", "2 3")]


def _step(top):
    """A round step for about four gridlines up to ``top``."""
    raw = max(top, 1) / 4
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if step >= raw:
            return step
    return int(raw) + 1


def lines(days, series):
    """Geometry of a line chart over consecutive ``days`` (dates, oldest first). ``series`` are
    (label, values), one value per day. Each line has its own colour and stroke pattern and the
    legend gives its last value, so no reading depends on colour."""
    plot_width = CHART_WIDTH - LINE_LEFT - LINE_RIGHT
    top = max([value for _label, values in series for value in values] + [1])
    step = _step(top)
    top = step * -(-top // step)  # rounded up to a whole step
    scale = PLOT_HEIGHT / top
    count = len(days)
    spacing = plot_width / (count - 1) if count > 1 else 0

    def x_of(index):
        return round(LINE_LEFT + (index * spacing if count > 1 else plot_width / 2), 1)

    def y_of(value):
        return round(LINE_TOP + PLOT_HEIGHT - value * scale, 1)

    drawn = []
    for index, (label, values) in enumerate(series):
        colour, dash = LINE_STYLES[index % len(LINE_STYLES)]
        points = " ".join(f"{x_of(i)},{y_of(v)}" for i, v in enumerate(values))
        last = values[-1] if values else 0
        legend_y = LINE_TOP + PLOT_HEIGHT + AXIS_ROOM + 14 + (index // 2) * LEGEND_ROW
        legend_x = LINE_LEFT + (index % 2) * (plot_width // 2)
        drawn.append(
            {
                "label": str(label),
                "colour": colour,
                "dash": dash,
                "points": points,
                "last": last,
                "end_x": x_of(len(values) - 1) if values else LINE_LEFT,
                "end_y": y_of(last),
                "legend_x": legend_x,
                "legend_line_end": legend_x + 26,
                "legend_text_x": legend_x + 32,
                "legend_y": legend_y,
                "legend_text_y": legend_y + 4,
            }
        )
    ticks = [{"value": value, "y": y_of(value)} for value in range(0, top + 1, step)]
    shown = sorted({0, count // 2, count - 1}) if count > 2 else list(range(count))
    day_labels = [
        {"x": x_of(i), "text": days[i].strftime("%d.%m"), "anchor": "start" if i == 0 and count > 1 else
         "end" if i == count - 1 and count > 1 else "middle"}
        for i in shown
    ]  # fmt: skip
    legend_rows = -(-len(series) // 2)
    return {
        "width": CHART_WIDTH,
        "height": LINE_TOP + PLOT_HEIGHT + AXIS_ROOM + legend_rows * LEGEND_ROW + 6,
        "left": LINE_LEFT,
        "right": CHART_WIDTH - LINE_RIGHT,
        "axis_label_x": LINE_LEFT - 6,
        "baseline": y_of(0),
        "day_label_y": LINE_TOP + PLOT_HEIGHT + 16,
        "ticks": ticks,
        "days": day_labels,
        "series": drawn,
    }
