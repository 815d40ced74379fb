using System.Numerics;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules.Common;
using OpenLedger.Execution.Modules.Models;
using OpenLedger.Execution.State;

namespace OpenLedger.Execution.Modules.Staking;

/// <summary>
/// Staking (SPEC §4.1): validators and delegations (as shares of a validator's tokens), unbonding with automatic
/// payout, per-block rewards from the emission schedule and the models' staker share, paid pro rata to the
/// power of the parent block's signers, commission, and an F1-style reward-per-share index; double-sign and
/// downtime slashing (burned) with jailing; the active set recomputed at epoch boundaries.
/// </summary>
public sealed class StakingModule : SystemModuleBase, IAccountedModule, IStakingGenesis
{
    /// <summary>Scale of the reward-per-share index (10^30): rounding stays far below a wei per share-holder.</summary>
    public static readonly BigInteger IndexScale = BigInteger.Pow(10, 30);

    public const int MaxMonikerBytes = 70;

    /// <summary>
    /// Unbonding entries per (delegator, validator) and redelegations per (delegator, source, destination) that may
    /// be pending at once (Cosmos SDK's MaxEntries default). Bounds what one account can make a slash or its own
    /// fixed-gas calls walk.
    /// </summary>
    public const int MaxEntries = 7;

    private const string TotalBondedKey = "total-bonded";
    private const string TotalUnbondingKey = "total-unbonding";
    private const string TotalRewardsKey = "total-rewards";
    private const string PendingPoolKey = "pending-reward-pool";
    private const string ActiveSetKey = "active-set";

    public readonly AbiEvent ValidatorCreated;
    public readonly AbiEvent Delegated;
    public readonly AbiEvent Undelegated;
    public readonly AbiEvent UnbondingCompleted;
    public readonly AbiEvent RewardsWithdrawn;
    public readonly AbiEvent BlockRewarded;
    public readonly AbiEvent ValidatorRewarded;
    public readonly AbiEvent Slashed;
    public readonly AbiEvent Jailed;
    public readonly AbiEvent Unjailed;
    public readonly AbiEvent ActiveSetUpdated;
    public readonly AbiEvent Redelegated;
    public readonly AbiEvent RedelegationSlashed;

    public StakingModule() : base(SystemAddresses.Staking, "Staking")
    {
        ValidatorCreated = Event("ValidatorCreated(address indexed operator, address indexed consensusAddress, uint16 commissionBps, string moniker, uint256 selfBond)");
        Delegated = Event("Delegated(address indexed validator, address indexed delegator, uint256 amount, uint256 shares)");
        Undelegated = Event("Undelegated(address indexed validator, address indexed delegator, uint256 amount, uint256 unbondingId, uint64 completionHeight)");
        UnbondingCompleted = Event("UnbondingCompleted(uint256 indexed unbondingId, address indexed delegator, address indexed validator, uint256 amount)");
        RewardsWithdrawn = Event("RewardsWithdrawn(address indexed validator, address indexed delegator, uint256 rewards, uint256 commission)");
        BlockRewarded = Event("BlockRewarded(uint64 indexed height, uint256 emission, uint256 fromModels, uint256 toTreasury, uint256 signedPower)");
        ValidatorRewarded = Event("ValidatorRewarded(address indexed validator, uint256 reward, uint256 commission)");
        Slashed = Event("Slashed(address indexed validator, uint8 reason, uint256 fromBonded, uint256 fromUnbonding, uint64 infractionHeight)");
        Jailed = Event("Jailed(address indexed validator, uint64 untilMs, bool tombstoned)");
        Unjailed = Event("Unjailed(address indexed validator)");
        ActiveSetUpdated = Event("ActiveSetUpdated(uint64 indexed height, uint256 validators, uint256 totalPower, bytes32 setHash)");
        Redelegated = Event("Redelegated(address indexed source, address indexed destination, address indexed delegator, uint256 amount, uint256 redelegationId, uint64 completionHeight)");
        RedelegationSlashed = Event("RedelegationSlashed(uint256 indexed redelegationId, address indexed delegator, address indexed destination, uint256 amount)");

        Function("createValidator(bytes consensusPubKey, uint16 commissionBps, string moniker) payable",
            (c, a) => { CreateValidator(c, c.Caller, (byte[])a[0], (ushort)(BigInteger)a[1], (string)a[2], c.Value); return []; });
        Function("delegate(address validator) payable", (c, a) => { Delegate(c, (Address)a[0], c.Caller, c.Value); return []; });
        Function("undelegate(address validator, uint256 amount) returns (uint256 unbondingId)",
            (c, a) => [Undelegate(c, (Address)a[0], Money.ToWei(a[1], "amount"))]);
        Function("redelegate(address source, address destination, uint256 amount) returns (uint256 redelegationId)",
            (c, a) => [Redelegate(c, (Address)a[0], (Address)a[1], Money.ToWei(a[2], "amount"))]);
        Function("withdrawRewards(address validator) returns (uint256 amount)", (c, a) => [WithdrawRewards(c, (Address)a[0], c.Caller)]);
        Function("unjail()", (c, _) => { Unjail(c); return []; });

        Function("getValidator(address operator) view returns (address consensusAddress, bytes consensusPubKey, uint16 commissionBps, string moniker, uint256 tokens, uint256 shares, bool jailed, uint64 jailedUntilMs, bool tombstoned, uint256 commission, bool active)",
            (c, a) =>
            {
                var v = RequireValidator(c.Store, (Address)a[0]);
                var active = ReadActiveSet(c.Store).Find(v.ConsensusAddress) is not null;
                return [v.ConsensusAddress, v.ConsensusPublicKey, v.CommissionBps, v.Moniker, v.Tokens, v.Shares, v.Jailed, v.JailedUntilMs, v.Tombstoned, v.Commission, active];
            });
        Function("getDelegation(address validator, address delegator) view returns (uint256 shares, uint256 tokens, uint256 pendingRewards)",
            (c, a) =>
            {
                var view = GetDelegation(c.Store, (Address)a[0], (Address)a[1]);
                return [view?.Shares ?? 0, view?.Tokens ?? 0, view?.PendingRewards ?? 0];
            });
        Function("getActiveSet() view returns (address[] operators, uint256[] powers)",
            (c, _) =>
            {
                var set = ReadActiveSet(c.Store);
                return [set.Validators.Select(v => (object)v.Operator).ToArray(), set.Validators.Select(v => (object)v.Power).ToArray()];
            });
        Function("getUnbondings(address delegator) view returns (uint256[] ids, address[] validators, uint256[] balances, uint64[] completionHeights)",
            (c, a) =>
            {
                var entries = GetUnbondings(c.Store, (Address)a[0]);
                return [entries.Select(e => (object)new BigInteger(e.Id)).ToArray(), entries.Select(e => (object)e.Validator).ToArray(),
                    entries.Select(e => (object)e.Balance).ToArray(), entries.Select(e => (object)e.CompletionHeight).ToArray()];
            });
        Function("getRedelegations(address delegator) view returns (uint256[] ids, address[] sources, address[] destinations, uint256[] initialBalances, uint64[] completionHeights)",
            (c, a) =>
            {
                var entries = GetRedelegations(c.Store, (Address)a[0]);
                return [entries.Select(e => (object)new BigInteger(e.Id)).ToArray(), entries.Select(e => (object)e.Source).ToArray(),
                    entries.Select(e => (object)e.Destination).ToArray(), entries.Select(e => (object)e.InitialBalance).ToArray(),
                    entries.Select(e => (object)e.CompletionHeight).ToArray()];
            });
        Function("totalBonded() view returns (uint256)", (c, _) => [c.Store.GetU128(StorageKey.Of(TotalBondedKey))]);
    }

