using System.Numerics;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules.Common;
using OpenLedger.Execution.Modules.Datanets;
using OpenLedger.Execution.Modules.Staking;
using OpenLedger.Execution.State;

namespace OpenLedger.Execution.Modules.Models;

/// <summary>
/// Models (SPEC §4.3, §4.4): model registry with tiered stake and service caps, LoRA adapters with base-model
/// royalties, inference escrow and settlement with the exact fee formula and β/γ/δ split, a challenge window
/// with validator-voted challenges and slashing, epoch attribution emission, and claim(). Every wei the module
/// holds is a tracked liability (<see cref="GetLiabilities"/>); docs/economics.md has the formulas.
/// </summary>
public sealed class ModelsModule : SystemModuleBase, IAccountedModule
{
    /// <summary>A request not settled within this many blocks is refunded to the requester automatically.</summary>
    public const ulong InferenceTimeoutBlocks = 100;
    public const int MaxDatanetsPerModel = 32;
    public const int MaxInfluenceEntries = 256;
    public const int MaxTrainingEntries = 256;

    // Running totals (liabilities) in storage.
    private const string TotalStakeKey = "total-stake";
    private const string TotalEscrowKey = "total-escrow";
    private const string TotalLockedKey = "total-locked";
    private const string TotalClaimableKey = "total-claimable";
    private const string TotalChallengeBondsKey = "total-challenge-bonds";
    private const string AttributionPotKey = "attribution-pot";

    public readonly AbiEvent ModelRegistered;
    public readonly AbiEvent StakeAdded;
    public readonly AbiEvent StakeWithdrawalStarted;
    public readonly AbiEvent StakeWithdrawn;
    public readonly AbiEvent AdapterRoyaltySet;
    public readonly AbiEvent PricesSet;
    public readonly AbiEvent InferenceRequested;
    public readonly AbiEvent InferenceSettled;
    public readonly AbiEvent FeeAttributed;
    public readonly AbiEvent InferenceExpired;
    public readonly AbiEvent InferenceFinalized;
    public readonly AbiEvent ChallengeOpened;
    public readonly AbiEvent ChallengeVoted;
    public readonly AbiEvent ChallengeResolved;
    public readonly AbiEvent ModelSlashed;
    public readonly AbiEvent ModelSuspended;
    public readonly AbiEvent AttributionEpochPaid;
    public readonly AbiEvent AttributionRewarded;
    public readonly AbiEvent Claimed;

