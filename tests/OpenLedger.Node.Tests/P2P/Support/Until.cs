namespace OpenLedger.Node.Tests.P2P.Support;

internal static class Until
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after the timeout.</summary>
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"timed out after {timeout.TotalSeconds:0} s waiting until {what}");
            await Task.Delay(50);
        }
    }
}
