using System.Globalization;
using Grpc.Net.Client;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using OpenLedger.Network.Addressing;
using OpenLedger.Network.Host;
using OpenLedger.Network.Identity;
using OpenLedger.Network.Protocols;
using OpenLedger.Node.Devnet;
using OpenLedger.Rpc.V1;
using Xunit;
using Xunit.Abstractions;
using V1 = OpenLedger.Rpc.V1;

namespace OpenLedger.Node.Tests.Bft;

/// <summary>
/// The real binary, end to end: this test is a libp2p peer of a 4-validator devnet (the project's own Network
/// host), signs two conflicting prevotes with one validator's deterministic devnet consensus key, and gossips
/// the evidence on /openledger/&lt;chainId&gt;/evidence/1. The network must include it in a block, slash the
/// validator by exactly the double-sign fraction, tombstone it, drop it from the set at the next epoch and go
/// on committing with the other three; a forged piece is rejected by the node it reaches and never included.
/// The consensus metrics of the same devnet are checked on the way.
/// </summary>
[Collection(BftDevnetCollection.Name)]
public sealed class EvidenceDevnetTests(ITestOutputHelper output)
{
    private const int Validators = 4;
    private const int Offender = 3;
    private const ushort DoubleSignSlashBps = 500; // SPEC §4.1: 5 % of bonded stake
    private const ulong EpochLength = 20;          // devnet epoch_length: the active set is recomputed at multiples of it

