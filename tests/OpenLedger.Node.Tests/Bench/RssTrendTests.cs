using OpenLedger.Node.Bench;
using Xunit;

namespace OpenLedger.Node.Tests.Bench;

public sealed class RssTrendTests
{
    [Fact]
    public void Slope_is_the_least_squares_fit_in_MiB_per_minute()
    {
        // 2 MiB every 10 s is 12 MiB/min, with noise that cancels out around the line.
        var samples = Enumerable.Range(0, 7).Select(i => (i * 10.0, 300 + 2.0 * i + (i % 2 == 0 ? 0.5 : -0.5))).ToList();
        samples[^1] = (60, 312); // keep the noise symmetric: the last point on the line
        Assert.InRange(RssTrend.SlopeMiBPerMinute(samples), 11.3, 12.7);
        Assert.Equal(0, RssTrend.SlopeMiBPerMinute([(0, 100), (30, 100), (60, 100)]));
        Assert.Equal(-60, RssTrend.SlopeMiBPerMinute([(0, 200), (1, 199)]), 6);
        Assert.Equal(0, RssTrend.SlopeMiBPerMinute([(5, 100)]));
    }
}
