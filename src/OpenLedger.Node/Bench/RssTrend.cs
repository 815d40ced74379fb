namespace OpenLedger.Node.Bench;

/// <summary>Least-squares slope of RSS samples over time, the number a soak is judged by.</summary>
public static class RssTrend
{
    /// <summary>Slope in MiB per minute of (seconds, MiB) samples; 0 with fewer than two distinct times.</summary>
    public static double SlopeMiBPerMinute(IReadOnlyList<(double Seconds, double MiB)> samples)
    {
        if (samples.Count < 2) return 0;
        var meanT = samples.Average(s => s.Seconds);
        var meanR = samples.Average(s => s.MiB);
        double covariance = 0, variance = 0;
        foreach (var (t, r) in samples)
        {
            covariance += (t - meanT) * (r - meanR);
            variance += (t - meanT) * (t - meanT);
        }
        return variance == 0 ? 0 : covariance / variance * 60.0;
    }
}
