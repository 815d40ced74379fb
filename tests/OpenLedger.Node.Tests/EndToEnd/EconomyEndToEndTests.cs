using System.Text.Json;
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
}