    [Fact]
    public async Task Gossiped_double_sign_evidence_is_committed_slashes_tombstones_and_removes_the_validator_and_forged_evidence_is_not()
    {
        var started = DateTime.UtcNow;
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        var ct = budget.Token;
        await using var devnet = await DevnetCluster.StartAsync(Validators, accounts: 1, readyTimeout: TimeSpan.FromSeconds(90));
        output.WriteLine($"devnet running after {Elapsed(started)}");
        var channels = devnet.Manifest.Nodes.Select(n => GrpcChannel.ForAddress(n.Grpc)).ToArray();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await using var peer = Libp2pHost.Create(new Libp2pHostOptions { NodeKey = NodeKey.Generate() });
        try
        {
            var query = channels.Select(c => new QueryService.QueryServiceClient(c)).ToArray();
            var chainId = devnet.Manifest.ChainId;
            var offenderKey = DevnetKeys.Consensus(Offender);
            Assert.Equal(Address.Parse(devnet.Manifest.Nodes[Offender].ConsensusAddress), offenderKey.Address);
            await WaitForHeightAsync(devnet, 2, ct);
            var metricsBefore = await ScrapeAsync(http, devnet.Manifest.Nodes[0].Metrics, ct);

            var before = await ValidatorAsync(query[0], offenderKey.Address, ct);
            Assert.False(before.Tombstoned);
            Assert.True(before.Active);
            var bonded = UInt128.Parse(before.BondedStake, CultureInfo.InvariantCulture);

            // 1. Join the network as a plain libp2p peer of node0 and gossip the evidence.
            var topic = OpenLedgerProtocolIds.EvidenceTopic(chainId);
            await peer.StartAsync(ct);
            peer.Gossip.Subscribe(topic);
            await peer.DialAsync(Multiaddr.Parse(devnet.Manifest.Nodes[0].P2P), ct);
            var infractionHeight = await BlockNumberAsync(devnet, 0, ct);
            var evidence = DoubleSign(offenderKey, chainId, infractionHeight);
            await PublishAsync(peer, topic, evidence.Encode(), ct);
            output.WriteLine($"evidence for height {infractionHeight} published after {Elapsed(started)}");

            // 2. A block carries exactly this evidence, and every node has that block.
            var expectedEvidenceHash = Core.Chain.Block.ComputeEvidenceHash([evidence]).ToString();
            var emptyEvidenceHash = Core.Chain.Block.ComputeEvidenceHash([]).ToString();
            var includedAt = await FindBlockAsync(query[0], infractionHeight + 1, h => h.EvidenceHash == expectedEvidenceHash, ct);
            output.WriteLine($"evidence included in block {includedAt} after {Elapsed(started)}");
            await WaitForHeightAsync(devnet, includedAt, ct);
            var hashes = await Task.WhenAll(query.Select(async q => (await HeaderAsync(q, includedAt, ct)).Hash));
            Assert.Single(hashes.Distinct());
            // GetBlock shows what the block carries: the offender, the height, round and step, the two block hashes.
            var carried = Assert.Single((await query[2].GetBlockAsync(new GetBlockRequest { Block = new BlockRef { Number = includedAt } }, cancellationToken: ct)).Evidence);
            Assert.Equal((evidence.Hash.ToString(), offenderKey.Address.ToChecksumString(), infractionHeight, 0, "prevote"),
                (carried.Hash, carried.Validator, carried.Height, carried.Round, carried.VoteType));
            Assert.Equal((evidence.First.BlockHash.ToString(), evidence.Second.BlockHash.ToString()), (carried.FirstBlockHash, carried.SecondBlockHash));
            Assert.Equal(evidence.Encode(), carried.Encoded.ToByteArray());

            // 3. Slashed by exactly 5 % (rounded down to the wei), tombstoned (jailed forever).
            var after = await ValidatorAsync(query[1], offenderKey.Address, ct);
            Assert.Equal(bonded - bonded * DoubleSignSlashBps / 10_000, UInt128.Parse(after.BondedStake, CultureInfo.InvariantCulture));
            Assert.True(after.Tombstoned);
            Assert.True(after.Jailed);

            // 4. It leaves the set at the next epoch boundary; the other three keep committing without it.
            var epochEnd = (includedAt + EpochLength - 1) / EpochLength * EpochLength;
            await WaitForHeightAsync(devnet, epochEnd + 3, ct, nodes: [0, 1, 2]);
            output.WriteLine($"epoch {epochEnd} passed, height {epochEnd + 3} reached after {Elapsed(started)}");
            var boundary = await HeaderAsync(query[0], epochEnd, ct);
            Assert.NotEqual(boundary.ValidatorSetHash, boundary.NextValidatorSetHash);
            for (var h = epochEnd + 1; h <= epochEnd + 3; h++)
            {
                var header = await HeaderAsync(query[0], h, ct);
                Assert.Equal(boundary.NextValidatorSetHash, header.ValidatorSetHash);
                Assert.NotEqual(offenderKey.Address, Address.Parse(header.Proposer));
            }
            var removed = await ValidatorAsync(query[2], offenderKey.Address, ct);
            Assert.False(removed.Active);
            var active = await query[2].GetValidatorsAsync(new GetValidatorsRequest(), cancellationToken: ct);
            Assert.Equal(Validators - 1, active.Validators.Count);

            // 5. Forged evidence (the second vote signed by another key) is rejected by node0, not forwarded, not included.
            var victim = DevnetKeys.Consensus(1);
            var honest = DoubleSign(victim, chainId, epochEnd + 1);
            var forged = honest with { Second = honest.Second with { Signature = DevnetKeys.Consensus(2).Sign(honest.Second.SigningDigest(chainId)).ToCompact65() } };
            var forgedFrom = await BlockNumberAsync(devnet, 0, ct) + 1;
            await PublishAsync(peer, topic, forged.Encode(), ct);
            await WaitUntilAsync(async () => (await ScrapeAsync(http, devnet.Manifest.Nodes[0].Metrics, ct))
                .Value("openledger_evidence_received_total", "outcome=\"invalid\"") >= 1, ct);
            await WaitForHeightAsync(devnet, forgedFrom + 4, ct, nodes: [0, 1, 2]);
            for (var h = forgedFrom; h <= forgedFrom + 4; h++)
                Assert.Equal(emptyEvidenceHash, (await HeaderAsync(query[0], h, ct)).EvidenceHash);
            var victimAfter = await ValidatorAsync(query[0], victim.Address, ct);
            Assert.False(victimAfter.Tombstoned);
            Assert.True(victimAfter.Active);

            // 6. Metrics: consensus position, round changes, missed blocks per validator, evidence, sync, peers.
            var node0 = await ScrapeAsync(http, devnet.Manifest.Nodes[0].Metrics, ct);
            var node1 = await ScrapeAsync(http, devnet.Manifest.Nodes[1].Metrics, ct);
            output.WriteLine(string.Join("\n", node0.Text.Split('\n').Where(l => l.StartsWith("openledger_", StringComparison.Ordinal))));
            Assert.True(node0.Value("openledger_consensus_height") > metricsBefore.Value("openledger_consensus_height"),
                $"consensus height did not increase: {metricsBefore.Value("openledger_consensus_height")} -> {node0.Value("openledger_consensus_height")}");
            Assert.True(node0.Value("openledger_consensus_height") >= forgedFrom + 4);
            Assert.InRange(node0.Value("openledger_consensus_step") ?? -1, 1, 4);
            Assert.NotNull(node0.Value("openledger_consensus_round"));
            Assert.True(node0.Value("openledger_consensus_round_changes_total") >= 0);
            var missed = node0.Series("openledger_consensus_missed_blocks_total");
            Assert.Equal(Validators, missed.Count); // one series per validator that was ever in a signing set
            Assert.All(missed, m => Assert.InRange(m.Value, 0, (double)(forgedFrom + 4)));
            Assert.Equal(1, node0.Value("openledger_evidence_received_total", "outcome=\"added\""));
            Assert.True(node0.Value("openledger_evidence_committed_total") >= 1);
            Assert.Equal(0, node0.Value("openledger_evidence_pending"));
            // node1 got the valid evidence forwarded by node0, and never the forged one.
            // (Usually "added"; "committed" if the forwarded copy arrived after the block that includes it.)
            Assert.Equal(1, (node1.Value("openledger_evidence_received_total", "outcome=\"added\"") ?? 0)
                            + (node1.Value("openledger_evidence_received_total", "outcome=\"committed\"") ?? 0));
            Assert.Null(node1.Value("openledger_evidence_received_total", "outcome=\"invalid\""));
            Assert.NotNull(node0.Value("openledger_sync_target_height"));
            Assert.Equal(0, node0.Value("openledger_sync_active"));
            Assert.True(node0.Value("openledger_p2p_peers") >= Validators - 1);
            output.WriteLine($"done after {Elapsed(started)}");
        }
        catch (Exception e) when (e is OperationCanceledException or Xunit.Sdk.XunitException)
        {
            output.WriteLine(devnet.Diagnostics());
            throw;
        }
        finally
        {
            foreach (var channel in channels) channel.Dispose();
        }
    }