    // ================= transactions =================

    public void CreateValidator(ModuleContext c, Address operatorAddress, byte[] consensusPubKey, ushort commissionBps, string moniker, UInt128 selfBond)
    {
        var p = c.Params;
        if (GetValidator(c.Store, operatorAddress) is not null) throw Revert($"{operatorAddress} already operates a validator");
        if (!(consensusPubKey.Length == 65 && consensusPubKey[0] == 4) && consensusPubKey.Length != 64)
            throw Revert($"consensusPubKey must be an uncompressed secp256k1 public key (65 bytes starting 0x04), got {consensusPubKey.Length} bytes");
        var key = consensusPubKey.Length == 64 ? [(byte)4, .. consensusPubKey] : consensusPubKey;
        if (!ConsensusKey.IsValidUncompressed(key)) throw Revert("consensusPubKey is not a point on the secp256k1 curve");
        var consensusAddress = Address.FromPublicKey(key);
        if (!c.Store.GetAddress(StorageKey.Of("by-consensus", consensusAddress)).IsZero)
            throw Revert($"consensus key {consensusAddress} is already used by another validator");
        if (commissionBps > Money.FullBps) throw Revert($"commissionBps {commissionBps} is above 10000 (100%)");
        if (System.Text.Encoding.UTF8.GetByteCount(moniker) > MaxMonikerBytes) throw Revert($"moniker is longer than {MaxMonikerBytes} bytes");
        if (selfBond < p.MinSelfBond) throw Revert($"self-bond {Money.Open(selfBond)} is below the minimum of {Money.Open(p.MinSelfBond)}");
        var validator = new ValidatorInfo
        {
            Operator = operatorAddress, ConsensusPublicKey = key, ConsensusAddress = consensusAddress, CommissionBps = commissionBps,
            Moniker = moniker, CreatedAt = c.Block.Number,
        };
        Save(c.Store, validator);
        c.Store.SetAddress(StorageKey.Of("by-consensus", consensusAddress), operatorAddress);
        new StoredList(c.Store, "validators").AddAddress(operatorAddress);
        c.Emit(ValidatorCreated, operatorAddress, consensusAddress, commissionBps, moniker, selfBond);
        Delegate(c, operatorAddress, operatorAddress, selfBond);
    }

    public void Delegate(ModuleContext c, Address validatorAddress, Address delegator, UInt128 amount)
    {
        var validator = RequireValidator(c.Store, validatorAddress);
        if (amount == 0) throw Revert("send the amount to delegate as the transaction value");
        if (validator.Tombstoned) throw Revert($"validator {validatorAddress} is tombstoned (double sign) and accepts no delegations");
        if (validator.Shares > 0 && validator.Tokens == 0) throw Revert($"validator {validatorAddress} has been slashed to zero tokens");
        PayRewards(c, ref validator, delegator);
        var shares = validator.Shares == 0 ? amount : Money.MulDiv(amount, validator.Shares, validator.Tokens);
        if (shares == 0) throw Revert($"{Money.Open(amount)} is too small to buy a share of validator {validatorAddress}");
        var delegation = GetDelegationRecord(c.Store, validatorAddress, delegator);
        if (delegation is null && c.Store.GetU64(StorageKey.Of("delegation-listed", validatorAddress, delegator)) == 0)
        {
            c.Store.SetU64(StorageKey.Of("delegation-listed", validatorAddress, delegator), 1);
            new StoredList(c.Store, "delegations-of", delegator).AddAddress(validatorAddress);
        }
        validator = validator with { Tokens = validator.Tokens + amount, Shares = validator.Shares + shares };
        Save(c.Store, validator);
        SaveDelegation(c.Store, validatorAddress, delegator, new Delegation((delegation?.Shares ?? 0) + shares, validator.RewardIndex));
        c.Store.AddU128(StorageKey.Of(TotalBondedKey), amount);
        c.Emit(Delegated, validatorAddress, delegator, amount, shares);
    }

