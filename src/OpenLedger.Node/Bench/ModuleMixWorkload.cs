using System.Globalization;
using System.Numerics;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Modules.Datanets;
using OpenLedger.Execution.Modules.Models;
using OpenLedger.Execution.Modules.Staking;
using OpenLedger.Node.Cli;
using OpenLedger.Rpc.V1;
using Transaction = OpenLedger.Core.Transactions.Transaction;

namespace OpenLedger.Node.Bench;

/// <summary>
/// The module-call mix: equal parts Datanets <c>contribute</c>, Models <c>settleInference</c> with 16 influence
/// entries, and Staking <c>delegate</c>. Sender <c>i</c> makes calls of kind <c>i mod 3</c> only, so only a third
/// of the senders need a model's stake. Setup (committed before the clock starts): fund the senders; the funding
/// account creates an open datanet and approves 16 contributions made by the first senders (the influence list);
/// each settling sender registers a model on that datanet and requests one inference per settlement (the escrow it
/// will settle); the delegation target is the first active validator. Every measured call is expected to succeed.
/// </summary>
public static class ModuleMixWorkload
{
    public const int InfluenceEntries = 16;

    // The devnet's parameters (ChainParameters defaults); a chain with others refuses the setup with its reason.
    private static readonly UInt128 ContributionBond = Wei.PerOpen;
    private static readonly UInt128 ModelStake = Wei.FromOpen(1_000);
    private static readonly UInt128 InferenceMaxFee = Wei.PerOpen / 100;
    private static readonly UInt128 PriceInPerK = Wei.PerOpen / 500;
    private static readonly UInt128 PricePerOutK = Wei.PerOpen * 6 / 1000;
    private static readonly UInt128 DelegationAmount = Wei.PerOpen / 100;
    private const ulong SetupGasLimit = 600_000;
    /// <summary>Gas reserved per measured call when funding (the real limit is the estimate plus a margin, far below).</summary>
    private const ulong FundingGasPerCall = 1_500_000;
    /// <summary>A request not settled by this many blocks after it was made expires (ModelsModule.InferenceTimeoutBlocks).</summary>
    private const ulong InferenceTimeoutBlocks = 100;
    /// <summary>Blocks that pass between the requests and the first submission (receipts, estimates, signing at 2 blocks/s).</summary>
    private const ulong SetupBlocksMargin = 15;

    private static readonly AbiContract Datanets = new DatanetsModule().Abi;
    private static readonly AbiContract Models = new ModelsModule().Abi;
    private static readonly AbiContract Staking = new StakingModule().Abi;

    private enum Kind
    {
        Contribute,
        Settle,
        Delegate,
    }

