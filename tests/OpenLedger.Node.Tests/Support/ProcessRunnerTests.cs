using OpenLedger.Node.Tests.EndToEnd.Support;
using Xunit;

namespace OpenLedger.Node.Tests.Support;

public class ProcessRunnerTests
{
    [Fact]
    public async Task Timeout_KillsTheProcessTree_AndReportsIt()
    {
        // A shell that starts a grandchild; both must be gone when the runner returns.
        var result = await ProcessRunner.RunAsync("/bin/sh", ["-c", "sleep 30 & echo $!; wait"], timeout: TimeSpan.FromSeconds(2));

        Assert.True(result.TimedOut);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(20), result.ToString());
        var grandchild = int.Parse(result.StandardOutput.Trim());
        await Task.Delay(200);
        Assert.False(DevnetProcess.IsAlive(grandchild), $"process {grandchild} survived the kill");
    }

    [Fact]
    public async Task CapturesOutputAndExitCode()
    {
        var result = await ProcessRunner.RunAsync("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"]);

        Assert.False(result.TimedOut);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("out\n", result.StandardOutput);
        Assert.Equal("err\n", result.StandardError);
    }
}
