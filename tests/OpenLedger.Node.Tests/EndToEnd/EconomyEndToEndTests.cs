using System.Numerics;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using OpenLedger.Rpc.V1;
using System.Text.Json.Nodes;
using OpenLedger.Node.Devnet;
using OpenLedger.Node.Tests.EndToEnd.Support;
using OpenLedger.Node.Tests.Support;
using Xunit;

namespace OpenLedger.Node.Tests.EndToEnd;

/// <summary>
/// The acceptance scenario: tests/interop/e2e/economy-e2e.mjs drives a real single-validator devnet with
/// ethers.js Contract objects built from docs/abi/*.json (datanet, three approved contributions, base model and
/// LoRA adapter, twenty settled inferences with influence lists, a challenge upheld by the validator's vote, an
/// attribution epoch, claims, reward withdrawal) and compares every balance with the hand-computed table of
/// docs/economics.md §12. The devnet runs a genesis with short epochs and windows so the epoch payout comes quickly.
/// </summary>
[Collection(EconomyDevnetCollection.Name)]
public class EconomyEndToEndTests
{
    private const int Accounts = 8;

    [Fact]
    public async Task Ethers_scenario_ends_with_every_balance_equal_to_the_hand_computation_in_docs_economics()
    {
        var directory = Directory.CreateTempSubdirectory("ol-economy-e2e-").FullName;
        try
        {
            var genesisPath = Path.Combine(directory, "genesis.json");
            var written = await ProcessRunner.RunOpenLedgerAsync(["devnet", "--write-genesis", genesisPath, "--validators", "1", "--accounts", Accounts.ToString()]);
            Assert.True(written.ExitCode == 0, written.ToString());
            var genesis = JsonNode.Parse(await File.ReadAllTextAsync(genesisPath))!;
            var parameters = genesis["params"]!;
            parameters["epochLength"] = 60;
            parameters["challengeWindowBlocks"] = 30;
            parameters["challengeVotePeriodBlocks"] = 30;
            await File.WriteAllTextAsync(genesisPath, genesis.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

            await using var devnet = await DevnetProcess.StartAsync(Accounts, Path.Combine(directory, "devnet"), genesisPath);
            var roles = new[] { "curator", "contributorA", "contributorB", "contributorC", "baseOwner", "adapterOwner", "requester", "challenger" };
            var keys = new JsonObject();
            for (var i = 0; i < roles.Length; i++) keys[roles[i]] = DevnetKeys.Account(i).ToHex();
            keys["validator"] = DevnetKeys.Operator(0).ToHex();

            JsonElement result;
            try
            {
                result = await InteropScript.RunAsync("economy-e2e.mjs", new Dictionary<string, string?>
                {
                    ["OL_RPC"] = devnet.JsonRpcUrl,
                    ["OL_CHAIN_ID"] = devnet.Manifest.ChainId.ToString(),
                    ["OL_KEYS"] = keys.ToJsonString(),
                    ["OL_DOCS"] = Path.GetFullPath(Path.Combine(InteropScript.InteropDirectory, "..", "..", "docs")),
                }, TimeSpan.FromSeconds(420));
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException(e.Message + "\n" + devnet.Diagnostics(20), e);
            }

            var checks = result.GetProperty("checks").EnumerateArray().ToList();
            var failed = checks.Where(c => !c.GetProperty("ok").GetBoolean()).Select(c => c.GetRawText()).ToList();
            Assert.True(failed.Count == 0, "balances differ from docs/economics.md §12: " + string.Join("\n", failed));
            Assert.True(result.GetProperty("ok").GetBoolean());
            // 16 balances (9 people, reserve, treasury, burn, 4 modules), 6 claims, the fee of every settlement.
            Assert.Equal(23, checks.Count);
            Assert.Equal(
                ["curator", "contributorA", "contributorB", "contributorC", "baseOwner", "adapterOwner", "requester", "challenger", "validator",
                 "reserve", "treasury", "burn", "stakingModule", "datanetsModule", "modelsModule", "governanceModule"],
                checks.Take(16).Select(c => c.GetProperty("name").GetString()));
            // 1 datanet + 3 contributions + 3 reviews + 3 model txs + 20 requests + 20 settlements + challenge + vote + 6 claims + withdrawal.
            Assert.Equal(59, result.GetProperty("transactions").GetInt32());
            Assert.Equal("0", result.GetProperty("tips").GetString());
            Assert.True(result.GetProperty("B").GetInt32() > result.GetProperty("unlockEpochEnd").GetInt32());

            await AssertGrpcQueriesShowTheScenarioAsync(devnet.GrpcUrl, result);
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by an exiting node; the temporary directory is cleaned by the OS eventually.
            }
        }
    }
    /// <summary>
    /// The same objects, read back through the gRPC QueryService's typed module views (a second path to the
    /// module state than the ABI views the script used): who owns what, statuses after reviews, settlements and
    /// the upheld challenge, the exact fee, and each claim in the rewards totals.
    /// </summary>
    private static async Task AssertGrpcQueriesShowTheScenarioAsync(string grpcUrl, JsonElement result)
    {
        var ids = result.GetProperty("ids");
        ulong Id(JsonElement e) => ulong.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        string Addr(int account) => DevnetKeys.Account(account).Address.ToChecksumString();
        using var channel = GrpcChannel.ForAddress(grpcUrl);
        var query = new QueryService.QueryServiceClient(channel);

        var datanetId = Id(ids.GetProperty("datanet"));
        var datanet = await query.GetDatanetAsync(new GetDatanetRequest { DatanetId = datanetId });
        Assert.Equal((datanetId, Addr(0), "e2e corpus", "ipfs://e2e-corpus", 3UL, 3UL),
            (datanet.Id, datanet.Owner, datanet.Name, datanet.MetadataUri, datanet.ContributionCount, datanet.ApprovedCount));

        var contributions = ids.GetProperty("contributions").EnumerateArray().Select(Id).ToArray();
        for (var i = 0; i < 3; i++)
        {
            var c = await query.GetContributionAsync(new GetContributionRequest { ContributionId = contributions[i] });
            var role = new[] { "contributorA", "contributorB", "contributorC" }[i];
            Assert.Equal((datanetId, Addr(1 + i), ContributionStatus.Approved, 9000U, 4096UL, $"ipfs://{role}"),
                (c.DatanetId, c.Contributor, c.Status, c.QualityScore, c.SizeBytes, c.Uri));
        }

        var baseId = Id(ids.GetProperty("baseModel"));
        var adapterId = Id(ids.GetProperty("adapterModel"));
        var baseModel = await query.GetModelAsync(new GetModelRequest { ModelId = baseId });
        var adapter = await query.GetModelAsync(new GetModelRequest { ModelId = adapterId });
        Assert.Equal((Addr(4), "base model", 0UL, uint.Parse(result.GetProperty("royaltyBps").GetString()!, System.Globalization.CultureInfo.InvariantCulture)),
            (baseModel.Owner, baseModel.Name, baseModel.BaseModelId, baseModel.AdapterRoyaltyBps));
        Assert.Equal((Addr(5), "lora adapter", baseId), (adapter.Owner, adapter.Name, adapter.BaseModelId));
        Assert.Equal([datanetId], adapter.DatanetIds);
        // The upheld challenge against request 1 counts against the base model.
        Assert.Equal(1U, baseModel.UpheldChallenges);

        var requests = ids.GetProperty("requests").EnumerateArray().Select(Id).ToArray();
        var fee = result.GetProperty("fee").GetString();
        var first = await query.GetInferenceAsync(new GetInferenceRequest { RequestId = requests[0] });
        Assert.Equal((baseId, Addr(6), InferenceStatus.Refunded, Id(ids.GetProperty("challenge"))),
            (first.ModelId, first.Requester, first.Status, first.ChallengeId));
        for (var n = 2; n <= 20; n++)
        {
            var r = await query.GetInferenceAsync(new GetInferenceRequest { RequestId = requests[n - 1] });
            Assert.Equal((n <= 10 ? baseId : adapterId, Addr(6), fee), (r.ModelId, r.Requester, r.Fee));
            Assert.True(r.Status is InferenceStatus.Settled or InferenceStatus.Final, $"request {n} is {r.Status}");
            // Where the fee went: every wei accounted for, to the right people in the right roles.
            var parts = BigInteger.Parse(r.PlatformFee) + BigInteger.Parse(r.StakerShare) + BigInteger.Parse(r.Dust)
                + r.Payouts.Aggregate(BigInteger.Zero, (sum, p) => sum + BigInteger.Parse(p.Amount));
            Assert.Equal(BigInteger.Parse(fee!), parts);
            var expected = new List<(string, PayoutRole)> { (Addr(n <= 10 ? 4 : 5), PayoutRole.ModelOwner) };
            if (n > 10) expected.Add((Addr(4), PayoutRole.BaseModelRoyalty));
            expected.AddRange(Enumerable.Range(1, 3).Select(i => (Addr(i), PayoutRole.Contributor)));
            Assert.Equal(expected.OrderBy(x => x.Item1).ThenBy(x => x.Item2), r.Payouts.Select(p => (p.Recipient, p.Role)).OrderBy(x => x.Item1).ThenBy(x => x.Item2));
            // Influence (2,1,1) on odd requests gives contributor A twice what B gets; (1,1,1) on even ones the same.
            var contributorPaid = r.Payouts.Where(p => p.Role == PayoutRole.Contributor).ToDictionary(p => p.Recipient, p => BigInteger.Parse(p.Amount));
            Assert.Equal(contributorPaid[Addr(2)], contributorPaid[Addr(3)]);
            Assert.InRange(contributorPaid[Addr(1)] - (n % 2 == 1 ? 2 : 1) * contributorPaid[Addr(2)], -2, 2);
        }

        // Every claim shows in that account's rewards as claimed (nobody claimed twice).
        var roles = new[] { "curator", "contributorA", "contributorB", "contributorC", "baseOwner", "adapterOwner", "requester", "challenger" };
        foreach (var claim in result.GetProperty("claims").EnumerateObject())
        {
            var rewards = await query.GetRewardsAsync(new GetRewardsRequest { Address = Addr(Array.IndexOf(roles, claim.Name)) });
            Assert.Equal(claim.Value.GetString(), rewards.TotalClaimed);
        }

        var missing = await Assert.ThrowsAsync<RpcException>(async () => await query.GetModelAsync(new GetModelRequest { ModelId = adapterId + 1000 }));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }
}
