using OpenLedger.Node.Devnet;
using Xunit;

namespace OpenLedger.Node.Tests.Hosting;

public sealed class DevnetRuntimeSettingsTests
{
    [Fact]
    public void Several_validators_run_without_tiered_compilation_and_one_keeps_the_tiered_defaults()
    {
        var one = NodeProcessLauncher.RuntimeSettingsFor(1);
        Assert.Equal("0", one["DOTNET_TieredPGO"]);
        Assert.False(one.ContainsKey("DOTNET_TieredCompilation"));
        foreach (var validators in new[] { 2, 4, 7 })
        {
            var several = NodeProcessLauncher.RuntimeSettingsFor(validators);
            Assert.Equal("0", several["DOTNET_TieredPGO"]);
            Assert.Equal("0", several["DOTNET_TieredCompilation"]);
        }
    }
}
