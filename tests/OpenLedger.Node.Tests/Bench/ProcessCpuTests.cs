using System.Diagnostics;
using OpenLedger.Node.Bench;
using Xunit;

namespace OpenLedger.Node.Tests.Bench;

public sealed class ProcessCpuTests
{
    [Fact]
    public void A_busy_thread_of_this_process_is_counted_and_a_process_that_does_not_exist_reads_as_null()
    {
        var before = ProcessCpu.Read(Environment.ProcessId);
        Assert.NotNull(before);
        // Spin until .NET's own account of this process's CPU time (getrusage) has grown by 300 ms, bounded in wall time
        // so a starved machine fails with a message rather than hanging.
        var self = Process.GetCurrentProcess();
        var start = self.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var x = 0UL;
        while (wall.Elapsed < TimeSpan.FromSeconds(30))
        {
            for (var i = 0; i < 1_000_000; i++) x = x * 6364136223846793005UL + 1;
            self.Refresh();
            if (self.TotalProcessorTime - start >= TimeSpan.FromMilliseconds(300)) break;
        }
        GC.KeepAlive(x);
        var spun = (self.TotalProcessorTime - start).TotalSeconds;
        Assert.True(spun >= 0.3, $"could not spin 300 ms of CPU in 30 s: {spun} s");
        var after = ProcessCpu.Read(Environment.ProcessId);
        Assert.NotNull(after);
        // /proc's ticks (10 ms) against getrusage: the same CPU time, give or take the tick and the test host's other threads.
        Assert.True(after.Value.CpuSeconds - before.Value.CpuSeconds >= spun - 0.05, $"CPU {before.Value.CpuSeconds} -> {after.Value.CpuSeconds} s, spun {spun} s");
        Assert.True(after.Value.VoluntarySwitches >= before.Value.VoluntarySwitches, "context switches only grow");

        Assert.Null(ProcessCpu.Read(int.MaxValue));
    }
}
