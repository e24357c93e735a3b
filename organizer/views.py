from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.decorators import organizer_required
from forum import selectors as forums

from . import charts as charts_module
from . import selectors


def _organizer_forum(request, slug):
    forum = forums.visible_forums(user=request.user).filter(slug=slug).first()
    if forum is None:
        raise Http404(gettext("No such forum edition."))
    return forum


@never_cache
@organizer_required("forum.view_forum")
@require_GET
def dashboard(request, slug):
    forum = _organizer_forum(request, slug)
    context = {
        "forum": forum,
        **selectors.dashboard(forum=forum),
        "charts": _overview_charts(forum),
        "can_copy": request.user.has_perm("forum.add_forum"),
        "can_publish": request.user.has_perm("panels.change_panel"),
    }
    return render(request, "organizer/dashboard.html", context)


@never_cache
@organizer_required("forum.view_forum")
@require_GET
def reports(request, slug):
    """Charts drawn on the server, each with its data table and CSV (``?csv=<chart>``)."""
    forum = _organizer_forum(request, slug)
    charts = selectors.reports(forum=forum)
    wanted = request.GET.get("csv")
    if wanted:
        chart = next((c for c in charts if c["key"] == wanted), None)
        if chart is None:
            raise Http404(gettext("No such chart."))
        return _chart_csv(forum, chart)
    for chart in charts:
        _draw(chart)
    return render(request, "organizer/reports.html", {"forum": forum, "active": "reports", "charts": charts})


def _draw(chart):
    if chart.get("kind") == "lines":
        chart["svg"] = charts_module.lines(chart["days"], chart["series"]) if chart["rows"] else None
    else:
        chart["svg"] = charts_module.bars(chart["rows"], reference=chart.get("reference"))


OVERVIEW_CHARTS = ("registrations-per-day", "by-category", "room-fill")


def _overview_charts(forum):
    """The overview's charts: registrations against capacity, categories, room fill."""
    charts = selectors.reports(forum=forum, only=OVERVIEW_CHARTS)
    for chart in charts:
        _draw(chart)
    return charts


def _chart_csv(forum, chart):
    import csv

    from django.http import HttpResponse

    from core.spreadsheets import safe_cell

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{forum.slug}-{chart["key"]}.csv"'
    writer = csv.writer(response)
    if "csv_rows" in chart:
        writer.writerow(chart["csv_columns"])
        for label, *values in chart["csv_rows"]:
            writer.writerow([safe_cell(str(label)), *values])
        return response
    writer.writerow([gettext("Item"), gettext("Value")])
    for label, value in chart["rows"]:
        writer.writerow([safe_cell(str(label)), value])
    return response