    public ulong Undelegate(ModuleContext c, Address validatorAddress, UInt128 amount)
    {
        var p = c.Params;
        var delegator = c.Caller;
        var pending = GetUnbondings(c.Store, delegator).Where(e => e.Validator == validatorAddress).ToList();
        if (pending.Count >= MaxEntries)
            throw Revert($"{delegator} already has {MaxEntries} unbonding entries from validator {validatorAddress} (the most allowed per pair); " +
                $"the next one completes at block {pending.Min(e => e.CompletionHeight)}");
        var tokensOut = RemoveFromDelegation(c, validatorAddress, delegator, amount, "undelegate");
        c.Store.AddU128(StorageKey.Of(TotalUnbondingKey), tokensOut);

        var id = c.Store.NextId("unbonding");
        var completion = c.Block.Number + p.UnbondingPeriodBlocks;
        var entry = new UnbondingEntry
        {
            Id = id, Delegator = delegator, Validator = validatorAddress, CreationHeight = c.Block.Number,
            CompletionHeight = completion, InitialBalance = tokensOut, Balance = tokensOut,
        };
        c.Store.Set(StorageKey.Of("unbonding", id), entry.Encode());
        new StoredIdSet(c.Store, "unbondings-of-validator", validatorAddress).Add(id);
        new StoredIdSet(c.Store, "unbondings-of", delegator).Add(id);
        new StoredList(c.Store, "due-unbonding", completion).AddU64(id);
        c.Emit(Undelegated, validatorAddress, delegator, tokensOut, new BigInteger(id), completion);
        return id;
    }

    /// <summary>
    /// Moves <paramref name="amount"/> of the caller's delegation from <paramref name="sourceAddress"/> to
    /// <paramref name="destinationAddress"/> at once, without unbonding (Cosmos semantics). The move is recorded as a
    /// redelegation entry until <c>height + UnbondingPeriodBlocks</c>: a double-sign slash of the source for an
    /// infraction at or before the move also cuts the shares bought at the destination, and the delegator cannot
    /// move stake away from the destination meanwhile (no transitive redelegation).
    /// </summary>
    public ulong Redelegate(ModuleContext c, Address sourceAddress, Address destinationAddress, UInt128 amount)
    {
        var p = c.Params;
        var delegator = c.Caller;
        if (sourceAddress == destinationAddress) throw Revert($"source and destination are the same validator {sourceAddress}");
        var destination = RequireValidator(c.Store, destinationAddress);
        RequireValidator(c.Store, sourceAddress);
        if (destination.Tombstoned) throw Revert($"validator {destinationAddress} is tombstoned (double sign) and accepts no delegations");
        foreach (var incoming in GetRedelegations(c.Store, delegator))
        {
            if (incoming.Destination == sourceAddress && incoming.CompletionHeight > c.Block.Number)
                throw Revert($"cannot redelegate from {sourceAddress}: {Money.Open(incoming.InitialBalance)} was redelegated to it at block {incoming.CreationHeight} " +
                    $"and stays answerable for {incoming.Source} until block {incoming.CompletionHeight}; transitive redelegation is not allowed");
        }
        var pending = GetRedelegations(c.Store, delegator).Where(e => e.Source == sourceAddress && e.Destination == destinationAddress).ToList();
        if (pending.Count >= MaxEntries)
            throw Revert($"{delegator} already has {MaxEntries} redelegations from {sourceAddress} to {destinationAddress} (the most allowed per pair); " +
                $"the next one matures at block {pending.Min(e => e.CompletionHeight)}");
        var tokens = RemoveFromDelegation(c, sourceAddress, delegator, amount, "redelegate");
        var sharesBefore = GetDelegationRecord(c.Store, destinationAddress, delegator)?.Shares ?? 0;
        Delegate(c, destinationAddress, delegator, tokens);
        var sharesBought = GetDelegationRecord(c.Store, destinationAddress, delegator)!.Shares - sharesBefore;

        var id = c.Store.NextId("redelegation");
        var completion = c.Block.Number + p.UnbondingPeriodBlocks;
        var entry = new RedelegationEntry
        {
            Id = id, Delegator = delegator, Source = sourceAddress, Destination = destinationAddress, CreationHeight = c.Block.Number,
            CompletionHeight = completion, InitialBalance = tokens, SharesDestination = sharesBought,
        };
        c.Store.Set(StorageKey.Of("redelegation", id), entry.Encode());
        new StoredIdSet(c.Store, "redelegations-of-source", sourceAddress).Add(id);
        new StoredIdSet(c.Store, "redelegations-of", delegator).Add(id);
        new StoredList(c.Store, "due-redelegation", completion).AddU64(id);
        c.Emit(Redelegated, sourceAddress, destinationAddress, delegator, tokens, new BigInteger(id), completion);
        return id;
    }