    public ModelsModule() : base(SystemAddresses.Models, "Models")
    {
        ModelRegistered = Event("ModelRegistered(uint256 indexed modelId, address indexed owner, uint256 indexed baseModelId, string name, bytes32 artifactHash, uint8 tier, uint256 stake)");
        StakeAdded = Event("StakeAdded(uint256 indexed modelId, uint256 amount, uint256 stake)");
        StakeWithdrawalStarted = Event("StakeWithdrawalStarted(uint256 indexed modelId, uint256 amount, uint256 withdrawing, uint64 completesAt)");
        StakeWithdrawn = Event("StakeWithdrawn(uint256 indexed modelId, address indexed owner, uint256 amount)");
        AdapterRoyaltySet = Event("AdapterRoyaltySet(uint256 indexed baseModelId, uint16 royaltyBps)");
        PricesSet = Event("PricesSet(uint256 indexed modelId, uint128 priceInPerK, uint128 pricePerOutK)");
        InferenceRequested = Event("InferenceRequested(uint256 indexed requestId, uint256 indexed modelId, address indexed requester, bytes32 requestHash, uint256 maxFee, uint64 deadline)");
        InferenceSettled = Event("InferenceSettled(uint256 indexed requestId, uint256 indexed modelId, uint256 fee, uint256 refund, uint256 platformFee, uint256 modelShare, uint256 stakerShare, uint256 contributorShare, uint256 dust, uint64 unlockAt)");
        FeeAttributed = Event("FeeAttributed(uint256 indexed requestId, address indexed account, uint8 role, uint256 amount)");
        InferenceExpired = Event("InferenceExpired(uint256 indexed requestId, address indexed requester, uint256 refund)");
        InferenceFinalized = Event("InferenceFinalized(uint256 indexed requestId, uint256 fee)");
        ChallengeOpened = Event("ChallengeOpened(uint256 indexed challengeId, uint256 indexed requestId, address indexed challenger, bytes32 evidenceHash, uint8 reason, uint64 voteEnd)");
        ChallengeVoted = Event("ChallengeVoted(uint256 indexed challengeId, address indexed validator, bool uphold, uint256 power)");
        ChallengeResolved = Event("ChallengeResolved(uint256 indexed challengeId, uint256 indexed requestId, uint8 status, uint256 upholdPower, uint256 rejectPower, uint256 totalPower)");
        ModelSlashed = Event("ModelSlashed(uint256 indexed modelId, uint256 indexed challengeId, uint256 slashed, uint256 toChallenger, uint256 burned)");
        ModelSuspended = Event("ModelSuspended(uint256 indexed modelId, uint64 upheldChallenges)");
        AttributionEpochPaid = Event("AttributionEpochPaid(uint64 indexed epoch, uint256 pot, uint256 contributorsPaid, uint256 modelsPaid, uint256 toTreasury, uint256 returnedToReserve)");
        AttributionRewarded = Event("AttributionRewarded(uint64 indexed epoch, address indexed account, uint8 role, uint256 amount)");
        Claimed = Event("Claimed(address indexed account, uint256 amount)");

        Function("registerModel(string name, bytes32 artifactHash, uint256 baseModelId, uint8 tier, uint256[] datanetIds, uint256[] trainingContributionIds, uint16[] trainingWeightsBps, uint128 priceInPerK, uint128 pricePerOutK) payable returns (uint256 modelId)",
            (c, a) => [RegisterModel(c, new ModelRegistration
            {
                Name = (string)a[0], ArtifactHash = new Hash256((byte[])a[1]), BaseModelId = Id(a[2]), Tier = (byte)(BigInteger)a[3],
                DatanetIds = Ids(a[4]), TrainingContributionIds = Ids(a[5]),
                TrainingWeightsBps = ((object[])a[6]).Select(w => (ulong)(BigInteger)w).ToArray(),
                PriceInPerK = (UInt128)(BigInteger)a[7], PricePerOutK = (UInt128)(BigInteger)a[8],
            })]);
        Function("addStake(uint256 modelId) payable", (c, a) => { AddStake(c, Id(a[0])); return []; });
        Function("withdrawStake(uint256 modelId, uint256 amount)", (c, a) => { WithdrawStake(c, Id(a[0]), Money.ToWei(a[1], "amount")); return []; });
        Function("setAdapterRoyalty(uint256 baseModelId, uint16 royaltyBps)", (c, a) => { SetAdapterRoyalty(c, Id(a[0]), (ushort)(BigInteger)a[1]); return []; });
        Function("setPrices(uint256 modelId, uint128 priceInPerK, uint128 pricePerOutK)",
            (c, a) => { SetPrices(c, Id(a[0]), (UInt128)(BigInteger)a[1], (UInt128)(BigInteger)a[2]); return []; });
        Function("requestInference(uint256 modelId, bytes32 requestHash) payable returns (uint256 requestId)",
            (c, a) => [RequestInference(c, Id(a[0]), new Hash256((byte[])a[1]))]);
        Function("settleInference(uint256 requestId, uint32 inputTokens, uint32 outputTokens, bytes32 outputHash, uint256[] contributionIds, uint256[] influence) returns (uint256 fee)",
            (c, a) => [SettleInference(c, Id(a[0]), (uint)(BigInteger)a[1], (uint)(BigInteger)a[2], new Hash256((byte[])a[3]), Ids(a[4]),
                ((object[])a[5]).Select(v => Money.ToWei(v, "influence value")).ToArray())]);
        Function("challenge(uint256 requestId, bytes32 evidenceHash, uint8 reason) payable returns (uint256 challengeId)",
            (c, a) => [OpenChallenge(c, Id(a[0]), new Hash256((byte[])a[1]), (byte)(BigInteger)a[2])]);
        Function("voteChallenge(uint256 challengeId, bool uphold)", (c, a) => { VoteChallenge(c, Id(a[0]), (bool)a[1]); return []; });
        Function("claim() returns (uint256 amount)", (c, _) => [Claim(c)]);

        Function("getModel(uint256 modelId) view returns (address owner, string name, bytes32 artifactHash, uint256 baseModelId, uint8 tier, uint256[] datanetIds, uint128 priceInPerK, uint128 pricePerOutK, uint256 stake, uint256 withdrawing, uint64 withdrawAt, uint16 adapterRoyaltyBps, uint256 feesInFlight, uint64 upheldChallenges, bool suspended)",
            (c, a) =>
            {
                var m = RequireModel(c.Store, Id(a[0]));
                return [m.Owner, m.Name, m.ArtifactHash.ToArray(), new BigInteger(m.BaseModelId), m.Tier, m.DatanetIds.Select(x => (object)new BigInteger(x)).ToArray(),
                    m.PriceInPerK, m.PricePerOutK, m.Stake, m.Withdrawing, m.WithdrawAt, m.AdapterRoyaltyBps, m.FeesInFlight, m.UpheldChallenges, m.Suspended];
            });
        Function("getInference(uint256 requestId) view returns (uint256 modelId, address requester, uint256 maxFee, uint8 status, uint256 fee, uint64 deadline, uint64 settledAt, uint64 unlockAt, uint256 challengeId, address[] recipients, uint256[] amounts)",
            (c, a) =>
            {
                var r = RequireRequest(c.Store, Id(a[0]));
                return [new BigInteger(r.ModelId), r.Requester, r.MaxFee, (byte)r.Status, r.Fee, r.Deadline, r.SettledAt, r.UnlockAt,
                    new BigInteger(r.ChallengeId), r.Recipients.Cast<object>().ToArray(), r.Amounts.Select(x => (object)x).ToArray()];
            });
        Function("getChallenge(uint256 challengeId) view returns (uint256 requestId, address challenger, uint8 reason, uint8 status, uint64 voteEnd, uint256 upholdPower, uint256 rejectPower, uint256 totalPower, uint256 slashed)",
            (c, a) =>
            {
                var x = RequireChallenge(c.Store, Id(a[0]));
                return [new BigInteger(x.RequestId), x.Challenger, (byte)x.Reason, (byte)x.Status, x.VoteEnd, x.UpholdPower, x.RejectPower, x.TotalPower, x.Slashed];
            });
        Function("earnings(address account) view returns (uint256 claimable, uint256 locked, uint256 contributorEarned, uint256 modelEarned, uint256 attributionEarned, uint256 challengeEarned, uint256 claimed)",
            (c, a) =>
            {
                var e = GetEarnings(c.Store, (Address)a[0]);
                return [e.Claimable, e.Locked, e.ContributorEarned, e.ModelEarned, e.AttributionEarned, e.ChallengeEarned, e.Claimed];
            });
        Function("quoteFee(uint256 modelId, uint32 inputTokens, uint32 outputTokens) view returns (uint256 fee)",
            (c, a) => [ComputeFee(RequireModel(c.Store, Id(a[0])), (uint)(BigInteger)a[1], (uint)(BigInteger)a[2], UInt128.MaxValue, c.Params.PlatformFee)]);
        Function("attributionPot() view returns (uint64 epoch, uint256 pot, uint256 contributorFees, uint256 modelFees)",
            (c, _) => [c.Store.GetU64(StorageKey.Of("attribution-epoch")), c.Store.GetU128(StorageKey.Of(AttributionPotKey)),
                c.Store.GetU128(StorageKey.Of("attr-total", (ulong)PayoutRole.Contributor)), c.Store.GetU128(StorageKey.Of("attr-total", (ulong)PayoutRole.ModelOwner))]);
    }

