using System.Globalization;

namespace OpenLedger.Node.Tests.Bft;

/// <summary>One scrape of a node's Prometheus text endpoint: every sample as (metric name, label text, value).</summary>
public sealed class MetricsScrape
{
    private readonly List<(string Name, string Labels, double Value)> _samples = [];

    private MetricsScrape(string text)
    {
        Text = text;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var space = line.LastIndexOf(' ');
            var series = line[..space];
            var value = double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
            var brace = series.IndexOf('{');
            _samples.Add(brace < 0 ? (series, "", value) : (series[..brace], series[(brace + 1)..^1], value));
        }
    }

    public string Text { get; }

    public static async Task<MetricsScrape> FetchAsync(HttpClient http, string url, CancellationToken ct) =>
        new(await http.GetStringAsync(url, ct));

    /// <summary>The samples of <paramref name="name"/> with their label text (e.g. <c>validator="0x…"</c>).</summary>
    public IReadOnlyList<(string Labels, double Value)> Series(string name) =>
        _samples.Where(s => s.Name == name).Select(s => (s.Labels, s.Value)).ToArray();

    /// <summary>The value of the unlabelled sample <paramref name="name"/>, or of the one whose labels are exactly <paramref name="labels"/>; null if absent.</summary>
    public double? Value(string name, string labels = "") =>
        _samples.Where(s => s.Name == name && s.Labels == labels).Select(s => (double?)s.Value).FirstOrDefault();
}
