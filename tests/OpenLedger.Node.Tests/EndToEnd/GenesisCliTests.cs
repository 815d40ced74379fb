using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenLedger.Node.Tests.Support;
using Xunit;

namespace OpenLedger.Node.Tests.EndToEnd;

/// <summary>
/// An operator builds a genesis with the real CLI (SPEC §9): `keys new`, `init`, `genesis new`,
/// `add-account`, `add-validator`, `validate`, then `init --genesis`; a hand-edited file whose allocations
/// no longer sum to 1,000,000,000 OPEN is rejected with an explanation and exit code 1.
/// </summary>
public sealed class GenesisCliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ol-e2e-genesis-" + Guid.NewGuid().ToString("N")[..12]);

    public GenesisCliTests() => Directory.CreateDirectory(_dir);

    [Fact]
    public async Task OperatorBuildsAValidGenesis_AndABrokenOneIsRejectedWithTheReason()
    {
        var genesis = Path.Combine(_dir, "genesis.json");
        var operatorKey = Path.Combine(_dir, "operator.json");
        var home = Path.Combine(_dir, "validator0");

        var keys = await Ok(["keys", "new", "--out", operatorKey]);
        var operatorAddress = JsonDocument.Parse(keys.StandardOutput).RootElement.GetProperty("address").GetString()!;

        var init = await Ok(["init", "--home", home, "--moniker", "validator0"]);
        Assert.Contains("consensus address", init.StandardOutput);
        var consensusKey = Path.Combine(home, "keys", "consensus_key.json");
        Assert.True(File.Exists(consensusKey), init.ToString());
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(consensusKey));
        Assert.True(File.Exists(Path.Combine(home, "config.json")));

        var created = await Ok(["genesis", "new", "--out", genesis, "--chain-id", "161201"]);
        Assert.Contains("chain 161201", created.StandardOutput);
        await Ok(["genesis", "add-account", "--genesis", genesis, "--address", operatorAddress, "--balance", "20000"]);
        var other = await Ok(["genesis", "add-account", "--genesis", genesis, "--address", "0x00000000000000000000000000000000000e2e99", "--balance", "1000.5 OPEN"]);
        Assert.Contains("1000.5", other.StandardOutput);
        var validator = await Ok(["genesis", "add-validator", "--genesis", genesis, "--operator-keyfile", operatorKey,
            "--consensus-keyfile", consensusKey, "--self-bond", "10000", "--moniker", "validator0"]);
        Assert.Contains(operatorAddress, validator.StandardOutput);

        var valid = await Ok(["genesis", "validate", genesis]);
        Assert.Contains("is valid", valid.StandardOutput);
        Assert.Contains("chain 161201, 2 accounts, 1 validators", valid.StandardOutput);

        // A second node home adopts the file.
        var home2 = Path.Combine(_dir, "validator1");
        await Ok(["init", "--home", home2, "--genesis", genesis]);
        Assert.Equal(JsonNode.Parse(File.ReadAllText(genesis))!.ToJsonString(), JsonNode.Parse(File.ReadAllText(Path.Combine(home2, "genesis.json")))!.ToJsonString());

        // Hand-broken: one more OPEN in an allocation than the supply allows.
        var over = Path.Combine(_dir, "over.json");
        File.WriteAllText(over, ChangeFirstAccountBalance(File.ReadAllText(genesis), BigInteger.Pow(10, 18)));
        var rejected = await ProcessRunner.RunOpenLedgerAsync(["genesis", "validate", over]);
        Assert.True(rejected.ExitCode == 1, rejected.ToString());
        Assert.Contains($"{over} is invalid", rejected.StandardError);
        Assert.Contains("1 OPEN over the total supply of 1000000000 OPEN", rejected.StandardError);

        // And one OPEN short.
        var shortFile = Path.Combine(_dir, "short.json");
        File.WriteAllText(shortFile, ChangeFirstAccountBalance(File.ReadAllText(genesis), -BigInteger.Pow(10, 18)));
        var rejectedShort = await ProcessRunner.RunOpenLedgerAsync(["genesis", "validate", shortFile]);
        Assert.True(rejectedShort.ExitCode == 1, rejectedShort.ToString());
        Assert.Contains("1 OPEN short of the total supply of 1000000000 OPEN", rejectedShort.StandardError);

        // A node refuses to start from the broken file, with the same explanation.
        File.Copy(over, Path.Combine(home2, "genesis.json"), overwrite: true);
        var node = await ProcessRunner.RunOpenLedgerAsync(["node", "--home", home2], timeout: TimeSpan.FromSeconds(60));
        Assert.True(node.ExitCode == 1, node.ToString());
        Assert.Contains("1 OPEN over the total supply", node.StandardOutput + node.StandardError);
    }

    private static string ChangeFirstAccountBalance(string json, BigInteger delta)
    {
        var root = JsonNode.Parse(json)!;
        var account = root["accounts"]![0]!;
        var balance = account["balance"]!;
        var changed = BigInteger.Parse(balance.ToString()) + delta;
        account["balance"] = balance.GetValueKind() == JsonValueKind.String ? JsonValue.Create(changed.ToString()) : JsonNode.Parse(changed.ToString());
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static async Task<ProcessResult> Ok(string[] args)
    {
        var result = await ProcessRunner.RunOpenLedgerAsync(args);
        Assert.True(result.ExitCode == 0, $"openledger {string.Join(' ', args)}: {result}");
        return result;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