    private static string Elapsed(DateTime since) => $"{(DateTime.UtcNow - since).TotalSeconds:F1} s";

    private static DuplicateVoteEvidence DoubleSign(PrivateKey key, ulong chainId, ulong height)
    {
        Vote Prevote(Hash256 block) => new()
        {
            Type = VoteType.Prevote, Height = height, Round = 0, BlockHash = block, Validator = key.Address,
            Signature = key.Sign(Vote.SigningDigest(chainId, VoteType.Prevote, height, 0, block)).ToCompact65(),
        };
        return EvidenceVerifier.Canonical(new DuplicateVoteEvidence(Prevote(Keccak256.Hash("block a"u8)), Prevote(Keccak256.Hash("block b"u8))));
    }

    /// <summary>Publishes until at least one peer took the message (node0's subscription reaches us shortly after the dial).</summary>
    private static async Task PublishAsync(Libp2pHost peer, string topic, byte[] data, CancellationToken ct)
    {
        while (await peer.Gossip.PublishAsync(topic, data) == 0) await Task.Delay(200, ct);
    }

    private static async Task<V1.Validator> ValidatorAsync(QueryService.QueryServiceClient query, Address consensus, CancellationToken ct)
    {
        var all = await query.GetValidatorsAsync(new GetValidatorsRequest { IncludeInactive = true }, cancellationToken: ct);
        return all.Validators.Single(v => Address.Parse(v.ConsensusAddress) == consensus);
    }

    private static async Task<V1.BlockHeader> HeaderAsync(QueryService.QueryServiceClient query, ulong number, CancellationToken ct) =>
        (await query.GetBlockAsync(new GetBlockRequest { Block = new BlockRef { Number = number } }, cancellationToken: ct)).Header;

    /// <summary>The first block from <paramref name="from"/> on whose header matches, waiting for blocks not committed yet.</summary>
    private static async Task<ulong> FindBlockAsync(QueryService.QueryServiceClient query, ulong from, Func<V1.BlockHeader, bool> match, CancellationToken ct)
    {
        for (var h = from; ; h++)
        {
            while (true)
            {
                try
                {
                    if (match(await HeaderAsync(query, h, ct))) return h;
                    break;
                }
                catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
                {
                    await Task.Delay(200, ct);
                }
            }
        }
    }

    private static async Task WaitForHeightAsync(DevnetCluster devnet, ulong height, CancellationToken ct, int[]? nodes = null)
    {
        nodes ??= Enumerable.Range(0, Validators).ToArray();
        await WaitUntilAsync(async () => (await Task.WhenAll(nodes.Select(devnet.BlockNumberAsync))).All(h => h >= height), ct);
    }

    /// <summary>Polls <paramref name="condition"/>; a node too busy to answer in time (a loaded CI machine) counts as "not yet".</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // Retried below.
            }
            await Task.Delay(250, ct);
        }
    }

    private static async Task<ulong> BlockNumberAsync(DevnetCluster devnet, int node, CancellationToken ct)
    {
        ulong number = 0;
        await WaitUntilAsync(async () =>
        {
            number = await devnet.BlockNumberAsync(node);
            return true;
        }, ct);
        return number;
    }

    private static async Task<MetricsScrape> ScrapeAsync(HttpClient http, string url, CancellationToken ct)
    {
        MetricsScrape? scrape = null;
        await WaitUntilAsync(async () =>
        {
            scrape = await MetricsScrape.FetchAsync(http, url, ct);
            return true;
        }, ct);
        return scrape!;
    }
}
