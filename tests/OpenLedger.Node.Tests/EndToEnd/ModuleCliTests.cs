using System.Text.Json;
using OpenLedger.Node.Tests.EndToEnd.Support;
using OpenLedger.Node.Tests.Support;
using Xunit;

namespace OpenLedger.Node.Tests.EndToEnd;

/// <summary>
/// `openledger tx|query datanets|staking ...` run as real processes against the shared devnet: a datanet
/// round trip (create, contribute with a bond, review, read back), a delegation, and the error paths — a call the
/// node's simulation rejects is not sent, a transaction that reverts in its block prints the revert reason and
/// exits 1, and an ambiguous amount is refused before anything is sent.
/// </summary>
[Collection(DevnetCollection.Name)]
public class ModuleCliTests(DevnetFixture fixture)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    private string OwnerKey => DevAccounts.Key(DevAccounts.ModuleCliOwner).ToHex();

    private string ContributorKey => DevAccounts.Key(DevAccounts.ModuleCliContributor).ToHex();

    private Task<ProcessResult> Run(params string[] args) =>
        ProcessRunner.RunOpenLedgerAsync([.. args, "--grpc", fixture.Devnet.GrpcUrl], CommandTimeout);

    private static JsonElement Json(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.StandardOutput).RootElement.Clone();
    }

    private static JsonElement Event(JsonElement receipt, string name) =>
        receipt.GetProperty("events").EnumerateArray().Single(e => e.TryGetProperty("event", out var n) && n.GetString() == name).GetProperty("args");

    [Fact]
    public async Task Datanet_round_trip_with_revert_reasons_and_bad_amounts()
    {
        var created = Json(await Run("tx", "datanets", "createDatanet", "--name", "cli-test", "--metadata-uri", "ipfs://cli", "--kind", "image",
            "--open", "true", "--key", OwnerKey, "--json"));
        Assert.Equal("success", created.GetProperty("status").GetString());
        Assert.True(created.GetProperty("gasUsed").GetUInt64() > 21_000);
        var datanet = Event(created, "DatanetCreated");
        Assert.Equal("1", datanet.GetProperty("kind").GetString());
        var datanetId = datanet.GetProperty("datanetId").GetString()!;

        var contentHash = "0x" + new string('e', 64);
        var contributed = Json(await Run("tx", "datanets", "contribute", "--datanet-id", datanetId, "--content-hash", contentHash,
            "--size-bytes", "2048", "--uri", "ipfs://data", "--value", "1OPEN", "--key", ContributorKey, "--json"));
        var contribution = Event(contributed, "ContributionSubmitted");
        Assert.Equal("1000000000000000000", contribution.GetProperty("bond").GetString());
        var contributionId = contribution.GetProperty("contributionId").GetString()!;

        // Human output of a successful review names the decoded events.
        var reviewed = await Run("tx", "datanets", "review", "--contribution-id", contributionId, "--approve", "yes", "--quality-score", "8500", "--key", OwnerKey);
        Assert.True(reviewed.ExitCode == 0, reviewed.ToString());
        Assert.Contains("status:     success", reviewed.StandardOutput);
        Assert.Contains("datanets.ContributionReviewed(", reviewed.StandardOutput);
        Assert.Contains("status=approved (1)", reviewed.StandardOutput);

        var read = Json(await Run("query", "datanets", "getContribution", "--contribution-id", contributionId, "--json"));
        Assert.Equal("1", read.GetProperty("status").GetString());
        Assert.Equal("8500", read.GetProperty("qualityScore").GetString());
        Assert.Equal(contentHash, read.GetProperty("contentHash").GetString());
        Assert.Equal("0", read.GetProperty("bond").GetString());

        // Reviewing twice, with the gas limit given so the CLI sends it anyway: reverted in its block, reason shown, exit 1.
        var again = await Run("tx", "datanets", "review", "--contribution-id", contributionId, "--approve", "yes", "--quality-score", "1",
            "--gas-limit", "300000", "--key", OwnerKey, "--json");
        Assert.Equal(1, again.ExitCode);
        var reverted = JsonDocument.Parse(again.StandardOutput).RootElement;
        Assert.Equal("reverted", reverted.GetProperty("status").GetString());
        Assert.Equal($"contribution {contributionId} was already reviewed (approved)", reverted.GetProperty("revertReason").GetString());
        Assert.Contains($"reverted in block {reverted.GetProperty("blockNumber").GetUInt64()}: contribution {contributionId} was already reviewed", again.StandardError);

        // A wrong bond: the node's simulation reverts, so nothing is sent.
        var nonceBefore = Json(await Run("query", "account", DevAccounts.Key(DevAccounts.ModuleCliContributor).Address.ToChecksumString())).GetProperty("nonce").GetString();
        var wrongBond = await Run("tx", "datanets", "contribute", "--datanet-id", datanetId, "--content-hash", "0x" + new string('f', 64),
            "--size-bytes", "1", "--uri", "u", "--value", "1.5OPEN", "--key", ContributorKey);
        Assert.Equal(1, wrongBond.ExitCode);
        Assert.Equal("error: not sent: datanets contribute would revert: a contribution needs a bond of exactly 1 OPEN (sent 1.5 OPEN)", wrongBond.StandardError.Trim());
        Assert.Equal(nonceBefore, Json(await Run("query", "account", DevAccounts.Key(DevAccounts.ModuleCliContributor).Address.ToChecksumString())).GetProperty("nonce").GetString());

        // Amount text that is not exact OPEN or wei is refused before contacting the node.
        var ambiguous = await Run("tx", "datanets", "contribute", "--datanet-id", datanetId, "--content-hash", "0x" + new string('f', 64),
            "--size-bytes", "1", "--uri", "u", "--value", "1.5", "--key", ContributorKey);
        Assert.Equal(1, ambiguous.ExitCode);
        Assert.Equal("error: --value: '1.5' has a decimal point but no unit: write 1.5OPEN for OPEN, or an integer number of wei", ambiguous.StandardError.Trim());
        var tooPrecise = await Run("tx", "staking", "undelegate", "--validator", fixture.Devnet.Manifest.Nodes[0].OperatorAddress, "--amount", "0.0000000000000000001OPEN", "--key", ContributorKey);
        Assert.Equal(1, tooPrecise.ExitCode);
        Assert.Contains("more than 18 decimals", tooPrecise.StandardError);
    }

    [Fact]
    public async Task Delegate_then_query_the_delegation_and_the_active_set()
    {
        var validator = fixture.Devnet.Manifest.Nodes[0].OperatorAddress;
        var delegated = Json(await Run("tx", "staking", "delegate", "--validator", validator, "--amount", "250.5OPEN", "--key", ContributorKey, "--json"));
        Assert.Equal("250500000000000000000", Event(delegated, "Delegated").GetProperty("amount").GetString());

        var delegation = Json(await Run("query", "staking", "getDelegation", "--validator", validator,
            "--delegator", DevAccounts.Key(DevAccounts.ModuleCliContributor).Address.ToChecksumString(), "--json"));
        Assert.Equal("250500000000000000000", delegation.GetProperty("tokens").GetString());

        var set = await Run("query", "staking", "getActiveSet");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains(validator, set.StandardOutput, StringComparison.OrdinalIgnoreCase);
    }
}
