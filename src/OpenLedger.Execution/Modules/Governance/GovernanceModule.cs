using System.Numerics;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules.Common;
using OpenLedger.Execution.Modules.Staking;
using OpenLedger.Execution.State;

namespace OpenLedger.Execution.Modules.Governance;

/// <summary>
/// Governance (SPEC §4.6): parameter-change proposals with a deposit, voting by bonded stake (delegators
/// inherit their validator's vote unless they vote themselves), tally with quorum / threshold / veto, and
/// execution after a timelock. Executed changes are stored by <see cref="ParameterStore"/> and take effect
/// from the next block.
/// </summary>
public sealed class GovernanceModule : SystemModuleBase, IAccountedModule
{
    public const int MaxChanges = 32;
    public const int MaxDescriptionBytes = 10_000;
    private const string DepositsKey = "total-deposits";

    public readonly AbiEvent ProposalSubmitted;
    public readonly AbiEvent VoteCast;
    public readonly AbiEvent ProposalTallied;
    public readonly AbiEvent ProposalExecuted;
    public readonly AbiEvent ParameterChanged;

    public GovernanceModule() : base(SystemAddresses.Governance, "Governance")
    {
        ProposalSubmitted = Event("ProposalSubmitted(uint256 indexed proposalId, address indexed proposer, uint256 deposit, uint64 votingEnd, string description)");
        VoteCast = Event("VoteCast(uint256 indexed proposalId, address indexed voter, uint8 option)");
        ProposalTallied = Event("ProposalTallied(uint256 indexed proposalId, uint8 status, uint256 yes, uint256 no, uint256 abstain, uint256 veto, uint256 totalPower)");
        ProposalExecuted = Event("ProposalExecuted(uint256 indexed proposalId, bool success, string reason)");
        ParameterChanged = Event("ParameterChanged(uint256 indexed proposalId, string name, bytes value)");

        Function("propose(bytes[] paramChanges, string description) payable returns (uint256 proposalId)",
            (c, a) => [Propose(c, ((object[])a[0]).Select(x => (byte[])x).ToArray(), (string)a[1])]);
        Function("vote(uint256 proposalId, uint8 option)", (c, a) => { Vote(c, Money.ToU64(a[0], "proposalId"), (byte)(BigInteger)a[1]); return []; });
        Function("getProposal(uint256 proposalId) view returns (address proposer, uint256 deposit, string description, bytes[] paramChanges, uint8 status, uint64 votingEnd, uint64 executeAt, uint256 yes, uint256 no, uint256 abstain, uint256 veto)",
            (c, a) =>
            {
                var p = RequireProposal(c.Store, Money.ToU64(a[0], "proposalId"));
                return [p.Proposer, p.Deposit, p.Description, p.Changes.Cast<object>().ToArray(), (byte)p.Status, p.VotingEnd, p.ExecuteAt, p.Yes, p.No, p.Abstain, p.Veto];
            });
        Function("getParameter(string name) view returns (bytes value)",
            (c, a) => [(ParameterDefinition.Find((string)a[0]) ?? throw Revert($"unknown parameter '{a[0]}'")).Encode(c.Params)]);
        Function("parameterNames() view returns (string[] names, string[] types)",
            (_, _) => [ParameterDefinition.All.Select(d => (object)d.Name).ToArray(), ParameterDefinition.All.Select(d => (object)d.AbiTypeName).ToArray()]);
    }

    public ulong Propose(ModuleContext c, byte[][] changes, string description)
    {
        var p = c.Params;
        if (c.Value != p.ProposalDeposit)
            throw Revert($"a proposal needs a deposit of exactly {Money.Open(p.ProposalDeposit)} (sent {Money.Open(c.Value)})");
        if (changes.Length == 0) throw Revert("a proposal needs at least one parameter change");
        if (changes.Length > MaxChanges) throw Revert($"a proposal may change at most {MaxChanges} parameters");
        if (System.Text.Encoding.UTF8.GetByteCount(description) > MaxDescriptionBytes) throw Revert($"description is longer than {MaxDescriptionBytes} bytes");
        var decoded = DecodeChanges(changes);
        try
        {
            ParameterStore.ApplyChanges(p, decoded);
        }
        catch (ArgumentException e)
        {
            throw Revert($"invalid parameter change: {e.Message}");
        }
        var id = c.Store.NextId("proposal");
        var proposal = new Proposal
        {
            Id = id, Proposer = c.Caller, Deposit = c.Value, Description = description, Changes = changes,
            SubmittedAt = c.Block.Number, VotingEnd = c.Block.Number + p.VotingPeriodBlocks, Status = ProposalStatus.Voting,
        };
        Save(c.Store, proposal);
        c.Store.AddU128(StorageKey.Of(DepositsKey), c.Value);
        new StoredList(c.Store, "due-tally", proposal.VotingEnd).AddU64(id);
        c.Emit(ProposalSubmitted, new BigInteger(id), c.Caller, c.Value, proposal.VotingEnd, description);
        return id;
    }