    /// <summary>
    /// Takes <paramref name="amount"/> worth of <paramref name="delegator"/>'s shares out of a validator (paying its
    /// rewards first) and returns the tokens removed from the bonded total; the caller decides where they go.
    /// </summary>
    private UInt128 RemoveFromDelegation(ModuleContext c, Address validatorAddress, Address delegator, UInt128 amount, string action)
    {
        var p = c.Params;
        var validator = RequireValidator(c.Store, validatorAddress);
        var delegation = GetDelegationRecord(c.Store, validatorAddress, delegator)
            ?? throw Revert($"{delegator} has no delegation to validator {validatorAddress}");
        var held = TokensOf(validator, delegation.Shares);
        if (amount == 0) throw Revert("amount must be greater than zero");
        if (amount > held) throw Revert($"{delegator} has {Money.Open(held)} delegated to {validatorAddress}; cannot {action} {Money.Open(amount)}");
        PayRewards(c, ref validator, delegator);
        delegation = GetDelegationRecord(c.Store, validatorAddress, delegator)!;

        UInt128 sharesOut, tokensOut;
        if (amount == held)
        {
            sharesOut = delegation.Shares;
            tokensOut = held;
        }
        else
        {
            // Round the shares up so the leaving delegator never takes more than its shares are worth.
            sharesOut = (UInt128)(((BigInteger)amount * validator.Shares + validator.Tokens - 1) / validator.Tokens);
            if (sharesOut > delegation.Shares) sharesOut = delegation.Shares;
            tokensOut = amount;
        }
        validator = validator with { Tokens = validator.Tokens - tokensOut, Shares = validator.Shares - sharesOut };
        if (validator.Shares == 0 && validator.Tokens > 0)
        {
            // Rounding left tokens without owners: the last one out takes them.
            tokensOut += validator.Tokens;
            validator = validator with { Tokens = 0 };
        }
        var remaining = delegation.Shares - sharesOut;
        SaveDelegation(c.Store, validatorAddress, delegator, remaining == 0 ? null : delegation with { Shares = remaining });
        if (validator.Shares == 0 && validator.RewardPool > 0)
        {
            // Nobody is left to claim the index's rounding residue.
            c.Store.SubU128(StorageKey.Of(TotalRewardsKey), validator.RewardPool, "staking rewards");
            c.ToTreasury(validator.RewardPool);
            validator = validator with { RewardPool = 0 };
        }
        if (delegator == validator.Operator && !validator.Jailed && TokensOf(validator, remaining) < p.MinSelfBond)
        {
            validator = validator with { Jailed = true, JailedUntilMs = c.Block.TimestampMs };
            c.Emit(Jailed, validator.Operator, c.Block.TimestampMs, false);
        }
        Save(c.Store, validator);
        c.Store.SubU128(StorageKey.Of(TotalBondedKey), tokensOut, "total bonded");
        return tokensOut;
    }

    public UInt128 WithdrawRewards(ModuleContext c, Address validatorAddress, Address delegator)
    {
        var validator = RequireValidator(c.Store, validatorAddress);
        var paid = PayRewards(c, ref validator, delegator);
        Save(c.Store, validator);
        return paid;
    }

    public void Unjail(ModuleContext c)
    {
        var validator = RequireValidator(c.Store, c.Caller);
        if (validator.Tombstoned) throw Revert($"validator {c.Caller} was tombstoned for double signing and can never be unjailed");
        if (!validator.Jailed) throw Revert($"validator {c.Caller} is not jailed");
        if (c.Block.TimestampMs < validator.JailedUntilMs)
            throw Revert($"validator {c.Caller} is jailed until {validator.JailedUntilMs} ms (block time now {c.Block.TimestampMs} ms, {validator.JailedUntilMs - c.Block.TimestampMs} ms to go)");
        var selfBond = GetDelegationRecord(c.Store, c.Caller, c.Caller) is { } d ? TokensOf(validator, d.Shares) : 0;
        if (selfBond < c.Params.MinSelfBond)
            throw Revert($"self-bond {Money.Open(selfBond)} is below the minimum of {Money.Open(c.Params.MinSelfBond)}; delegate to yourself first");
        Save(c.Store, validator with { Jailed = false, JailedUntilMs = 0, WindowCounted = 0, WindowMissed = 0, MissedBits = [] });
        c.Emit(Unjailed, c.Caller);
    }

    /// <summary>Pays <paramref name="delegator"/>'s accrued rewards (and the commission, for the operator).</summary>
    private UInt128 PayRewards(ModuleContext c, ref ValidatorInfo validator, Address delegator)
    {
        var delegation = GetDelegationRecord(c.Store, validator.Operator, delegator);
        UInt128 rewards = 0;
        if (delegation is not null)
        {
            rewards = RewardsOf(validator, delegation);
            if (rewards > validator.RewardPool) rewards = validator.RewardPool; // cannot happen; never pay what is not there
            if (delegation.EntryIndex != validator.RewardIndex)
                SaveDelegation(c.Store, validator.Operator, delegator, delegation with { EntryIndex = validator.RewardIndex });
            validator = validator with { RewardPool = validator.RewardPool - rewards };
        }
        UInt128 commission = 0;
        if (delegator == validator.Operator)
        {
            commission = validator.Commission;
            validator = validator with { Commission = 0 };
        }
        var total = rewards + commission;
        if (total > 0)
        {
            c.Store.SubU128(StorageKey.Of(TotalRewardsKey), total, "staking rewards");
            c.Pay(delegator, total);
            c.Emit(RewardsWithdrawn, validator.Operator, delegator, rewards, commission);
        }
        return total;
    }

    // ================= block hooks =================

    public override void BeginBlock(BlockHookContext context)
    {
        var c = ModuleContext.ForHook(context, Address);
        DistributeRewards(c, context);
        TrackDowntime(c, context);
        foreach (var evidence in context.Evidence) SlashDoubleSign(c, evidence);
    }

