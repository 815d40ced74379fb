using System.Diagnostics;
using OpenLedger.Node.Bench;
using Xunit;

namespace OpenLedger.Node.Tests.Bench;

public sealed class PacedStreamSubmitterTests
{
    [Theory]
    [InlineData(100.0)]
    [InlineData(2_500.0)]
    [InlineData(0.5)]
    public void Transaction_i_is_due_i_over_rate_seconds_after_the_start(double rate)
    {
        Assert.Equal(0, PacedStreamSubmitter.DueTicks(0, rate));
        for (var i = 1; i < 5_000; i += 997)
        {
            var seconds = PacedStreamSubmitter.DueTicks(i, rate) / (double)Stopwatch.Frequency;
            Assert.Equal(i / rate, seconds, tolerance: 1e-6);
            Assert.True(PacedStreamSubmitter.DueTicks(i, rate) >= PacedStreamSubmitter.DueTicks(i - 1, rate));
        }
    }
}
