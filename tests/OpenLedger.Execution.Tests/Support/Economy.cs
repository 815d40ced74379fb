using System.Numerics;
using OpenLedger.Core.Types;
using OpenLedger.Execution;

namespace OpenLedger.Execution.Tests.Support;

/// <summary>
/// The standard cast for economy tests, on a <see cref="TestChain"/>:
/// account 0 owns datanet 1 (open, text); accounts 1, 2, 3 each have one approved contribution (ids 1, 2, 3);
/// datanet 2 (owned by account 0) holds contribution 4 from account 1, approved; account 4 owns base model 1
/// (tier 0, 2,000 OPEN stake, datanet 1 only, training weights 50/30/20 % on contributions 1/2/3, prices
/// 0.002 OPEN per 1k input tokens and 0.006 OPEN per 1k output tokens); account 5 requests; account 6
/// challenges; account 7 builds adapters; accounts 8, 9, 10 operate validators with 30,000 / 20,000 / 10,000
/// OPEN self-bond and 10% commission; account 11 delegates.
/// </summary>
public sealed class Economy
{
    public static readonly UInt128 PriceIn = Wei.PerOpen / 500;   // 0.002 OPEN per 1k input tokens
    public static readonly UInt128 PriceOut = Wei.PerOpen * 6 / 1000; // 0.006 OPEN per 1k output tokens

    public TestChain Chain { get; }
    public Address DataOwner => Chain[0];
    public Address[] Contributors => [Chain[1], Chain[2], Chain[3]];
    public Address ModelOwner => Chain[4];
    public Address Requester => Chain[5];
    public Address Challenger => Chain[6];
    public Address AdapterOwner => Chain[7];
    public Address[] Validators => [Chain[8], Chain[9], Chain[10]];
    public Address Delegator => Chain[11];
    public const ulong ModelId = 1;

    public Economy(ChainParameters? parameters = null, bool withValidators = true)
    {
        Chain = new TestChain(parameters ?? new ChainParameters { EpochLength = 1_000 });
        if (withValidators)
        {
            Chain.AddGenesisValidator(Chain[8], 30_000);
            Chain.AddGenesisValidator(Chain[9], 20_000);
            Chain.AddGenesisValidator(Chain[10], 10_000);
        }
        Chain.Start();
        var c = Chain;
        c.Tx(DataOwner, c.Datanets, "createDatanet", "clinical-notes", "ipfs://meta", (byte)0, true);
        for (var i = 0; i < 3; i++)
            c.Tx(Contributors[i], c.Datanets, "contribute", c.Params.ContributionBond, TestChain.N(1), Hash($"data-{i}"), (ulong)(1000 * (i + 1)), $"ipfs://c{i}");
        for (ulong id = 1; id <= 3; id++) c.Tx(DataOwner, c.Datanets, "review(uint256,bool,uint16)", TestChain.N(id), true, (ushort)8000);
        c.Tx(DataOwner, c.Datanets, "createDatanet", "other", "ipfs://other", (byte)1, true);
        c.Tx(Contributors[0], c.Datanets, "contribute", c.Params.ContributionBond, TestChain.N(2), Hash("other-0"), 10ul, "ipfs://o");
        c.Tx(DataOwner, c.Datanets, "review(uint256,bool,uint16)", TestChain.N(4), true, (ushort)5000);
        RegisterModel(ModelOwner, 2_000, 0, [1], [1, 2, 3], [5000, 3000, 2000]);
        c.Mine();
    }

    public ulong RegisterModel(Address owner, ulong stakeOpen, ulong baseModelId, ulong[] datanets, ulong[] training, ushort[] weights, byte tier = 0)
    {
        var result = Chain.Tx(owner, Chain.Models, "registerModel", TestChain.Open(stakeOpen), $"model-{Chain.Height}", Hash($"artifact-{Chain.Height}-{owner}"),
            TestChain.N(baseModelId), tier, datanets.Select(d => (object)TestChain.N(d)).ToArray(), training.Select(d => (object)TestChain.N(d)).ToArray(),
            weights.Select(w => (object)w).ToArray(), PriceIn, PriceOut);
        return (ulong)(BigInteger)result[0];
    }

    public ulong Request(UInt128 maxFee, ulong modelId = ModelId, Address? requester = null) =>
        (ulong)(BigInteger)Chain.Tx(requester ?? Requester, Chain.Models, "requestInference", maxFee, TestChain.N(modelId), Hash($"req-{Chain.Height}-{maxFee}"))[0];

    public UInt128 Settle(ulong requestId, uint input, uint output, ulong[] contributions, ulong[] influence, Address? operatorAddress = null) =>
        (UInt128)(BigInteger)Chain.Tx(operatorAddress ?? ModelOwner, Chain.Models, "settleInference", TestChain.N(requestId), input, output, Hash("out"),
            contributions.Select(x => (object)TestChain.N(x)).ToArray(), influence.Select(x => (object)TestChain.N(x)).ToArray())[0];

    public static byte[] Hash(string text) => OpenLedger.Core.Crypto.Keccak256.HashToArray(System.Text.Encoding.UTF8.GetBytes(text));
}
