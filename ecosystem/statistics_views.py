"""`/statistics/`: the public dashboard, and each of its tables as CSV."""

from django.http import Http404, HttpResponse
from django.views.generic import TemplateView

from ecosystem import statistics
from talentportal.exports import csv_writer
from talentportal.ratelimit import rate_limit


class StatisticsView(TemplateView):
    template_name = "ecosystem/statistics.html"

    def get_context_data(self, **kwargs):
        data = statistics.figures()
        return super().get_context_data(
            tables=statistics.tables(data), headline=statistics.headline(data), **kwargs
        )


@rate_limit("export")
def statistics_csv(request, key):
    """Every row of one table (the page shows the largest ones only)."""
    table = next((table for table in statistics.tables() if table.key == key), None)
    if table is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{key}.csv"'
    response.write("\ufeff")  # so that spreadsheets read UTF-8 Chinese names correctly
    writer = csv_writer(response)  # no cell can run as a formula
    writer.writerow([table.label_heading, *(heading for heading, _unit in table.columns)])
    for label, values in table.rows:
        writer.writerow([label, *("" if value is None else value for value in values)])
    return response