    private static ulong Id(object value) => Money.ToU64(value, "id");

    private static ulong[] Ids(object value) => ((object[])value).Select(Id).ToArray();

    // ================= registry and stake =================

    public sealed record ModelRegistration
    {
        public required string Name { get; init; }
        public required Hash256 ArtifactHash { get; init; }
        public ulong BaseModelId { get; init; }
        public byte Tier { get; init; }
        public ulong[] DatanetIds { get; init; } = [];
        public ulong[] TrainingContributionIds { get; init; } = [];
        public ulong[] TrainingWeightsBps { get; init; } = [];
        public UInt128 PriceInPerK { get; init; }
        public UInt128 PricePerOutK { get; init; }
    }

    public ulong RegisterModel(ModuleContext c, ModelRegistration r)
    {
        var p = c.Params;
        if (string.IsNullOrWhiteSpace(r.Name)) throw Revert("a model needs a name");
        if (System.Text.Encoding.UTF8.GetByteCount(r.Name) > 64) throw Revert("model name is longer than 64 bytes");
        if (r.ArtifactHash.IsZero) throw Revert("artifactHash must be the hash of the model's weights, not zero");
        if (r.Tier >= p.TierMinimumStake.Length)
            throw Revert($"tier {r.Tier} does not exist (tiers are 0..{p.TierMinimumStake.Length - 1})");
        var minimum = p.TierMinimumStake[r.Tier];
        if (c.Value < minimum) throw Revert($"stake {Money.Open(c.Value)} is below the tier-{r.Tier} minimum of {Money.Open(minimum)}");
        if (r.BaseModelId != 0)
        {
            var baseModel = GetModel(c.Store, r.BaseModelId) ?? throw Revert($"base model {r.BaseModelId} does not exist");
            if (baseModel.IsAdapter) throw Revert($"model {r.BaseModelId} is itself an adapter; adapters must sit on a base model");
            if (baseModel.Suspended) throw Revert($"base model {r.BaseModelId} is suspended");
        }
        if (r.DatanetIds.Length > MaxDatanetsPerModel) throw Revert($"a model may declare at most {MaxDatanetsPerModel} datanets");
        if (r.DatanetIds.Distinct().Count() != r.DatanetIds.Length) throw Revert("datanetIds lists a datanet twice");
        foreach (var datanetId in r.DatanetIds)
            if (DatanetsModule.GetDatanet(c.Store, datanetId) is null) throw Revert($"datanet {datanetId} does not exist");
        if (r.TrainingContributionIds.Length != r.TrainingWeightsBps.Length)
            throw Revert($"trainingContributionIds has {r.TrainingContributionIds.Length} entries but trainingWeightsBps has {r.TrainingWeightsBps.Length}");
        if (r.TrainingContributionIds.Length > MaxTrainingEntries) throw Revert($"at most {MaxTrainingEntries} training contributions");
        if (r.TrainingContributionIds.Distinct().Count() != r.TrainingContributionIds.Length) throw Revert("trainingContributionIds lists a contribution twice");
        if (r.TrainingWeightsBps.Length > 0)
        {
            ulong sum = 0;
            foreach (var w in r.TrainingWeightsBps)
            {
                if (w == 0) throw Revert("training weights must be positive");
                sum += w;
            }
            if (sum != Money.FullBps) throw Revert($"training weights must add up to 10000 bps (they add up to {sum})");
            foreach (var id in r.TrainingContributionIds) RequireEligibleContribution(c.Store, r.DatanetIds, id);
        }

        var modelId = c.Store.NextId("model");
        var model = new ModelInfo
        {
            Id = modelId, Owner = c.Caller, Name = r.Name, ArtifactHash = r.ArtifactHash, BaseModelId = r.BaseModelId, Tier = r.Tier,
            DatanetIds = r.DatanetIds, TrainingContributionIds = r.TrainingContributionIds, TrainingWeightsBps = r.TrainingWeightsBps,
            PriceInPerK = r.PriceInPerK, PricePerOutK = r.PricePerOutK, Stake = c.Value, RegisteredAt = c.Block.Number,
        };
        Save(c.Store, model);
        c.Store.AddU128(StorageKey.Of(TotalStakeKey), c.Value);
        c.Emit(ModelRegistered, new BigInteger(modelId), c.Caller, new BigInteger(r.BaseModelId), r.Name, r.ArtifactHash.ToArray(), r.Tier, c.Value);
        return modelId;
    }

    public void AddStake(ModuleContext c, ulong modelId)
    {
        var model = RequireOwnedModel(c, modelId, "add stake to");
        if (c.Value == 0) throw Revert("send the stake to add as the transaction value");
        model = model with { Stake = model.Stake + c.Value };
        Save(c.Store, model);
        c.Store.AddU128(StorageKey.Of(TotalStakeKey), c.Value);
        c.Emit(StakeAdded, new BigInteger(modelId), c.Value, model.Stake);
    }

    public void WithdrawStake(ModuleContext c, ulong modelId, UInt128 amount)
    {
        var p = c.Params;
        var model = RequireOwnedModel(c, modelId, "withdraw stake from");
        if (amount == 0) throw Revert("amount must be greater than zero");
        if (amount > model.Stake) throw Revert($"model {modelId} has {Money.Open(model.Stake)} of active stake; cannot withdraw {Money.Open(amount)}");
        var remaining = model.Stake - amount;
        var minimum = p.TierMinimumStake[Math.Min(model.Tier, p.TierMinimumStake.Length - 1)];
        if (remaining != 0 && remaining < minimum)
            throw Revert($"the remaining stake {Money.Open(remaining)} would be below the tier-{model.Tier} minimum of {Money.Open(minimum)}; withdraw everything or at most {Money.Open(model.Stake - minimum)}");
        if ((BigInteger)model.FeesInFlight > (BigInteger)remaining * p.ServiceCapMultiplier)
            throw Revert($"{Money.Open(model.FeesInFlight)} of fees in flight need at least {Money.Open(Ceil(model.FeesInFlight, p.ServiceCapMultiplier))} of stake until their challenge windows close");
        var completesAt = c.Block.Number + p.UnbondingPeriodBlocks;
        model = model with { Stake = remaining, Withdrawing = model.Withdrawing + amount, WithdrawAt = completesAt };
        Save(c.Store, model);
        Due(c.Store, "withdraw", completesAt).AddU64(modelId);
        c.Emit(StakeWithdrawalStarted, new BigInteger(modelId), amount, model.Withdrawing, completesAt);
    }

