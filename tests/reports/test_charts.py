"""The SVG bar charts: accessible, proportional and safe with any label."""

from marketplace.core.charts import bar_chart
from marketplace.core.i18n import format_money


def test_bars_are_proportional_and_labelled():
    svg = bar_chart([("Efectivo", 100000), ("Tarjeta", 50000)], format_money, "Ventas")
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title>Ventas</title>" in svg
    assert 'width="224"' in svg and 'width="112"' in svg  # half the money, half the bar
    assert "L 1,000.00" in svg and "L 500.00" in svg


def test_labels_and_titles_are_escaped():
    svg = bar_chart([('<script>alert("x")</script>', 5)], str, "<b>Título</b>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<title>&lt;b&gt;Título&lt;/b&gt;</title>" in svg


def test_no_rows_no_chart_and_zero_values_draw_nothing():
    assert bar_chart([], str, "Vacío") == ""
    assert 'width="0"' in bar_chart([("Nada", 0)], str, "Cero")
