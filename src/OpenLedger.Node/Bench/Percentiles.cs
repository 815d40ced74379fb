namespace OpenLedger.Node.Bench;

/// <summary>Nearest-rank percentiles of latency samples, as the bench reports them.</summary>
public static class Percentiles
{
    /// <summary>The nearest-rank <paramref name="p"/> percentile (0 &lt; p ≤ 1) of ascending samples; 0 when there are none.</summary>
    public static double Of(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