    public void SetAdapterRoyalty(ModuleContext c, ulong baseModelId, ushort royaltyBps)
    {
        var model = RequireOwnedModel(c, baseModelId, "set the adapter royalty of");
        if (model.IsAdapter) throw Revert($"model {baseModelId} is an adapter; only base models collect adapter royalties");
        if (royaltyBps > Money.FullBps) throw Revert($"royaltyBps {royaltyBps} is above 10000");
        Save(c.Store, model with { AdapterRoyaltyBps = royaltyBps });
        c.Emit(AdapterRoyaltySet, new BigInteger(baseModelId), royaltyBps);
    }

    public void SetPrices(ModuleContext c, ulong modelId, UInt128 priceInPerK, UInt128 pricePerOutK)
    {
        var model = RequireOwnedModel(c, modelId, "set the prices of");
        Save(c.Store, model with { PriceInPerK = priceInPerK, PricePerOutK = pricePerOutK });
        c.Emit(PricesSet, new BigInteger(modelId), priceInPerK, pricePerOutK);
    }

    // ================= inference =================

    public ulong RequestInference(ModuleContext c, ulong modelId, Hash256 requestHash)
    {
        var p = c.Params;
        var model = RequireModel(c.Store, modelId);
        if (model.Suspended) throw Revert($"model {modelId} is suspended after {model.UpheldChallenges} upheld challenges");
        var minimum = p.TierMinimumStake[Math.Min(model.Tier, p.TierMinimumStake.Length - 1)];
        if (model.Stake < minimum)
            throw Revert($"model {modelId} has {Money.Open(model.Stake)} of stake, below its tier-{model.Tier} minimum of {Money.Open(minimum)}; it cannot serve");
        if (c.Value < p.PlatformFee)
            throw Revert($"maxFee {Money.Open(c.Value)} is below the platform fee of {Money.Open(p.PlatformFee)}");
        var id = c.Store.NextId("request");
        var deadline = c.Block.Number + InferenceTimeoutBlocks;
        var request = new InferenceRequest
        {
            Id = id, ModelId = modelId, Requester = c.Caller, RequestHash = requestHash, MaxFee = c.Value,
            CreatedAt = c.Block.Number, Deadline = deadline, Status = InferenceStatus.Pending,
        };
        Save(c.Store, request);
        c.Store.AddU128(StorageKey.Of(TotalEscrowKey), c.Value);
        Due(c.Store, "expire", deadline).AddU64(id);
        c.Emit(InferenceRequested, new BigInteger(id), new BigInteger(modelId), c.Caller, requestHash.ToArray(), c.Value, deadline);
        return id;
    }

    /// <summary>fee = min(maxFee, floor((in × priceInPerK + out × pricePerOutK) / 1000) + platformFee).</summary>
    public static UInt128 ComputeFee(ModelInfo model, uint inputTokens, uint outputTokens, UInt128 maxFee, UInt128 platformFee)
    {
        var usage = ((BigInteger)inputTokens * model.PriceInPerK + (BigInteger)outputTokens * model.PricePerOutK) / 1000;
        var fee = usage + platformFee;
        return fee >= maxFee ? maxFee : (UInt128)fee;
    }