    public void Vote(ModuleContext c, ulong proposalId, byte option)
    {
        var proposal = RequireProposal(c.Store, proposalId);
        if (proposal.Status != ProposalStatus.Voting || c.Block.Number > proposal.VotingEnd)
            throw Revert($"voting on proposal {proposalId} ended at block {proposal.VotingEnd}");
        if (option is < (byte)VoteOption.Yes or > (byte)VoteOption.Veto)
            throw Revert($"vote option {option} is unknown (1 = yes, 2 = no, 3 = abstain, 4 = veto)");
        if (StakingModule.GetValidator(c.Store, c.Caller) is null && StakingModule.GetDelegations(c.Store, c.Caller).All(d => d.Tokens == 0))
            throw Revert($"{c.Caller} has no bonded stake (only validators and delegators vote)");
        var key = StorageKey.Of("vote", proposalId, c.Caller);
        if (c.Store.GetU64(key) == 0) new StoredList(c.Store, "voters", proposalId).AddAddress(c.Caller);
        c.Store.SetU64(key, option);
        c.Emit(VoteCast, new BigInteger(proposalId), c.Caller, option);
    }

    public override void BeginBlock(BlockHookContext context) { }

    public override void EndBlock(BlockHookContext context)
    {
        var c = ModuleContext.ForHook(context, Address);
        var height = c.Block.Number;
        var tallies = new StoredList(c.Store, "due-tally", height);
        for (ulong i = 0; i < tallies.Count; i++) Tally(c, tallies.GetU64(i));
        tallies.Clear();
        var executions = new StoredList(c.Store, "due-execute", height);
        for (ulong i = 0; i < executions.Count; i++) Execute(c, executions.GetU64(i));
        executions.Clear();
    }

    /// <summary>
    /// Voting power is bonded stake at tally time. A voting validator casts its whole tokens minus what its
    /// delegators cast themselves; a delegator's vote counts its tokens with each validator it delegates to.
    /// </summary>
    public static (UInt128 Yes, UInt128 No, UInt128 Abstain, UInt128 Veto, UInt128 Total) Count(ModuleStore store, ulong proposalId)
    {
        var gov = store.For(SystemAddresses.Governance);
        var voters = new StoredList(gov, "voters", proposalId);
        var tally = new UInt128[5];
        var validatorVotes = new Dictionary<Address, byte>();
        var overridden = new Dictionary<Address, UInt128>();
        for (ulong i = 0; i < voters.Count; i++)
        {
            var voter = voters.GetAddress(i);
            var option = (byte)gov.GetU64(StorageKey.Of("vote", proposalId, voter));
            if (StakingModule.GetValidator(store, voter) is not null) validatorVotes[voter] = option;
            foreach (var delegation in StakingModule.GetDelegations(store, voter))
            {
                if (delegation.Validator == voter) continue; // an operator's self-bond is part of its validator's vote
                tally[option] += delegation.Tokens;
                overridden[delegation.Validator] = overridden.GetValueOrDefault(delegation.Validator) + delegation.Tokens;
            }
        }
        foreach (var (operatorAddress, option) in validatorVotes)
        {
            var validator = StakingModule.GetValidator(store, operatorAddress)!;
            var own = validator.Tokens - Min(validator.Tokens, overridden.GetValueOrDefault(operatorAddress));
            tally[option] += own;
        }
        return (tally[(int)VoteOption.Yes], tally[(int)VoteOption.No], tally[(int)VoteOption.Abstain], tally[(int)VoteOption.Veto],
            StakingModule.GetTotalBonded(store));
    }

