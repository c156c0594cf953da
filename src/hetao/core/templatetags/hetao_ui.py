"""Template helpers for pages that JavaScript enhances: times given as Unix seconds, and the data table that
stands beside each chart (rendered on the server from the very data the chart draws, so it works without JS)."""

import datetime
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()

# A chart's JSON as the views give it to dashboard.js (see chart_rows).
ChartData = list[dict[str, Any]] | dict[str, Any]


@register.filter
def unix_datetime(value: Any) -> datetime.datetime | None:
    """Unix seconds → an aware datetime in the active time zone (Asia/Shanghai unless activated otherwise)."""
    try:
        moment = datetime.datetime.fromtimestamp(int(value), tz=datetime.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
    return timezone.localtime(moment)


@register.filter
def seconds_until(value: Any) -> int:
    """Whole seconds from now until the Unix time `value` (0 once it has passed)."""
    try:
        return max(0, int(value) - int(timezone.now().timestamp()))
    except (TypeError, ValueError):
        return 0


def chart_rows(data: ChartData, value_label: str) -> tuple[list[str], list[tuple[str, list]]]:
    """A chart's JSON (the shapes dashboard.js draws) as table columns and rows (category, values).

    - [{"name": …, "value": …}, …]                        one value per category (bars, donut)
    - {"years": […], "counts": […]}                        one value per category
    - {"<categories>": […], "series": [{"name", "data"}]}  one column per series
    """
    if isinstance(data, list):
        return [value_label], [(row["name"], [row["value"]]) for row in data]
    if "series" in data:
        (categories,) = [values for key, values in data.items() if key != "series"]
        series = data["series"]
        return ([s["name"] for s in series],
                [(category, [s["data"][i] for s in series]) for i, category in enumerate(categories)])
    categories, counts = data.values()
    return [value_label], [(category, [count]) for category, count in zip(categories, counts, strict=True)]


@register.inclusion_tag("includes/chart_table.html")
def chart_table(data: ChartData | None, caption: str, category_label: str, value_label: str = "") -> dict[str, Any]:
    """{% chart_table charts.pct_by_year caption category_label value_label %}: a "show as table" toggle."""
    columns, rows = chart_rows(data or [], value_label)
    return {"caption": caption, "category_label": category_label, "columns": columns, "rows": rows}