    public override void EndBlock(BlockHookContext context)
    {
        var c = ModuleContext.ForHook(context, Address);
        var height = c.Block.Number;
        var due = new StoredList(c.Store, "due-unbonding", height);
        for (ulong i = 0; i < due.Count; i++) CompleteUnbonding(c, due.GetU64(i));
        due.Clear();
        var matured = new StoredList(c.Store, "due-redelegation", height);
        for (ulong i = 0; i < matured.Count; i++) CompleteRedelegation(c, matured.GetU64(i));
        matured.Clear();
        if (c.Params.EpochLength > 0 && height % c.Params.EpochLength == 0)
        {
            var set = ComputeActiveSet(c.Store, c.Params.MaxValidators);
            c.Store.Set(StorageKey.Of(ActiveSetKey), set.Encode());
            context.NextValidatorSet = set;
            c.Emit(ActiveSetUpdated, height, set.Count, set.TotalPower, set.Hash.ToArray());
        }
    }

    /// <summary>
    /// Emission (SPEC §4.5) and validator rewards (SPEC §4.1). reward = min(phase.rewardPerBlock, reserve);
    /// validatorPart and attributionPart are its bps shares (remainder to the treasury); the validator part plus
    /// the staker shares the models module passed on is split among the parent's signers by power.
    /// </summary>
    private void DistributeRewards(ModuleContext c, BlockHookContext context)
    {
        var p = c.Params;
        var signers = new HashSet<Address>(context.LastCommitSigners);
        var signing = context.LastValidators?.Validators.Where(v => signers.Contains(v.ConsensusAddress) && v.Power > 0).ToList() ?? [];
        UInt128 signedPower = 0;
        foreach (var v in signing) signedPower += v.Power;

        var phase = p.PhaseAt(c.Block.Number);
        UInt128 validatorPart = 0, attributionPart = 0, emissionDust = 0;
        if (phase is not null)
        {
            var reserve = c.State.GetBalance(SystemAddresses.RewardReserve);
            var reward = phase.RewardPerBlock < reserve ? phase.RewardPerBlock : reserve;
            validatorPart = signedPower == 0 ? 0 : Money.Bps(reward, phase.ValidatorShareBps);
            attributionPart = Money.Bps(reward, phase.AttributionShareBps);
            if (phase.ValidatorShareBps + phase.AttributionShareBps == Money.FullBps && signedPower > 0)
                emissionDust = reward - Money.Bps(reward, phase.ValidatorShareBps) - attributionPart;
            c.Store.Transfer(SystemAddresses.RewardReserve, SystemAddresses.Staking, validatorPart);
            c.Store.Transfer(SystemAddresses.RewardReserve, SystemAddresses.Treasury, emissionDust);
            if (attributionPart > 0)
            {
                c.Store.Transfer(SystemAddresses.RewardReserve, SystemAddresses.Models, attributionPart);
                ModelsModule.AddAttributionEmission(c.Store, attributionPart);
            }
        }
        if (signedPower == 0) return; // nobody to pay: the models' staker shares wait for the next block

        var fromModels = c.Store.GetU128(StorageKey.Of(PendingPoolKey));
        c.Store.Delete(StorageKey.Of(PendingPoolKey));
        var pool = validatorPart + fromModels;
        UInt128 distributed = 0;
        foreach (var signer in signing)
        {
            var share = Money.MulDiv(pool, signer.Power, signedPower);
            var operatorAddress = c.Store.GetAddress(StorageKey.Of("by-consensus", signer.ConsensusAddress));
            if (share == 0) continue;
            if (operatorAddress.IsZero || GetValidator(c.Store, operatorAddress) is not { } validator) continue;
            distributed += share;
            var commission = Money.Bps(share, validator.CommissionBps);
            var delegatorsPart = share - commission;
            if (validator.Shares == 0)
            {
                distributed -= delegatorsPart;
            }
            else
            {
                // The whole part enters the pool; the index rounds down, so the pool always covers what it owes.
                var increment = (BigInteger)delegatorsPart * IndexScale / validator.Shares;
                validator = validator with { RewardIndex = validator.RewardIndex + increment, RewardPool = validator.RewardPool + delegatorsPart };
            }
            validator = validator with { Commission = validator.Commission + commission };
            Save(c.Store, validator);
            c.Emit(ValidatorRewarded, validator.Operator, share, commission);
        }
        // Whatever was not credited to a validator (rounding of the power split, unknown signers, validators
        // without delegators) goes to the treasury.
        var remainder = pool - distributed;
        c.Store.AddU128(StorageKey.Of(TotalRewardsKey), distributed);
        c.ToTreasury(remainder);
        c.Emit(BlockRewarded, c.Block.Number, validatorPart, fromModels, remainder + emissionDust, signedPower);
    }

    /// <summary>Called by the models module after it moved <paramref name="amount"/> to the staking account.</summary>
    public static void AddToRewardPool(ModuleStore anyStore, UInt128 amount) =>
        anyStore.For(SystemAddresses.Staking).AddU128(StorageKey.Of(PendingPoolKey), amount);

