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