    public static async Task<BenchWorkload> PrepareAsync(BenchChain chain, PrivateKey funder, int transactions, int senders, TextWriter progress, CancellationToken ct)
    {
        if (senders < 3) throw new CliException("--mix modules needs at least 3 senders (one for each kind of call)");
        var run = Convert.ToHexString(Keccak256.HashToArray(BitConverter.GetBytes(DateTime.UtcNow.Ticks))[..4]).ToLowerInvariant();
        var keys = Enumerable.Range(0, senders).Select(_ => PrivateKey.Generate()).ToArray();
        var kinds = Enumerable.Range(0, senders).Select(i => (Kind)(i % 3)).ToArray();
        // Round-robin over the senders, as for transfers: sender i sends calls[i] of the N.
        var calls = Enumerable.Range(0, senders).Select(i => transactions / senders + (i < transactions % senders ? 1 : 0)).ToArray();
        var influencers = Enumerable.Range(0, InfluenceEntries).Select(k => k % senders).ToArray();
        // Back-to-back full blocks raise the base fee up to 12.5% each, and a module run fills dozens of blocks.
        var maxFee = 1000 * chain.BaseFee + BenchChain.Tip;
        var gasCost = (UInt128)FundingGasPerCall * maxFee;
        var setupCost = (UInt128)SetupGasLimit * maxFee;

        await BenchFunding.FundAsync(chain, funder, keys, i =>
        {
            var n = (UInt128)calls[i];
            UInt128 amount = kinds[i] switch
            {
                Kind.Contribute => n * (gasCost + ContributionBond),
                Kind.Settle => ModelStake + setupCost + n * (setupCost + InferenceMaxFee + gasCost),
                _ => n * (gasCost + DelegationAmount),
            };
            var influence = (UInt128)influencers.Count(k => k == i);
            return amount + influence * (ContributionBond + setupCost) + Wei.PerOpen / 100;
        }, progress, ct);

        progress.WriteLine($"bench: setup: datanet with {InfluenceEntries} approved contributions, {kinds.Count(k => k == Kind.Settle)} models, " +
            $"{calls.Where((_, i) => kinds[i] == Kind.Settle).Sum()} inference requests");
        var funderNonce = await chain.PendingNonceAsync(funder.Address, ct);
        var created = await chain.ExecuteAsync(
            [chain.Sign(funder, funderNonce++, SystemAddresses.Datanets, 0, Datanets.GetFunction("createDatanet").EncodeCall($"bench {run}", $"bench://{run}", (byte)0, true), SetupGasLimit, maxFee)],
            "createDatanet", ct);
        var datanetId = IndexedId(created[0], Datanets.GetEvent("DatanetCreated"));

        var nonces = new ulong[senders];
        var setup = new List<Transaction>();
        for (var k = 0; k < InfluenceEntries; k++)
        {
            var i = influencers[k];
            var content = Keccak256.Hash(System.Text.Encoding.UTF8.GetBytes($"bench {run} influence {k}"));
            setup.Add(chain.Sign(keys[i], nonces[i]++, SystemAddresses.Datanets, ContributionBond,
                Datanets.GetFunction("contribute").EncodeCall(datanetId, content, 4096UL, $"bench://{run}/influence/{k}"), SetupGasLimit, maxFee));
        }
        var settlers = Enumerable.Range(0, senders).Where(i => kinds[i] == Kind.Settle).ToArray();
        foreach (var i in settlers)
            setup.Add(chain.Sign(keys[i], nonces[i]++, SystemAddresses.Models, ModelStake, Models.GetFunction("registerModel").EncodeCall(
                $"bench {run} model {i}", Keccak256.Hash(BitConverter.GetBytes(i)), BigInteger.Zero, (byte)0,
                new object[] { datanetId }, Array.Empty<object>(), Array.Empty<object>(), PriceInPerK, PricePerOutK), SetupGasLimit, maxFee));
        var setupReceipts = await chain.ExecuteAsync(setup, "contributions and model registrations", ct);
        var contributionIds = setupReceipts.Take(InfluenceEntries).Select(r => IndexedId(r, Datanets.GetEvent("ContributionSubmitted"))).ToArray();
        var modelOf = new Dictionary<int, BigInteger>();
        for (var s = 0; s < settlers.Length; s++) modelOf[settlers[s]] = IndexedId(setupReceipts[InfluenceEntries + s], Models.GetEvent("ModelRegistered"));

        var review = Datanets.GetFunction("review(uint256,bool,uint16)");
        await chain.ExecuteAsync(contributionIds.Select(id =>
            chain.Sign(funder, funderNonce++, SystemAddresses.Datanets, 0, review.EncodeCall(id, true, (ushort)9000), SetupGasLimit, maxFee)).ToList(),
            "approving the influence contributions", ct);

        var requests = new List<Transaction>();
        var requestOwner = new List<int>();
        foreach (var i in settlers)
            for (var n = 0; n < calls[i]; n++)
            {
                requests.Add(chain.Sign(keys[i], nonces[i]++, SystemAddresses.Models, InferenceMaxFee,
                    Models.GetFunction("requestInference").EncodeCall(modelOf[i], Keccak256.Hash(System.Text.Encoding.UTF8.GetBytes($"bench {run} request {i}/{n}"))),
                    SetupGasLimit, maxFee));
                requestOwner.Add(i);
            }
        var requestReceipts = await chain.ExecuteAsync(requests, "inference requests", ct);
        var requestIds = settlers.ToDictionary(i => i, _ => new Queue<BigInteger>());
        for (var r = 0; r < requestReceipts.Length; r++) requestIds[requestOwner[r]].Enqueue(IndexedId(requestReceipts[r], Models.GetEvent("InferenceRequested")));
        var firstRequestBlock = requestReceipts.Length == 0 ? ulong.MaxValue : requestReceipts.Min(r => r.BlockNumber);

        var validators = await chain.Client.Query.GetValidatorsAsync(new GetValidatorsRequest(), cancellationToken: ct);
        var validator = Address.Parse(validators.Validators.FirstOrDefault(v => v.Active && !v.Jailed)?.OperatorAddress
            ?? throw new InvalidOperationException("no active validator to delegate to"));

        var influence = Enumerable.Range(1, InfluenceEntries).Select(w => (object)new BigInteger(w)).ToArray();
        var contributionList = contributionIds.Select(id => (object)id).ToArray();
        byte[] Contribute(int i, int n) => Datanets.GetFunction("contribute").EncodeCall(datanetId,
            Keccak256.Hash(System.Text.Encoding.UTF8.GetBytes($"bench {run} contribution {i}/{n}")), 1024UL, $"bench://{run}/{i}/{n}");
        byte[] Settle(BigInteger requestId) => Models.GetFunction("settleInference").EncodeCall(requestId, 1000U, 500U,
            Keccak256.Hash(System.Text.Encoding.UTF8.GetBytes($"bench {run} output {requestId}")), contributionList, influence);
        var delegateCall = Staking.GetFunction("delegate").EncodeCall(validator);

        // Gas limits: the estimate at the current state plus a quarter. Blocks are packed by gas limit, so a loose
        // limit would only make blocks emptier; a first call of a kind (new records) costs the most.
        var gas = new Dictionary<Kind, ulong>();
        var sample = new Dictionary<Kind, int>();
        foreach (var kind in Enum.GetValues<Kind>()) sample[kind] = Array.FindIndex(kinds, k => k == kind);
        gas[Kind.Contribute] = await chain.EstimateGasAsync(keys[sample[Kind.Contribute]].Address, SystemAddresses.Datanets, ContributionBond,
            Contribute(sample[Kind.Contribute], -1), "contribute", ct);
        var settler = sample[Kind.Settle];
        if (calls[settler] > 0)
            gas[Kind.Settle] = await chain.EstimateGasAsync(keys[settler].Address, SystemAddresses.Models, 0, Settle(requestIds[settler].Peek()), "settleInference", ct);
        gas[Kind.Delegate] = await chain.EstimateGasAsync(keys[sample[Kind.Delegate]].Address, SystemAddresses.Staking, DelegationAmount, delegateCall, "delegate", ct);
        foreach (var kind in gas.Keys) gas[kind] += gas[kind] / 4;
        progress.WriteLine($"bench: gas limits: contribute {gas[Kind.Contribute]}, settleInference {gas.GetValueOrDefault(Kind.Settle)}, delegate {gas[Kind.Delegate]}");

        var measuredGas = Enumerable.Range(0, senders).Sum(i => (decimal)calls[i] * gas.GetValueOrDefault(kinds[i]));
        var head = await chain.Client.Query.GetBlockAsync(new GetBlockRequest { Block = new BlockRef { Tag = BlockTag.Latest } }, cancellationToken: ct);
        var blocksNeeded = (ulong)Math.Ceiling(measuredGas / head.Header.GasLimit);
        if (firstRequestBlock != ulong.MaxValue && head.Header.Number + SetupBlocksMargin + blocksNeeded > firstRequestBlock + InferenceTimeoutBlocks)
        {
            var room = firstRequestBlock + InferenceTimeoutBlocks - Math.Min(firstRequestBlock + InferenceTimeoutBlocks, head.Header.Number + SetupBlocksMargin);
            throw new CliException($"--mix modules with {transactions} calls fills about {blocksNeeded} blocks, but an inference request expires " +
                $"{InferenceTimeoutBlocks} blocks after it is made and only {room} remain; use at most about {transactions * (long)room / (long)Math.Max(1, blocksNeeded)} calls");
        }

        progress.WriteLine($"bench: pre-signing {transactions} module calls from {senders} senders");
        for (var i = 0; i < senders; i++) nonces[i] = await chain.PendingNonceAsync(keys[i].Address, ct);
        var signed = new List<Transaction>(transactions);
        var counts = new Dictionary<string, int> { ["contribute"] = 0, ["settleInference"] = 0, ["delegate"] = 0 };
        for (var n = 0; signed.Count < transactions; n++)
            for (var i = 0; i < senders && signed.Count < transactions; i++)
            {
                if (n >= calls[i]) continue;
                var nonce = nonces[i]++;
                switch (kinds[i])
                {
                    case Kind.Contribute:
                        signed.Add(chain.Sign(keys[i], nonce, SystemAddresses.Datanets, ContributionBond, Contribute(i, n), gas[Kind.Contribute], maxFee));
                        counts["contribute"]++;
                        break;
                    case Kind.Settle:
                        signed.Add(chain.Sign(keys[i], nonce, SystemAddresses.Models, 0, Settle(requestIds[i].Dequeue()), gas[Kind.Settle], maxFee));
                        counts["settleInference"]++;
                        break;
                    default:
                        signed.Add(chain.Sign(keys[i], nonce, SystemAddresses.Staking, DelegationAmount, delegateCall, gas[Kind.Delegate], maxFee));
                        counts["delegate"]++;
                        break;
                }
            }
        return new BenchWorkload(BenchMix.Modules, signed, counts);
    }

    /// <summary>The id an event carries as its first indexed argument (datanetId, contributionId, modelId, requestId).</summary>
    private static BigInteger IndexedId(Receipt receipt, AbiEvent abiEvent)
    {
        var topic0 = abiEvent.Topic0.ToString();
        var log = receipt.Logs.FirstOrDefault(l => l.Topics.Count > 1 && string.Equals(l.Topics[0], topic0, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"transaction {receipt.TransactionHash} emitted no {abiEvent.Name} event");
        return BigInteger.Parse("0" + log.Topics[1][2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
