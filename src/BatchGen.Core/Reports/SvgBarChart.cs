using System.Globalization;
using System.Text;

namespace BatchGen.Core.Reports;

/// <summary>A small horizontal bar chart as inline SVG (labels escaped; no script, no external resources).</summary>
internal static class SvgBarChart
{
    private const int Width = 420;
    private const int LabelWidth = 130;
    private const int ValueWidth = 80;
    private const int RowHeight = 22;

    public static void Render(StringBuilder html, string title, string cssClass, IReadOnlyList<(string Label, double? Value, string Text)> bars)
    {
        var max = bars.Select(b => b.Value ?? 0).DefaultIfEmpty(0).Max();
        var height = Math.Max(1, bars.Count) * RowHeight + 4;
        var barSpace = Width - LabelWidth - ValueWidth;
        html.Append("<figure class=\"chart ").Append(cssClass).Append("\"><h3>").Append(HtmlText.Encode(title)).Append("</h3>")
            .Append(CultureInfo.InvariantCulture, $"<svg viewBox=\"0 0 {Width} {height}\" role=\"img\" aria-label=\"")
            .Append(HtmlText.Encode(title)).Append("\">");
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value, text) = bars[i];
            var y = i * RowHeight + 2;
            var length = value is { } v && max > 0 ? Math.Max(1.0, v / max * barSpace) : 0;
            var shown = label.Length > 20 ? label[..19] + "…" : label;
            html.Append(CultureInfo.InvariantCulture, $"<g><title>")
                .Append(HtmlText.Encode(label)).Append(": ").Append(HtmlText.Encode(value is null ? "n/a" : text)).Append("</title>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth - 6}\" y=\"{y + 15}\" text-anchor=\"end\">").Append(HtmlText.Encode(shown)).Append("</text>")
                .Append(CultureInfo.InvariantCulture, $"<rect class=\"track\" x=\"{LabelWidth}\" y=\"{y + 3}\" width=\"{barSpace}\" height=\"{RowHeight - 6}\" rx=\"3\"></rect>")
                .Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" x=\"{LabelWidth}\" y=\"{y + 3}\" width=\"{length:0.#}\" height=\"{RowHeight - 6}\" rx=\"3\"></rect>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth + barSpace + 6}\" y=\"{y + 15}\">").Append(HtmlText.Encode(value is null ? "n/a" : text)).Append("</text></g>");
        }

        html.Append("</svg></figure>\n");
    }
}