    public UInt128 SettleInference(ModuleContext c, ulong requestId, uint inputTokens, uint outputTokens, Hash256 outputHash,
        IReadOnlyList<ulong> contributionIds, IReadOnlyList<UInt128> influence)
    {
        var p = c.Params;
        var request = RequireRequest(c.Store, requestId);
        var model = RequireModel(c.Store, request.ModelId);
        if (c.Caller != model.Owner) throw Revert($"only the operator of model {model.Id} ({model.Owner}) can settle its inferences");
        if (request.Status == InferenceStatus.Expired || c.Block.Number > request.Deadline)
            throw Revert($"request {requestId} expired at block {request.Deadline}; its escrow is refunded to the requester");
        if (request.Status != InferenceStatus.Pending)
            throw Revert($"request {requestId} is not pending (it is {request.Status.ToString().ToLowerInvariant()})");
        if (model.Suspended) throw Revert($"model {model.Id} is suspended and cannot settle inferences");
        if (contributionIds.Count != influence.Count)
            throw Revert($"contributionIds has {contributionIds.Count} entries but influence has {influence.Count}");
        if (contributionIds.Count > MaxInfluenceEntries) throw Revert($"at most {MaxInfluenceEntries} influence entries per inference");
        if (contributionIds.Distinct().Count() != contributionIds.Count) throw Revert("contributionIds lists a contribution twice");

        // Who shares the contributors' part, and by what weight.
        var contributors = new List<(Address Account, UInt128 Weight)>();
        if (contributionIds.Count > 0)
        {
            for (var i = 0; i < contributionIds.Count; i++)
            {
                var contribution = RequireEligibleContribution(c.Store, model.DatanetIds, contributionIds[i], model.Id);
                if (influence[i] > 0) contributors.Add((contribution.Contributor, influence[i]));
            }
            if (contributors.Count == 0) throw Revert("every influence value is zero: give at least one contribution positive influence, or send no list to use the training weights");
        }
        else
        {
            for (var i = 0; i < model.TrainingContributionIds.Length; i++)
            {
                var contribution = DatanetsModule.GetContribution(c.Store, model.TrainingContributionIds[i]);
                if (contribution is { Status: ContributionStatus.Approved })
                    contributors.Add((contribution.Contributor, model.TrainingWeightsBps[i]));
            }
        }

        var fee = ComputeFee(model, inputTokens, outputTokens, request.MaxFee, p.PlatformFee);
        if ((BigInteger)model.FeesInFlight + fee > (BigInteger)model.Stake * p.ServiceCapMultiplier)
            throw Revert($"service cap of model {model.Id}: {Money.Open(model.FeesInFlight)} of fees in flight plus this fee of {Money.Open(fee)} would exceed stake {Money.Open(model.Stake)} x {p.ServiceCapMultiplier}; add stake or wait for challenge windows to close");
        var split = FeeSplit.Compute(fee, p, model.IsAdapter ? RequireModel(c.Store, model.BaseModelId) : null, model, contributors);

        var refund = request.MaxFee - fee;
        var unlockAt = c.Block.Number + p.ChallengeWindowBlocks;
        request = request with
        {
            Status = InferenceStatus.Settled, Fee = fee, PlatformFee = split.PlatformFee, SettledAt = c.Block.Number, UnlockAt = unlockAt,
            InputTokens = inputTokens, OutputTokens = outputTokens, OutputHash = outputHash, StakerShare = split.StakerShare,
            Dust = split.Dust, Recipients = split.Payouts.Select(x => x.Account).ToArray(),
            Amounts = split.Payouts.Select(x => x.Amount).ToArray(), Roles = split.Payouts.Select(x => (ulong)x.Role).ToArray(),
        };
        Save(c.Store, request);
        Save(c.Store, model with { FeesInFlight = model.FeesInFlight + fee });
        c.Store.SubU128(StorageKey.Of(TotalEscrowKey), request.MaxFee, "escrow");
        c.Store.AddU128(StorageKey.Of(TotalLockedKey), fee);
        foreach (var payout in split.Payouts)
            UpdateEarnings(c.Store, payout.Account, e => e with { Locked = e.Locked + payout.Amount });
        c.Pay(request.Requester, refund);
        Due(c.Store, "unlock", unlockAt).AddU64(requestId);
        c.Emit(InferenceSettled, new BigInteger(requestId), new BigInteger(model.Id), fee, refund, split.PlatformFee, split.ModelShare,
            split.StakerShare, split.ContributorShare, split.Dust, unlockAt);
        foreach (var payout in split.Payouts)
            c.Emit(FeeAttributed, new BigInteger(requestId), payout.Account, (byte)payout.Role, payout.Amount);
        return fee;
    }

    // ================= challenges =================

    public ulong OpenChallenge(ModuleContext c, ulong requestId, Hash256 evidenceHash, byte reason)
    {
        var p = c.Params;
        var request = RequireRequest(c.Store, requestId);
        if (request.Status is InferenceStatus.Settled or InferenceStatus.Final && c.Block.Number > request.UnlockAt)
            throw Revert($"the challenge window of request {requestId} closed at block {request.UnlockAt}");
        if (request.Status != InferenceStatus.Settled)
            throw Revert($"request {requestId} cannot be challenged: it is {request.Status.ToString().ToLowerInvariant()}, only settled requests inside their challenge window can");
        if (request.ChallengeId != 0) throw Revert($"request {requestId} is already challenged (challenge {request.ChallengeId})");
        if (reason > (byte)ChallengeReason.HarmfulOutput)
            throw Revert($"challenge reason {reason} is unknown (0 = incorrect output, 1 = false attribution, 2 = harmful output)");
        if (c.Value != p.ChallengeBond)
            throw Revert($"a challenge needs a bond of exactly {Money.Open(p.ChallengeBond)} (sent {Money.Open(c.Value)})");
        var activeSet = StakingModule.ReadActiveSet(c.Store);
        if (activeSet.TotalPower == 0) throw Revert("there are no active validators to vote on a challenge");
        var id = c.Store.NextId("challenge");
        var voteEnd = c.Block.Number + p.ChallengeVotePeriodBlocks;
        var challenge = new Challenge
        {
            Id = id, RequestId = requestId, ModelId = request.ModelId, Challenger = c.Caller, EvidenceHash = evidenceHash,
            Reason = (ChallengeReason)reason, Bond = c.Value, CreatedAt = c.Block.Number, VoteEnd = voteEnd, TotalPower = activeSet.TotalPower,
        };
        Save(c.Store, challenge);
        Save(c.Store, request with { ChallengeId = id });
        c.Store.AddU128(StorageKey.Of(TotalChallengeBondsKey), c.Value);
        Due(c.Store, "resolve", voteEnd).AddU64(id);
        c.Emit(ChallengeOpened, new BigInteger(id), new BigInteger(requestId), c.Caller, evidenceHash.ToArray(), reason, voteEnd);
        return id;
    }

    public void VoteChallenge(ModuleContext c, ulong challengeId, bool uphold)
    {
        var challenge = RequireChallenge(c.Store, challengeId);
        if (challenge.Status != ChallengeStatus.Open) throw Revert($"challenge {challengeId} is already resolved");
        if (c.Block.Number > challenge.VoteEnd) throw Revert($"voting on challenge {challengeId} ended at block {challenge.VoteEnd}");
        var validator = StakingModule.ReadActiveSet(c.Store).Validators.FirstOrDefault(v => v.Operator == c.Caller)
            ?? throw Revert($"{c.Caller} is not the operator of an active validator; only active validators vote on challenges");
        var voteKey = StorageKey.Of("challenge-vote", challengeId, c.Caller);
        if (c.Store.GetU64(voteKey) != 0) throw Revert($"{c.Caller} already voted on challenge {challengeId}");
        c.Store.SetU64(voteKey, uphold ? 1UL : 2UL);
        challenge = uphold
            ? challenge with { UpholdPower = challenge.UpholdPower + validator.Power }
            : challenge with { RejectPower = challenge.RejectPower + validator.Power };
        Save(c.Store, challenge);
        c.Emit(ChallengeVoted, new BigInteger(challengeId), c.Caller, uphold, validator.Power);
    }