    private void Tally(ModuleContext c, ulong proposalId)
    {
        var p = c.Params;
        var proposal = RequireProposal(c.Store, proposalId);
        if (proposal.Status != ProposalStatus.Voting) return;
        var (yes, no, abstain, veto, total) = Count(c.Store, proposalId);
        var voted = (BigInteger)yes + no + abstain + veto;
        ProposalStatus status;
        if (total == 0 || voted * Money.FullBps < (BigInteger)total * p.QuorumBps) status = ProposalStatus.Rejected;
        else if ((BigInteger)veto * Money.FullBps >= voted * p.VetoThresholdBps) status = ProposalStatus.Vetoed;
        else if ((BigInteger)yes * Money.FullBps > ((BigInteger)yes + no + veto) * p.PassThresholdBps) status = ProposalStatus.Queued;
        else status = ProposalStatus.Rejected;

        c.Store.SubU128(StorageKey.Of(DepositsKey), proposal.Deposit, "deposits");
        if (status == ProposalStatus.Vetoed) c.Burn(proposal.Deposit);
        else c.Pay(proposal.Proposer, proposal.Deposit);
        var executeAt = status == ProposalStatus.Queued ? c.Block.Number + p.TimelockBlocks : 0;
        // A zero timelock executes at the end of the next block: this block's EndBlock already ran its queue.
        if (status == ProposalStatus.Queued) new StoredList(c.Store, "due-execute", executeAt == c.Block.Number ? executeAt + 1 : executeAt).AddU64(proposalId);
        Save(c.Store, proposal with { Status = status, Yes = yes, No = no, Abstain = abstain, Veto = veto, TotalPower = total, ExecuteAt = executeAt });
        c.Emit(ProposalTallied, new BigInteger(proposalId), (byte)status, yes, no, abstain, veto, total);
    }

    private void Execute(ModuleContext c, ulong proposalId)
    {
        var proposal = RequireProposal(c.Store, proposalId);
        if (proposal.Status != ProposalStatus.Queued) return;
        var changes = DecodeChanges(proposal.Changes);
        try
        {
            // Validate against the parameters in force now, including changes executed earlier in this block.
            ParameterStore.ApplyChanges(ParameterStore.Load(c.State, c.Params), changes);
        }
        catch (ArgumentException e)
        {
            Save(c.Store, proposal with { Status = ProposalStatus.Failed });
            c.Emit(ProposalExecuted, new BigInteger(proposalId), false, e.Message);
            return;
        }
        ParameterStore.Store(c.Store, changes);
        Save(c.Store, proposal with { Status = ProposalStatus.Executed });
        foreach (var (name, value) in changes) c.Emit(ParameterChanged, new BigInteger(proposalId), name, value);
        c.Emit(ProposalExecuted, new BigInteger(proposalId), true, "");
    }

    public static Proposal? GetProposal(ModuleStore anyStore, ulong id)
    {
        var raw = anyStore.For(SystemAddresses.Governance).Get(StorageKey.Of("proposal", id));
        return raw.Length == 0 ? null : Proposal.Decode(raw);
    }

    public static Proposal? GetProposal(IWorldState state, ulong id) => GetProposal(new ModuleStore(state, SystemAddresses.Governance, null, true), id);

    public IReadOnlyDictionary<string, UInt128> GetLiabilities(IWorldState state) =>
        new Dictionary<string, UInt128>
        {
            ["proposal deposits"] = new ModuleStore(state, SystemAddresses.Governance, null, true).GetU128(StorageKey.Of(DepositsKey)),
        };

    private static List<(string Name, byte[] Value)> DecodeChanges(byte[][] changes)
    {
        var decoded = new List<(string, byte[])>();
        for (var i = 0; i < changes.Length; i++)
        {
            try
            {
                decoded.Add(ParameterStore.DecodeChange(changes[i]));
            }
            catch (AbiException e)
            {
                throw Revert($"paramChanges[{i}] is not abi.encode(string name, bytes value): {e.Message}");
            }
        }
        return decoded;
    }

    private static UInt128 Min(UInt128 a, UInt128 b) => a < b ? a : b;

    private static Proposal RequireProposal(ModuleStore store, ulong id) => GetProposal(store, id) ?? throw Revert($"proposal {id} does not exist");

    private static void Save(ModuleStore store, Proposal proposal) => store.Set(StorageKey.Of("proposal", proposal.Id), proposal.Encode());
}