    private void TrackDowntime(ModuleContext c, BlockHookContext context)
    {
        var p = c.Params;
        if (context.LastValidators is null || p.DowntimeWindowBlocks == 0) return;
        var signers = new HashSet<Address>(context.LastCommitSigners);
        var window = p.DowntimeWindowBlocks;
        var minSigned = (BigInteger)window * p.MinSignedPerWindowBps / Money.FullBps;
        foreach (var member in context.LastValidators.Validators)
        {
            var operatorAddress = c.Store.GetAddress(StorageKey.Of("by-consensus", member.ConsensusAddress));
            if (operatorAddress.IsZero || GetValidator(c.Store, operatorAddress) is not { } v || v.Jailed) continue;
            if (v.WindowSize != window || v.MissedBits.Length != (int)((window + 7) / 8))
                v = v with { WindowSize = window, WindowCounted = 0, WindowMissed = 0, MissedBits = new byte[(window + 7) / 8] };
            var bits = (byte[])v.MissedBits.Clone();
            var slot = v.WindowCounted % window;
            var wasMissed = (bits[slot / 8] & (1 << (int)(slot % 8))) != 0;
            var missed = !signers.Contains(member.ConsensusAddress);
            var missedCount = v.WindowMissed;
            if (v.WindowCounted >= window && wasMissed) missedCount--;
            if (missed) { bits[slot / 8] |= (byte)(1 << (int)(slot % 8)); missedCount++; }
            else bits[slot / 8] &= (byte)~(1 << (int)(slot % 8));
            v = v with { WindowCounted = v.WindowCounted + 1, WindowMissed = missedCount, MissedBits = bits };
            var counted = Math.Min(v.WindowCounted, window);
            if (v.WindowCounted >= window && (BigInteger)(counted - missedCount) < minSigned)
            {
                v = SlashValidator(c, v, p.DowntimeSlashBps, 0, SlashReason.Downtime, ulong.MaxValue);
                var until = c.Block.TimestampMs + p.DowntimeJailMs;
                v = v with { Jailed = true, JailedUntilMs = until, WindowCounted = 0, WindowMissed = 0, MissedBits = [] };
                c.Emit(Jailed, v.Operator, until, false);
            }
            Save(c.Store, v);
        }
    }

    private void SlashDoubleSign(ModuleContext c, DuplicateVoteEvidence evidence)
    {
        if (!evidence.IsWellFormed) return;
        var operatorAddress = c.Store.GetAddress(StorageKey.Of("by-consensus", evidence.First.Validator));
        if (operatorAddress.IsZero || GetValidator(c.Store, operatorAddress) is not { } v || v.Tombstoned) return;
        v = SlashValidator(c, v, c.Params.DoubleSignSlashBps, c.Params.DoubleSignSlashBps, SlashReason.DoubleSign, evidence.First.Height);
        v = v with { Jailed = true, Tombstoned = true, JailedUntilMs = ulong.MaxValue };
        Save(c.Store, v);
        c.Emit(Jailed, v.Operator, ulong.MaxValue, true);
    }

    public enum SlashReason : byte
    {
        DoubleSign = 0,
        Downtime = 1,
    }

    /// <summary>
    /// Burns <paramref name="bondedBps"/> of the bonded tokens and, per the Cosmos rule, <paramref name="unbondingBps"/>
    /// of every unbonding entry that started at or after <paramref name="infractionHeight"/> (capped at what is left
    /// of the entry). Delegators lose pro rata because their shares now buy fewer tokens.
    /// </summary>
    private ValidatorInfo SlashValidator(ModuleContext c, ValidatorInfo v, ushort bondedBps, ushort unbondingBps, SlashReason reason, ulong infractionHeight)
    {
        var fromBonded = Money.Bps(v.Tokens, bondedBps);
        UInt128 fromUnbonding = 0;
        if (unbondingBps > 0)
        {
            foreach (var id in new StoredIdSet(c.Store, "unbondings-of-validator", v.Operator).ToArray().Order())
            {
                var key = StorageKey.Of("unbonding", id);
                var raw = c.Store.Get(key);
                if (raw.Length == 0) continue;
                var entry = UnbondingEntry.Decode(raw);
                if (entry.CreationHeight < infractionHeight || entry.Balance == 0) continue;
                var cut = Money.Bps(entry.InitialBalance, unbondingBps);
                if (cut > entry.Balance) cut = entry.Balance;
                fromUnbonding += cut;
                c.Store.Set(key, (entry with { Balance = entry.Balance - cut }).Encode());
            }
        }
        var fromRedelegations = unbondingBps > 0 ? SlashRedelegations(c, v.Operator, unbondingBps, infractionHeight) : 0;
        c.Store.SubU128(StorageKey.Of(TotalBondedKey), fromBonded, "total bonded");
        c.Store.SubU128(StorageKey.Of(TotalUnbondingKey), fromUnbonding, "total unbonding");
        c.Burn(fromBonded + fromUnbonding + fromRedelegations);
        c.Emit(Slashed, v.Operator, (byte)reason, fromBonded, fromUnbonding, infractionHeight == ulong.MaxValue ? c.Block.Number : infractionHeight);
        return v with { Tokens = v.Tokens - fromBonded, TotalSlashed = v.TotalSlashed + fromBonded + fromUnbonding + fromRedelegations };
    }