    private void ResolveChallenge(ModuleContext c, ulong challengeId)
    {
        var p = c.Params;
        var challenge = RequireChallenge(c.Store, challengeId);
        if (challenge.Status != ChallengeStatus.Open) return;
        var request = RequireRequest(c.Store, challenge.RequestId);
        var model = RequireModel(c.Store, challenge.ModelId);
        var voted = challenge.UpholdPower + challenge.RejectPower;
        var quorum = (BigInteger)voted * 3 > (BigInteger)challenge.TotalPower * 2;
        c.Store.SubU128(StorageKey.Of(TotalChallengeBondsKey), challenge.Bond, "challenge bonds");
        if (quorum && challenge.UpholdPower > challenge.RejectPower)
        {
            // Slash active and withdrawing stake alike (a withdrawal in progress stays slashable).
            var bps = challenge.Reason == ChallengeReason.HarmfulOutput ? p.HarmfulOutputSlashBps : p.ChallengeSlashBps;
            var fromStake = Money.Bps(model.Stake, bps);
            var fromWithdrawing = Money.Bps(model.Withdrawing, bps);
            var slashed = fromStake + fromWithdrawing;
            var toChallenger = Money.Bps(slashed, p.ChallengerSlashShareBps);
            var burned = slashed - toChallenger;
            c.Store.SubU128(StorageKey.Of(TotalStakeKey), slashed, "total stake");
            c.Burn(burned);
            Credit(c.Store, challenge.Challenger, challenge.Bond + toChallenger, e => e with { ChallengeEarned = e.ChallengeEarned + challenge.Bond + toChallenger });

            // Refund the whole fee: undo the locked shares.
            RemoveLocked(c.Store, request);
            c.Store.SubU128(StorageKey.Of(TotalLockedKey), request.Fee, "locked fees");
            c.Pay(request.Requester, request.Fee);
            Save(c.Store, request with { Status = InferenceStatus.Refunded });

            var upheld = model.UpheldChallenges + 1;
            var suspended = model.Suspended || upheld >= (ulong)p.SuspendAfterUpheldChallenges;
            Save(c.Store, model with
            {
                Stake = model.Stake - fromStake, Withdrawing = model.Withdrawing - fromWithdrawing,
                FeesInFlight = model.FeesInFlight - request.Fee, UpheldChallenges = upheld, Suspended = suspended,
            });
            Save(c.Store, challenge with { Status = ChallengeStatus.Upheld, Slashed = slashed });
            c.Emit(ModelSlashed, new BigInteger(model.Id), new BigInteger(challengeId), slashed, toChallenger, burned);
            if (suspended && !model.Suspended) c.Emit(ModelSuspended, new BigInteger(model.Id), upheld);
            c.Emit(ChallengeResolved, new BigInteger(challengeId), new BigInteger(request.Id), (byte)ChallengeStatus.Upheld, challenge.UpholdPower, challenge.RejectPower, challenge.TotalPower);
            return;
        }
        var status = quorum ? ChallengeStatus.Rejected : ChallengeStatus.NoQuorum;
        Credit(c.Store, model.Owner, challenge.Bond, e => e with { ChallengeEarned = e.ChallengeEarned + challenge.Bond });
        Save(c.Store, challenge with { Status = status });
        c.Emit(ChallengeResolved, new BigInteger(challengeId), new BigInteger(request.Id), (byte)status, challenge.UpholdPower, challenge.RejectPower, challenge.TotalPower);
        // The request's own unlock may already have come and gone while the challenge held it.
        if (c.Block.Number >= request.UnlockAt) Finalize(c, request.Id);
    }

    // ================= claims and attribution =================

    public UInt128 Claim(ModuleContext c)
    {
        var earnings = GetEarnings(c.Store, c.Caller);
        if (earnings.Claimable == 0)
            throw Revert(earnings.Locked > 0
                ? $"nothing to claim yet for {c.Caller}: {Money.Open(earnings.Locked)} is still locked in challenge windows"
                : $"nothing to claim for {c.Caller}");
        var amount = earnings.Claimable;
        SaveEarnings(c.Store, c.Caller, earnings with { Claimable = 0, Claimed = earnings.Claimed + amount });
        c.Store.SubU128(StorageKey.Of(TotalClaimableKey), amount, "claimable");
        c.Pay(c.Caller, amount);
        c.Emit(Claimed, c.Caller, amount);
        return amount;
    }

    /// <summary>
    /// Called by the emission (staking BeginBlock) after it moved <paramref name="amount"/> from the reserve to
    /// this module's account: adds it to the current epoch's attribution pot.
    /// </summary>
    public static void AddAttributionEmission(ModuleStore anyStore, UInt128 amount)
    {
        var store = anyStore.For(SystemAddresses.Models);
        store.AddU128(StorageKey.Of(AttributionPotKey), amount);
    }

    public override void BeginBlock(BlockHookContext context) { }

    public override void EndBlock(BlockHookContext context)
    {
        var c = ModuleContext.ForHook(context, Address);
        var height = c.Block.Number;
        ProcessDue(c, "expire", height, id => Expire(c, id));
        ProcessDue(c, "unlock", height, id => Finalize(c, id));
        ProcessDue(c, "resolve", height, id => ResolveChallenge(c, id));
        ProcessDue(c, "withdraw", height, id => CompleteWithdrawal(c, id, height));
        if (c.Params.EpochLength > 0 && height % c.Params.EpochLength == 0) PayAttributionEpoch(c);
    }

    private static void ProcessDue(ModuleContext c, string kind, ulong height, Action<ulong> action)
    {
        var list = Due(c.Store, kind, height);
        var count = list.Count;
        if (count == 0) return;
        for (ulong i = 0; i < count; i++) action(list.GetU64(i));
        list.Clear();
    }

