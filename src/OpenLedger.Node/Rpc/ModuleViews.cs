using System.Globalization;
using Google.Protobuf;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.Modules.Datanets;
using OpenLedger.Execution.Modules.Models;
using OpenLedger.Execution.Modules.Staking;
using OpenLedger.Execution.State;
using OpenLedger.Execution.StateTrie;
using OpenLedger.Rpc.Backend;
using V1 = OpenLedger.Rpc.V1;

namespace OpenLedger.Node.Rpc;

/// <summary>
/// Answers the gRPC QueryService's module queries from the modules' typed read APIs, as the proto3 JSON of the
/// response message. A query for a module this chain does not run is an error the caller can act on.
/// </summary>
public sealed class ModuleViews(ModuleRegistry modules)
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
    private readonly Dictionary<(string Module, string Query), Func<IReadOnlyDictionary<string, string>, IWorldState, IMessage?>> _queries = new();

    public void Register(string module, string query, Func<IReadOnlyDictionary<string, string>, IWorldState, IMessage?> handler) =>
        _queries[(module, query)] = handler;

    public string? Get(string module, string query, IReadOnlyDictionary<string, string> arguments, TrieStateBackend state)
    {
        if (!_queries.TryGetValue((module, query), out var handler))
        {
            var enabled = string.Join(", ", modules.All.Select(m => m.Name));
            throw new NodeBackendException(BackendErrorKind.InvalidArgument,
                $"the {module} query '{query}' is not available on this node (modules enabled: {(enabled.Length == 0 ? "none" : enabled)})");
        }
        var message = handler(arguments, new WorldState(state));
        return message is null ? null : Formatter.Format(message);
    }

    /// <summary>The views of SPEC §4's modules, registered for the modules present in <paramref name="registry"/>.</summary>
    public static ModuleViews CreateDefault(ModuleRegistry registry)
    {
        var views = new ModuleViews(registry);
        if (registry.TryGet(SystemAddresses.Staking, out var stakingModule) && stakingModule is StakingModule staking)
        {
            views.Register("staking", "validators", (args, state) => Validators(staking, state, args.GetValueOrDefault("includeInactive") == "true"));
            views.Register("staking", "delegator", (args, state) => Delegator(state, AddressArg(args)));
        }
        if (registry.TryGet(SystemAddresses.Datanets, out _))
        {
            views.Register("datanets", "datanet", (args, state) => DatanetsModule.GetDatanet(state, IdArg(args)) is { } d ? Datanet(d) : null);
            views.Register("datanets", "contribution", (args, state) => DatanetsModule.GetContribution(state, IdArg(args)) is { } c ? Contribution(c) : null);
        }
        if (registry.TryGet(SystemAddresses.Models, out _))
        {
            views.Register("models", "model", (args, state) => ModelsModule.GetModel(state, IdArg(args)) is { } m ? Model(m) : null);
            views.Register("models", "inference", (args, state) => ModelsModule.GetRequest(state, IdArg(args)) is { } r ? Inference(r) : null);
            views.Register("rewards", "rewards", (args, state) => Rewards(state, AddressArg(args)));
        }
        return views;
    }

    private static V1.GetValidatorsResponse Validators(StakingModule staking, IWorldState state, bool includeInactive)
    {
        var active = staking.GetActiveValidatorSet(state);
        var response = new V1.GetValidatorsResponse();
        UInt128 total = 0;
        foreach (var v in StakingModule.GetValidators(state))
        {
            var isActive = active.Find(v.ConsensusAddress) is not null;
            total += v.Tokens;
            if (!includeInactive && !isActive) continue;
            response.Validators.Add(new V1.Validator
            {
                OperatorAddress = v.Operator.ToChecksumString(),
                ConsensusAddress = v.ConsensusAddress.ToChecksumString(),
                ConsensusPublicKey = ByteString.CopyFrom(v.ConsensusPublicKey),
                Moniker = v.Moniker,
                CommissionBps = v.CommissionBps,
                SelfBond = (StakingModule.GetDelegation(state, v.Operator, v.Operator)?.Tokens ?? 0).ToString(CultureInfo.InvariantCulture),
                BondedStake = v.Tokens.ToString(CultureInfo.InvariantCulture),
                Active = isActive,
                Jailed = v.Jailed,
                JailedUntilMs = v.JailedUntilMs,
                Tombstoned = v.Tombstoned,
                MissedBlocks = v.WindowMissed,
            });
        }
        response.TotalBonded = total.ToString(CultureInfo.InvariantCulture);
        return response;
    }

    private static V1.StakingPosition Delegator(IWorldState state, Address delegator)
    {
        var position = new V1.StakingPosition { Address = delegator.ToChecksumString() };
        UInt128 delegated = 0, pending = 0;
        foreach (var d in StakingModule.GetDelegations(state, delegator))
        {
            delegated += d.Tokens;
            pending += d.PendingRewards;
            position.Delegations.Add(new V1.Delegation
            {
                Validator = d.Validator.ToChecksumString(),
                Amount = d.Tokens.ToString(CultureInfo.InvariantCulture),
                PendingRewards = d.PendingRewards.ToString(CultureInfo.InvariantCulture),
            });
        }
        foreach (var u in StakingModule.GetUnbondings(state, delegator))
        {
            position.Unbonding.Add(new V1.UnbondingEntry
            {
                Validator = u.Validator.ToChecksumString(),
                Amount = u.Balance.ToString(CultureInfo.InvariantCulture),
                CreationHeight = u.CreationHeight,
                CompletionHeight = u.CompletionHeight,
            });
        }
        foreach (var r in StakingModule.GetRedelegations(state, delegator))
        {
            position.Redelegations.Add(new V1.RedelegationEntry
            {
                Id = r.Id,
                SourceValidator = r.Source.ToChecksumString(),
                DestinationValidator = r.Destination.ToChecksumString(),
                InitialBalance = r.InitialBalance.ToString(CultureInfo.InvariantCulture),
                CreationHeight = r.CreationHeight,
                CompletionHeight = r.CompletionHeight,
            });
        }
        position.TotalDelegated = delegated.ToString(CultureInfo.InvariantCulture);
        position.TotalPendingRewards = pending.ToString(CultureInfo.InvariantCulture);
        return position;
    }

    private static V1.Datanet Datanet(DatanetInfo d) => new()
    {
        Id = d.Id,
        Owner = d.Owner.ToChecksumString(),
        Name = d.Name,
        MetadataUri = d.MetadataUri,
        Kind = (V1.DatanetKind)(int)d.Kind,
        Open = d.Open,
        ContributionCount = d.ContributionCount,
        ApprovedCount = d.ApprovedCount,
        CurrentVersion = d.Version,
        Versions = { new V1.DatanetVersion { Version = d.Version, Root = d.Root.ToString() } },
        CreatedHeight = d.CreatedAt,
    };

    private static V1.Contribution Contribution(ContributionInfo c) => new()
    {
        Id = c.Id,
        DatanetId = c.DatanetId,
        Contributor = c.Contributor.ToChecksumString(),
        ContentHash = c.ContentHash.ToString(),
        SizeBytes = c.SizeBytes,
        Uri = c.Uri,
        Status = (V1.ContributionStatus)(int)c.Status,
        QualityScore = c.QualityScore,
        Bond = c.Bond.ToString(CultureInfo.InvariantCulture),
        SubmittedHeight = c.SubmittedAt,
        ReviewedHeight = c.ReviewedAt,
    };

    private static V1.Model Model(ModelInfo m) => new()
    {
        Id = m.Id,
        Owner = m.Owner.ToChecksumString(),
        Name = m.Name,
        ArtifactHash = m.ArtifactHash.ToString(),
        BaseModelId = m.BaseModelId,
        Tier = m.Tier,
        DatanetIds = { m.DatanetIds },
        TrainingContributionIds = { m.TrainingContributionIds },
        TrainingWeightsBps = { m.TrainingWeightsBps.Select(w => (uint)w) },
        PriceInPerK = m.PriceInPerK.ToString(CultureInfo.InvariantCulture),
        PriceOutPerK = m.PricePerOutK.ToString(CultureInfo.InvariantCulture),
        Stake = m.Stake.ToString(CultureInfo.InvariantCulture),
        FeesInFlight = m.FeesInFlight.ToString(CultureInfo.InvariantCulture),
        AdapterRoyaltyBps = m.AdapterRoyaltyBps,
        UpheldChallenges = (uint)m.UpheldChallenges,
        Suspended = m.Suspended,
        WithdrawingStake = m.Withdrawing.ToString(CultureInfo.InvariantCulture),
        RegisteredHeight = m.RegisteredAt,
    };

    private static V1.Inference Inference(InferenceRequest r) => new()
    {
        Id = r.Id,
        ModelId = r.ModelId,
        Requester = r.Requester.ToChecksumString(),
        RequestHash = r.RequestHash.ToString(),
        MaxFee = r.MaxFee.ToString(CultureInfo.InvariantCulture),
        Status = r.Status switch
        {
            InferenceStatus.Pending => V1.InferenceStatus.Requested,
            InferenceStatus.Settled => r.ChallengeId != 0 ? V1.InferenceStatus.Challenged : V1.InferenceStatus.Settled,
            InferenceStatus.Final => V1.InferenceStatus.Final,
            _ => V1.InferenceStatus.Refunded,
        },
        Fee = r.Fee.ToString(CultureInfo.InvariantCulture),
        InputTokens = (uint)r.InputTokens,
        OutputTokens = (uint)r.OutputTokens,
        OutputHash = r.OutputHash.ToString(),
        RequestedHeight = r.CreatedAt,
        SettledHeight = r.SettledAt,
        ChallengeDeadlineHeight = r.UnlockAt,
        ChallengeId = r.ChallengeId,
        PlatformFee = r.PlatformFee.ToString(CultureInfo.InvariantCulture),
        StakerShare = r.StakerShare.ToString(CultureInfo.InvariantCulture),
        Dust = r.Dust.ToString(CultureInfo.InvariantCulture),
        Payouts =
        {
            r.Recipients.Select((recipient, i) => new V1.InferencePayout
            {
                Recipient = recipient.ToChecksumString(),
                Amount = r.Amounts[i].ToString(CultureInfo.InvariantCulture),
                Role = (V1.PayoutRole)(int)r.Roles[i],
            }),
        },
    };

    private static V1.Rewards Rewards(IWorldState state, Address account)
    {
        var e = ModelsModule.GetEarnings(state, account);
        UInt128 staking = 0;
        foreach (var d in StakingModule.GetDelegations(state, account)) staking += d.PendingRewards;
        return new V1.Rewards
        {
            Address = account.ToChecksumString(),
            Claimable = e.Claimable.ToString(CultureInfo.InvariantCulture),
            Locked = e.Locked.ToString(CultureInfo.InvariantCulture),
            EarnedAsContributor = e.ContributorEarned.ToString(CultureInfo.InvariantCulture),
            EarnedAsModelOwner = e.ModelEarned.ToString(CultureInfo.InvariantCulture),
            EarnedFromAttribution = e.AttributionEarned.ToString(CultureInfo.InvariantCulture),
            StakingRewards = staking.ToString(CultureInfo.InvariantCulture),
            TotalClaimed = e.Claimed.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static ulong IdArg(IReadOnlyDictionary<string, string> args) =>
        args.TryGetValue("id", out var text) && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new NodeBackendException(BackendErrorKind.InvalidArgument, "an id (a whole number) is required");

    private static Address AddressArg(IReadOnlyDictionary<string, string> args) =>
        args.TryGetValue("address", out var text) && Address.TryParse(text, out var address, out _)
            ? address
            : throw new NodeBackendException(BackendErrorKind.InvalidArgument, "an address is required");
}