    /// <summary>
    /// The Cosmos rule for redelegations away from a slashed validator: every entry created at or after the
    /// infraction and not yet matured loses <paramref name="bps"/> of the shares it bought at its destination (capped
    /// at the shares the delegator still holds there); the tokens those shares are worth are burned. Returns them.
    /// </summary>
    private UInt128 SlashRedelegations(ModuleContext c, Address source, ushort bps, ulong infractionHeight)
    {
        UInt128 burned = 0;
        foreach (var id in new StoredIdSet(c.Store, "redelegations-of-source", source).ToArray().Order())
        {
            var raw = c.Store.Get(StorageKey.Of("redelegation", id));
            if (raw.Length == 0) continue;
            var entry = RedelegationEntry.Decode(raw);
            if (entry.CreationHeight < infractionHeight) continue;
            if (GetValidator(c.Store, entry.Destination) is not { } destination) continue;
            var held = GetDelegationRecord(c.Store, entry.Destination, entry.Delegator)?.Shares ?? 0;
            var shares = Money.Bps(entry.SharesDestination, bps);
            if (shares > held) shares = held;
            if (shares == 0) continue;
            // Settle the rewards earned on the current shares before their number changes.
            PayRewards(c, ref destination, entry.Delegator);
            var delegation = GetDelegationRecord(c.Store, entry.Destination, entry.Delegator)!;
            var tokens = TokensOf(destination, shares);
            destination = destination with { Tokens = destination.Tokens - tokens, Shares = destination.Shares - shares };
            if (destination.Shares == 0 && destination.Tokens > 0)
            {
                // Tokens without owners are burned with the slash.
                tokens += destination.Tokens;
                destination = destination with { Tokens = 0 };
            }
            if (destination.Shares == 0 && destination.RewardPool > 0)
            {
                c.Store.SubU128(StorageKey.Of(TotalRewardsKey), destination.RewardPool, "staking rewards");
                c.ToTreasury(destination.RewardPool);
                destination = destination with { RewardPool = 0 };
            }
            var remaining = delegation.Shares - shares;
            SaveDelegation(c.Store, entry.Destination, entry.Delegator, remaining == 0 ? null : delegation with { Shares = remaining });
            Save(c.Store, destination);
            c.Store.SubU128(StorageKey.Of(TotalBondedKey), tokens, "total bonded");
            burned += tokens;
            c.Emit(RedelegationSlashed, new BigInteger(entry.Id), entry.Delegator, entry.Destination, tokens);
        }
        return burned;
    }

    private void CompleteUnbonding(ModuleContext c, ulong id)
    {
        var key = StorageKey.Of("unbonding", id);
        var raw = c.Store.Get(key);
        if (raw.Length == 0) return;
        var entry = UnbondingEntry.Decode(raw);
        c.Store.Delete(key);
        new StoredIdSet(c.Store, "unbondings-of-validator", entry.Validator).Remove(id);
        new StoredIdSet(c.Store, "unbondings-of", entry.Delegator).Remove(id);
        c.Store.SubU128(StorageKey.Of(TotalUnbondingKey), entry.Balance, "total unbonding");
        c.Pay(entry.Delegator, entry.Balance);
        c.Emit(UnbondingCompleted, new BigInteger(id), entry.Delegator, entry.Validator, entry.Balance);
    }

    /// <summary>A matured redelegation is no longer answerable for the source's faults: its entry and index items go.</summary>
    private static void CompleteRedelegation(ModuleContext c, ulong id)
    {
        var key = StorageKey.Of("redelegation", id);
        var raw = c.Store.Get(key);
        if (raw.Length == 0) return;
        var entry = RedelegationEntry.Decode(raw);
        c.Store.Delete(key);
        new StoredIdSet(c.Store, "redelegations-of-source", entry.Source).Remove(id);
        new StoredIdSet(c.Store, "redelegations-of", entry.Delegator).Remove(id);
    }

    // ================= genesis =================

    /// <summary>
    /// Registers a genesis validator: moves <paramref name="selfBond"/> from the operator's balance to the staking
    /// account as its self-delegation, and refreshes the active set (which takes effect from block 1).
    /// </summary>
    public void CreateGenesisValidator(IWorldState state, BlockContext block, Address operatorAddress, byte[] consensusPublicKey,
        UInt128 selfBond, ushort commissionBps, string moniker)
    {
        var c = ModuleContext.ForState(state, Address, block);
        if (state.GetBalance(operatorAddress) < selfBond)
            throw new ModuleRevertException($"genesis validator {operatorAddress} has {Money.Open(state.GetBalance(operatorAddress))} but its self-bond is {Money.Open(selfBond)}");
        state.Transfer(operatorAddress, Address, selfBond);
        CreateValidator(c, operatorAddress, consensusPublicKey, commissionBps, moniker, selfBond);
        c.Store.Set(StorageKey.Of(ActiveSetKey), ComputeActiveSet(c.Store, block.Parameters.MaxValidators).Encode());
    }

    public ValidatorSet GetActiveValidatorSet(IWorldState state) => ReadActiveSet(ReadStore(state));

    // ================= typed reads =================

    public static ValidatorSet ReadActiveSet(ModuleStore anyStore)
    {
        var raw = anyStore.For(SystemAddresses.Staking).Get(StorageKey.Of(ActiveSetKey));
        return raw.Length == 0 ? new ValidatorSet([]) : ValidatorSet.Decode(raw);
    }

    /// <summary>The top <paramref name="maxValidators"/> non-jailed validators by tokens (ties: lower consensus address first).</summary>
    public static ValidatorSet ComputeActiveSet(ModuleStore anyStore, int maxValidators)
    {
        var store = anyStore.For(SystemAddresses.Staking);
        var candidates = GetValidators(store).Where(v => !v.Jailed && v.Tokens > 0)
            .OrderByDescending(v => v.Tokens).ThenBy(v => v.ConsensusAddress).Take(Math.Max(0, maxValidators));
        return new ValidatorSet(candidates.Select(v => new Validator(v.ConsensusAddress, v.ConsensusPublicKey, v.Operator, v.Tokens)));
    }

    public static ValidatorInfo? GetValidator(ModuleStore anyStore, Address operatorAddress)
    {
        var raw = anyStore.For(SystemAddresses.Staking).Get(StorageKey.Of("validator", operatorAddress));
        return raw.Length == 0 ? null : ValidatorInfo.Decode(raw);
    }

    public static IReadOnlyList<ValidatorInfo> GetValidators(ModuleStore anyStore)
    {
        var store = anyStore.For(SystemAddresses.Staking);
        var list = new StoredList(store, "validators");
        var result = new List<ValidatorInfo>();
        for (ulong i = 0; i < list.Count; i++)
            if (GetValidator(store, list.GetAddress(i)) is { } v) result.Add(v);
        return result;
    }