    private void Expire(ModuleContext c, ulong requestId)
    {
        var request = RequireRequest(c.Store, requestId);
        if (request.Status != InferenceStatus.Pending) return;
        c.Store.SubU128(StorageKey.Of(TotalEscrowKey), request.MaxFee, "escrow");
        c.Pay(request.Requester, request.MaxFee);
        Save(c.Store, request with { Status = InferenceStatus.Expired });
        c.Emit(InferenceExpired, new BigInteger(requestId), request.Requester, request.MaxFee);
    }

    /// <summary>The challenge window passed unchallenged (or the challenge failed): distribute the fee.</summary>
    private void Finalize(ModuleContext c, ulong requestId)
    {
        var request = RequireRequest(c.Store, requestId);
        if (request.Status != InferenceStatus.Settled) return;
        if (request.ChallengeId != 0 && RequireChallenge(c.Store, request.ChallengeId).Status == ChallengeStatus.Open) return;
        var model = RequireModel(c.Store, request.ModelId);
        Save(c.Store, model with { FeesInFlight = model.FeesInFlight - request.Fee });
        c.Store.SubU128(StorageKey.Of(TotalLockedKey), request.Fee, "locked fees");
        c.ToTreasury(request.PlatformFee + request.Dust);
        if (request.StakerShare > 0)
        {
            c.Pay(SystemAddresses.Staking, request.StakerShare);
            StakingModule.AddToRewardPool(c.Store, request.StakerShare);
        }
        for (var i = 0; i < request.Recipients.Length; i++)
        {
            var account = request.Recipients[i];
            var amount = request.Amounts[i];
            var role = (PayoutRole)request.Roles[i];
            UpdateEarnings(c.Store, account, e => e with
            {
                Locked = e.Locked - amount,
                Claimable = e.Claimable + amount,
                ContributorEarned = role == PayoutRole.Contributor ? e.ContributorEarned + amount : e.ContributorEarned,
                ModelEarned = role == PayoutRole.Contributor ? e.ModelEarned : e.ModelEarned + amount,
            });
            c.Store.AddU128(StorageKey.Of(TotalClaimableKey), amount);
            RecordAttribution(c.Store, account, role == PayoutRole.Contributor ? PayoutRole.Contributor : PayoutRole.ModelOwner, amount);
        }
        Save(c.Store, request with { Status = InferenceStatus.Final });
        c.Emit(InferenceFinalized, new BigInteger(requestId), request.Fee);
    }

    private static void RecordAttribution(ModuleStore store, Address account, PayoutRole category, UInt128 amount)
    {
        if (amount == 0) return;
        var key = StorageKey.Of("attr-fees", (ulong)category, account);
        var before = store.GetU128(key);
        if (before == 0) new StoredList(store, "attr-accounts", (ulong)category).AddAddress(account);
        store.SetU128(key, before + amount);
        store.AddU128(StorageKey.Of("attr-total", (ulong)category), amount);
    }

    /// <summary>
    /// SPEC §4.4: the epoch's attribution pot is split contributors 70% / models 30%, each part pro rata to the
    /// fees finalized for them during the epoch. A part nobody earned goes back to the reserve; rounding
    /// remainders go to the treasury.
    /// </summary>
    private void PayAttributionEpoch(ModuleContext c)
    {
        var p = c.Params;
        var epochKey = StorageKey.Of("attribution-epoch");
        var epoch = c.Store.GetU64(epochKey);
        var pot = c.Store.GetU128(StorageKey.Of(AttributionPotKey));
        var contributorsPot = Money.Bps(pot, p.AttributionContributorsBps);
        var modelsPot = Money.Bps(pot, p.AttributionModelsBps);
        UInt128 toTreasury = pot - contributorsPot - modelsPot, toReserve = 0, contributorsPaid = 0, modelsPaid = 0;
        foreach (var (category, part) in new[] { (PayoutRole.Contributor, contributorsPot), (PayoutRole.ModelOwner, modelsPot) })
        {
            var accounts = new StoredList(c.Store, "attr-accounts", (ulong)category);
            var totalKey = StorageKey.Of("attr-total", (ulong)category);
            var total = c.Store.GetU128(totalKey);
            if (total == 0)
            {
                toReserve += part;
                continue;
            }
            UInt128 paid = 0;
            for (ulong i = 0; i < accounts.Count; i++)
            {
                var account = accounts.GetAddress(i);
                var feeKey = StorageKey.Of("attr-fees", (ulong)category, account);
                var share = Money.MulDiv(part, c.Store.GetU128(feeKey), total);
                c.Store.Delete(feeKey);
                if (share == 0) continue;
                paid += share;
                Credit(c.Store, account, share, e => e with { AttributionEarned = e.AttributionEarned + share });
                c.Emit(AttributionRewarded, epoch, account, (byte)category, share);
            }
            accounts.Clear();
            c.Store.Delete(totalKey);
            toTreasury += part - paid;
            if (category == PayoutRole.Contributor) contributorsPaid = paid;
            else modelsPaid = paid;
        }
        c.Store.Delete(StorageKey.Of(AttributionPotKey));
        c.ToTreasury(toTreasury);
        c.Pay(SystemAddresses.RewardReserve, toReserve);
        c.Store.SetU64(epochKey, epoch + 1);
        c.Emit(AttributionEpochPaid, epoch, pot, contributorsPaid, modelsPaid, toTreasury, toReserve);
    }

    private void CompleteWithdrawal(ModuleContext c, ulong modelId, ulong height)
    {
        var model = RequireModel(c.Store, modelId);
        if (model.WithdrawAt != height || model.Withdrawing == 0) return;
        var amount = model.Withdrawing;
        Save(c.Store, model with { Withdrawing = 0, WithdrawAt = 0 });
        c.Store.SubU128(StorageKey.Of(TotalStakeKey), amount, "total stake");
        c.Pay(model.Owner, amount);
        c.Emit(StakeWithdrawn, new BigInteger(modelId), model.Owner, amount);
    }

