using Xunit;

namespace OpenLedger.Node.Tests.Bft;

/// <summary>One `openledger devnet --validators 4` shared by the tests of a class (a devnet costs seconds of CI time to start).</summary>
public sealed class RunningDevnetFixture : IAsyncLifetime
{
    public const int Validators = 4;

    public DevnetCluster Devnet { get; private set; } = null!;

    public DateTime Started { get; private set; }

    public async Task InitializeAsync()
    {
        Started = DateTime.UtcNow;
        Devnet = await DevnetCluster.StartAsync(Validators, accounts: 2, readyTimeout: TimeSpan.FromSeconds(150));
    }

    public async Task DisposeAsync()
    {
        if (Devnet is not null) await Devnet.DisposeAsync();
    }
}