    public static DelegationView? GetDelegation(ModuleStore anyStore, Address validatorAddress, Address delegator)
    {
        if (GetValidator(anyStore, validatorAddress) is not { } v) return null;
        if (GetDelegationRecord(anyStore, validatorAddress, delegator) is not { } d) return null;
        return new DelegationView(validatorAddress, delegator, d.Shares, TokensOf(v, d.Shares), RewardsOf(v, d) + (delegator == v.Operator ? v.Commission : 0));
    }

    public static IReadOnlyList<DelegationView> GetDelegations(ModuleStore anyStore, Address delegator)
    {
        var store = anyStore.For(SystemAddresses.Staking);
        var list = new StoredList(store, "delegations-of", delegator);
        var result = new List<DelegationView>();
        for (ulong i = 0; i < list.Count; i++)
            if (GetDelegation(store, list.GetAddress(i), delegator) is { } view) result.Add(view);
        return result;
    }

    public static IReadOnlyList<UnbondingEntry> GetUnbondings(ModuleStore anyStore, Address delegator)
    {
        var store = anyStore.For(SystemAddresses.Staking);
        var result = new List<UnbondingEntry>();
        foreach (var id in new StoredIdSet(store, "unbondings-of", delegator).ToArray())
        {
            var raw = store.Get(StorageKey.Of("unbonding", id));
            if (raw.Length > 0) result.Add(UnbondingEntry.Decode(raw));
        }
        // The index is a set (removal reorders it); callers see entries in creation order.
        result.Sort((a, b) => a.Id.CompareTo(b.Id));
        return result;
    }

    /// <summary>The delegator's redelegations that have not matured yet.</summary>
    public static IReadOnlyList<RedelegationEntry> GetRedelegations(ModuleStore anyStore, Address delegator)
    {
        var store = anyStore.For(SystemAddresses.Staking);
        var result = new List<RedelegationEntry>();
        foreach (var id in new StoredIdSet(store, "redelegations-of", delegator).ToArray())
        {
            var raw = store.Get(StorageKey.Of("redelegation", id));
            if (raw.Length > 0) result.Add(RedelegationEntry.Decode(raw));
        }
        result.Sort((a, b) => a.Id.CompareTo(b.Id));
        return result;
    }

    public static IReadOnlyList<RedelegationEntry> GetRedelegations(IWorldState state, Address delegator) => GetRedelegations(ReadStore(state), delegator);

    public static UInt128 GetTotalBonded(ModuleStore anyStore) => anyStore.For(SystemAddresses.Staking).GetU128(StorageKey.Of(TotalBondedKey));

    public static ValidatorInfo? GetValidator(IWorldState state, Address operatorAddress) => GetValidator(ReadStore(state), operatorAddress);

    public static IReadOnlyList<ValidatorInfo> GetValidators(IWorldState state) => GetValidators(ReadStore(state));

    public static IReadOnlyList<DelegationView> GetDelegations(IWorldState state, Address delegator) => GetDelegations(ReadStore(state), delegator);

    public static IReadOnlyList<UnbondingEntry> GetUnbondings(IWorldState state, Address delegator) => GetUnbondings(ReadStore(state), delegator);

    public static DelegationView? GetDelegation(IWorldState state, Address validatorAddress, Address delegator) =>
        GetDelegation(ReadStore(state), validatorAddress, delegator);

    /// <summary>The storage slot of a delegation record (for proofs against the state root).</summary>
    public static Hash256 DelegationSlot(Address validatorAddress, Address delegator) => StorageKey.Of("delegation", validatorAddress, delegator);

    public IReadOnlyDictionary<string, UInt128> GetLiabilities(IWorldState state)
    {
        var store = ReadStore(state);
        return new Dictionary<string, UInt128>
        {
            ["bonded"] = store.GetU128(StorageKey.Of(TotalBondedKey)),
            ["unbonding"] = store.GetU128(StorageKey.Of(TotalUnbondingKey)),
            ["unclaimed rewards and commission"] = store.GetU128(StorageKey.Of(TotalRewardsKey)),
            ["reward pool from models"] = store.GetU128(StorageKey.Of(PendingPoolKey)),
        };
    }

    // ================= helpers =================

    public static UInt128 TokensOf(ValidatorInfo v, UInt128 shares) =>
        v.Shares == 0 ? 0 : shares == v.Shares ? v.Tokens : Money.MulDiv(shares, v.Tokens, v.Shares);

    public static UInt128 RewardsOf(ValidatorInfo v, Delegation d) =>
        (UInt128)((BigInteger)d.Shares * (v.RewardIndex - d.EntryIndex) / IndexScale);

    private static ModuleStore ReadStore(IWorldState state) => new(state, SystemAddresses.Staking, null, true);

    private static ValidatorInfo RequireValidator(ModuleStore store, Address operatorAddress) =>
        GetValidator(store, operatorAddress) ?? throw Revert($"{operatorAddress} does not operate a validator");

    private static Delegation? GetDelegationRecord(ModuleStore anyStore, Address validatorAddress, Address delegator) =>
        Delegation.Decode(anyStore.For(SystemAddresses.Staking).Get(StorageKey.Of("delegation", validatorAddress, delegator)));

    private static void SaveDelegation(ModuleStore store, Address validatorAddress, Address delegator, Delegation? delegation) =>
        store.Set(StorageKey.Of("delegation", validatorAddress, delegator), delegation?.Encode() ?? []);

    private static void Save(ModuleStore store, ValidatorInfo validator) =>
        store.Set(StorageKey.Of("validator", validator.Operator), validator.Encode());
}
