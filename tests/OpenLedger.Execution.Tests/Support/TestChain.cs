using Xunit;
using System.Numerics;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Gas;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.Modules.Common;
using OpenLedger.Execution.Modules.Datanets;
using OpenLedger.Execution.Modules.Governance;
using OpenLedger.Execution.Modules.Models;
using OpenLedger.Execution.Modules.Staking;
using OpenLedger.Execution.State;

namespace OpenLedger.Execution.Tests.Support;

/// <summary>
/// A miniature chain for module tests: genesis balances summing to exactly 1,000,000,000 OPEN, the four modules,
/// and blocks run the way the executor runs them (parameters loaded from state, BeginBlock, transactions with
/// snapshot/revert, EndBlock, commit). After every block the supply audit must hold, or the test fails.
/// A block is always open: transactions go into it, <see cref="Mine"/> closes it and opens the next.
/// </summary>
public sealed class TestChain
{
    public static readonly UInt128 Supply = Wei.FromOpen(1_000_000_000);

    public readonly MemoryStateBackend Backend = new();
    public readonly WorldState State;
    public readonly StakingModule Staking = new();
    public readonly DatanetsModule Datanets = new();
    public readonly ModelsModule Models = new();
    public readonly GovernanceModule Governance = new();
    public readonly ModuleRegistry Registry;
    public readonly ChainParameters Genesis;
    public readonly List<Address> Accounts = new();
    public readonly List<LogEntry> BlockLogs = new();
    public readonly List<LogEntry> AllLogs = new();

    private ValidatorSet _parentSet = new([]);
    private ValidatorSet _currentSet = new([]);
    private bool _started;

    public TestChain(ChainParameters? parameters = null, UInt128? reserve = null, int accounts = 12, ulong openPerAccount = 1_000_000)
    {
        Genesis = parameters ?? new ChainParameters();
        State = new WorldState(Backend);
        Registry = new ModuleRegistry([Staking, Datanets, Models, Governance]);
        var reserveAmount = reserve ?? Wei.FromOpen(100_000_000);
        State.SetBalance(SystemAddresses.RewardReserve, reserveAmount);
        UInt128 allocated = reserveAmount;
        for (var i = 0; i < accounts; i++)
        {
            var address = Address.FromUInt64(0x1000 + (ulong)i);
            Accounts.Add(address);
            State.SetBalance(address, Wei.FromOpen(openPerAccount));
            allocated += Wei.FromOpen(openPerAccount);
        }
        State.SetBalance(SystemAddresses.Treasury, Supply - allocated);
        Params = Genesis;
        Block = new BlockContext(0, GenesisTimeMs, Address.Zero, Genesis.MinBaseFee, Genesis);
    }

    public const ulong GenesisTimeMs = 1_700_000_000_000;

    public ChainParameters Params { get; private set; }

    public BlockContext Block { get; private set; }

    public ulong Height => Block.Number;

    public ValidatorSet ActiveSet => _currentSet;

    /// <summary>Consensus addresses that signed the parent of the next block; null = every member of the parent's set.</summary>
    public IReadOnlyList<Address>? NextSigners { get; set; }

    public List<DuplicateVoteEvidence> NextEvidence { get; } = new();

    public Address this[int index] => Accounts[index];

    /// <summary>A real secp256k1 key, derived from the operator address (tests only).</summary>
    public static byte[] ConsensusKeyFor(Address operatorAddress) =>
        Secp256k1.GetPublicKey(Keccak256.Hash(operatorAddress.Bytes).Bytes);

    public static Address ConsensusAddressOf(Address operatorAddress) => Address.FromPublicKey(ConsensusKeyFor(operatorAddress));

    /// <summary>Genesis only: a validator with its self-bond taken from its balance.</summary>
    public void AddGenesisValidator(Address operatorAddress, ulong selfBondOpen, ushort commissionBps = 1_000)
    {
        if (_started) throw new InvalidOperationException("genesis is over");
        Staking.CreateGenesisValidator(State, Block, operatorAddress, ConsensusKeyFor(operatorAddress), Wei.FromOpen(selfBondOpen), commissionBps, $"validator-{operatorAddress.ToString()[..8]}");
    }

    /// <summary>Commits genesis and opens block 1.</summary>
    public TestChain Start()
    {
        _started = true;
        _currentSet = Staking.GetActiveValidatorSet(State);
        _parentSet = _currentSet;
        State.Commit();
        Audit();
        OpenBlock();
        return this;
    }

