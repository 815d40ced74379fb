using Xunit;

namespace OpenLedger.Node.Tests.EndToEnd.Support;

/// <summary>
/// One devnet shared by every test class in <see cref="DevnetCollection"/> (starting one costs seconds).
/// Each class sends from its own dev accounts (see <see cref="DevAccounts"/>) so their nonces and balances
/// do not interfere.
/// </summary>
public sealed class DevnetFixture : IAsyncLifetime
{
    public const int AccountCount = 8;

    public DevnetProcess Devnet { get; private set; } = null!;

    public JsonRpcClient Rpc { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Devnet = await DevnetProcess.StartAsync(AccountCount);
        Rpc = new JsonRpcClient(Devnet.JsonRpcUrl);
    }

    public async Task DisposeAsync()
    {
        Rpc?.Dispose();
        if (Devnet is not null) await Devnet.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class DevnetCollection : ICollectionFixture<DevnetFixture>
{
    public const string Name = "shared devnet";
}