    // ================= typed reads =================

    public static ModelInfo? GetModel(ModuleStore anyStore, ulong id)
    {
        var raw = anyStore.For(SystemAddresses.Models).Get(StorageKey.Of("model", id));
        return raw.Length == 0 ? null : ModelInfo.Decode(raw);
    }

    public static InferenceRequest? GetRequest(ModuleStore anyStore, ulong id)
    {
        var raw = anyStore.For(SystemAddresses.Models).Get(StorageKey.Of("request", id));
        return raw.Length == 0 ? null : InferenceRequest.Decode(raw);
    }

    public static Challenge? GetChallenge(ModuleStore anyStore, ulong id)
    {
        var raw = anyStore.For(SystemAddresses.Models).Get(StorageKey.Of("challenge", id));
        return raw.Length == 0 ? null : Challenge.Decode(raw);
    }

    public static Earnings GetEarnings(ModuleStore anyStore, Address account) =>
        Earnings.Decode(anyStore.For(SystemAddresses.Models).Get(StorageKey.Of("earnings", account)));

    public static ModelInfo? GetModel(IWorldState state, ulong id) => GetModel(ReadStore(state), id);

    public static InferenceRequest? GetRequest(IWorldState state, ulong id) => GetRequest(ReadStore(state), id);

    public static Challenge? GetChallenge(IWorldState state, ulong id) => GetChallenge(ReadStore(state), id);

    public static Earnings GetEarnings(IWorldState state, Address account) => GetEarnings(ReadStore(state), account);

    /// <summary>The storage slot of an address's earnings record, for eth_getProof-style proofs of what it earned.</summary>
    public static Hash256 EarningsSlot(Address account) => StorageKey.Of("earnings", account);

    public IReadOnlyDictionary<string, UInt128> GetLiabilities(IWorldState state)
    {
        var store = ReadStore(state);
        return new Dictionary<string, UInt128>
        {
            ["model stake"] = store.GetU128(StorageKey.Of(TotalStakeKey)),
            ["inference escrow"] = store.GetU128(StorageKey.Of(TotalEscrowKey)),
            ["locked fees"] = store.GetU128(StorageKey.Of(TotalLockedKey)),
            ["claimable"] = store.GetU128(StorageKey.Of(TotalClaimableKey)),
            ["challenge bonds"] = store.GetU128(StorageKey.Of(TotalChallengeBondsKey)),
            ["attribution pot"] = store.GetU128(StorageKey.Of(AttributionPotKey)),
        };
    }

    // ================= helpers =================

    private static ModuleStore ReadStore(IWorldState state) => new(state, SystemAddresses.Models, null, true);

    private static StoredList Due(ModuleStore store, string kind, ulong height) => new(store.For(SystemAddresses.Models), "due-" + kind, height);

    private static UInt128 Ceil(UInt128 value, uint divisor) => divisor == 0 ? value : (value + divisor - 1) / divisor;

    private static ModelInfo RequireModel(ModuleStore store, ulong id) => GetModel(store, id) ?? throw Revert($"model {id} does not exist");

    private static InferenceRequest RequireRequest(ModuleStore store, ulong id) => GetRequest(store, id) ?? throw Revert($"inference request {id} does not exist");

    private static Challenge RequireChallenge(ModuleStore store, ulong id) => GetChallenge(store, id) ?? throw Revert($"challenge {id} does not exist");

    private static ModelInfo RequireOwnedModel(ModuleContext c, ulong id, string action)
    {
        var model = RequireModel(c.Store, id);
        if (model.Owner != c.Caller) throw Revert($"only the owner of model {id} ({model.Owner}) can {action} it");
        return model;
    }

    private static ContributionInfo RequireEligibleContribution(ModuleStore store, ulong[] declaredDatanets, ulong contributionId, ulong modelId = 0)
    {
        var contribution = DatanetsModule.GetContribution(store, contributionId) ?? throw Revert($"contribution {contributionId} does not exist");
        if (contribution.Status != ContributionStatus.Approved)
            throw Revert($"contribution {contributionId} is not approved (it is {contribution.Status.ToString().ToLowerInvariant()}); only approved contributions earn");
        if (!declaredDatanets.Contains(contribution.DatanetId))
            throw Revert($"contribution {contributionId} belongs to datanet {contribution.DatanetId}, which {(modelId == 0 ? "the model" : $"model {modelId}")} did not declare (declared: {(declaredDatanets.Length == 0 ? "none" : string.Join(", ", declaredDatanets))})");
        return contribution;
    }

    private static void Save(ModuleStore store, ModelInfo model) => store.Set(StorageKey.Of("model", model.Id), model.Encode());

    private static void Save(ModuleStore store, InferenceRequest request) => store.Set(StorageKey.Of("request", request.Id), request.Encode());

    private static void Save(ModuleStore store, Challenge challenge) => store.Set(StorageKey.Of("challenge", challenge.Id), challenge.Encode());

    private static void SaveEarnings(ModuleStore store, Address account, Earnings earnings) =>
        store.Set(StorageKey.Of("earnings", account), earnings.Encode());

    private static void UpdateEarnings(ModuleStore store, Address account, Func<Earnings, Earnings> update) =>
        SaveEarnings(store, account, update(GetEarnings(store, account)));

    private static void Credit(ModuleStore store, Address account, UInt128 amount, Func<Earnings, Earnings> record)
    {
        if (amount == 0) return;
        UpdateEarnings(store, account, e => record(e) with { Claimable = e.Claimable + amount });
        store.AddU128(StorageKey.Of(TotalClaimableKey), amount);
    }

    private static void RemoveLocked(ModuleStore store, InferenceRequest request)
    {
        for (var i = 0; i < request.Recipients.Length; i++)
        {
            var amount = request.Amounts[i];
            UpdateEarnings(store, request.Recipients[i], e => e with { Locked = e.Locked - amount });
        }
    }
}