    private void OpenBlock()
    {
        var number = Block.Number + 1;
        Params = ParameterStore.Load(State, Genesis);
        Block = new BlockContext(number, GenesisTimeMs + number * Params.BlockIntervalMs, Address.Zero, Params.MinBaseFee, Params);
        BlockLogs.Clear();
        var signers = NextSigners ?? _parentSet.Validators.Select(v => v.ConsensusAddress).ToList();
        var hook = new BlockHookContext
        {
            Block = Block, State = State, LastCommitSigners = number == 1 ? [] : signers, LastValidators = number == 1 ? null : _parentSet,
            Evidence = NextEvidence.ToList(), Logs = BlockLogs, Modules = Registry,
        };
        NextEvidence.Clear();
        Registry.BeginBlock(hook);
    }

    /// <summary>Ends the open block (EndBlock, commit, supply audit) and opens the next one.</summary>
    public Hash256 Mine()
    {
        var hook = new BlockHookContext
        {
            Block = Block, State = State, LastCommitSigners = [], LastValidators = _currentSet, Evidence = [], Logs = BlockLogs, Modules = Registry,
        };
        Registry.EndBlock(hook);
        _parentSet = _currentSet;
        if (hook.NextValidatorSet is not null) _currentSet = hook.NextValidatorSet;
        AllLogs.AddRange(BlockLogs);
        var root = State.Commit();
        Audit();
        OpenBlock();
        return root;
    }

    public void MineUntil(ulong height)
    {
        while (Height < height) Mine();
    }

    public void Mine(int blocks)
    {
        for (var i = 0; i < blocks; i++) Mine();
    }

    public object[] Tx(Address from, SystemModuleBase module, string function, UInt128 value, params object[] args) =>
        Execute(from, module, function, value, isStatic: false, args);

    public object[] Tx(Address from, SystemModuleBase module, string function, params object[] args) =>
        Execute(from, module, function, 0, isStatic: false, args);

    public object[] View(SystemModuleBase module, string function, params object[] args) =>
        Execute(Address.Zero, module, function, 0, isStatic: true, args);

    /// <summary>Runs a transaction that must revert; returns its reason and checks nothing changed.</summary>
    public string Fails(Address from, SystemModuleBase module, string function, UInt128 value, params object[] args)
    {
        var before = State.GetBalance(from);
        var error = Assert.Throws<ModuleRevertException>(() => Execute(from, module, function, value, isStatic: false, args));
        Assert.Equal(before, State.GetBalance(from));
        return error.Reason;
    }

    public string Fails(Address from, SystemModuleBase module, string function, params object[] args) => Fails(from, module, function, 0, args);

    private object[] Execute(Address from, SystemModuleBase module, string function, UInt128 value, bool isStatic, object[] args)
    {
        var abi = module.Abi.GetFunction(function);
        var calldata = abi.EncodeCall(args);
        var snapshot = State.TakeSnapshot();
        var logs = new List<LogEntry>();
        try
        {
            if (State.GetBalance(from) < value) throw new ModuleRevertException($"{from} cannot send {Money.Open(value)}: insufficient balance");
            if (value > 0) State.Transfer(from, module.Address, value);
            var meter = new GasMeter(30_000_000);
            var output = module.Call(new ModuleCall
            {
                Block = Block, Caller = from, Value = value, Data = calldata, IsStatic = isStatic, State = State,
                Gas = meter, Logs = logs, Modules = Registry,
            });
            LastGasUsed = meter.Used;
            if (isStatic) State.RevertToSnapshot(snapshot);
            else BlockLogs.AddRange(logs);
            return abi.DecodeReturn(output);
        }
        catch (Exception e) when (e is ModuleRevertException or OutOfGasException)
        {
            State.RevertToSnapshot(snapshot);
            throw e as ModuleRevertException ?? new ModuleRevertException(e.Message);
        }
    }

    /// <summary>Module gas (on top of the intrinsic 21,000 + calldata) of the last successful call.</summary>
    public ulong LastGasUsed { get; private set; }

    public UInt128 Balance(Address address) => State.GetBalance(address);

    public IEnumerable<IAccountedModule> AccountedModules => [Staking, Datanets, Models, Governance];

    public void Audit()
    {
        var report = SupplyAudit.Check(Backend.Accounts.Select(a => a.Account.Balance), Supply, State, AccountedModules);
        Assert.True(report.Ok, $"after block {Block.Number}: {report}");
    }

    public IEnumerable<object[]> Events(SystemModuleBase module, string name)
    {
        var e = module.Abi.GetEvent(name);
        return AllLogs.Concat(BlockLogs).Where(l => l.Address == module.Address && e.Matches(l.Topics)).Select(l => e.Decode(l.Topics, l.Data));
    }

    public static BigInteger N(ulong value) => new(value);

    public static UInt128 Open(ulong open) => Wei.FromOpen(open);
}
