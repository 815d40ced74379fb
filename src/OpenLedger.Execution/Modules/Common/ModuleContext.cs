using OpenLedger.Core.Abi;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Gas;
using OpenLedger.Execution.State;

namespace OpenLedger.Execution.Modules.Common;

/// <summary>
/// Everything a module function or block hook works with: the caller, the value it sent, the block, the
/// module's storage (gas-metered) and the log sink. Built from a <see cref="ModuleCall"/> or a
/// <see cref="BlockHookContext"/> (hooks have no caller and no gas limit).
/// </summary>
public sealed class ModuleContext
{
    public ModuleContext(IWorldState state, Address module, BlockContext block, Address caller, UInt128 value,
        GasMeter? gas, bool isStatic, List<LogEntry> logs, ModuleRegistry modules)
    {
        Store = new ModuleStore(state, module, gas, isStatic);
        Block = block;
        Caller = caller;
        Value = value;
        Logs = logs;
        Modules = modules;
    }

    public static ModuleContext ForCall(ModuleCall call, Address module) =>
        new(call.State, module, call.Block, call.Caller, call.Value, call.Gas, call.IsStatic, call.Logs, call.Modules);

    public static ModuleContext ForHook(BlockHookContext hook, Address module) =>
        new(hook.State, module, hook.Block, Address.Zero, 0, null, false, hook.Logs, hook.Modules);

    /// <summary>A context for genesis, tests and read APIs: no meter, no caller, logs discarded.</summary>
    public static ModuleContext ForState(IWorldState state, Address module, BlockContext block, ModuleRegistry? modules = null) =>
        new(state, module, block, Address.Zero, 0, null, false, new List<LogEntry>(), modules ?? ModuleRegistry.Empty);

    public ModuleStore Store { get; }

    public IWorldState State => Store.State;

    public Address Module => Store.Module;

    public BlockContext Block { get; }

    public ChainParameters Params => Block.Parameters;

    public Address Caller { get; }

    public UInt128 Value { get; }

    public List<LogEntry> Logs { get; }

    public ModuleRegistry Modules { get; }

    /// <summary>A context with the same state, block and meter acting on another module's storage.</summary>
    public ModuleContext For(Address module) =>
        new(State, module, Block, Caller, Value, Store.Gas, Store.IsStatic, Logs, Modules);

    public void Emit(AbiEvent abiEvent, params object?[] args)
    {
        var (topics, data) = abiEvent.EncodeLog(args);
        Store.Charge(GasSchedule.LogBase + GasSchedule.LogPerTopic * (ulong)topics.Count + GasSchedule.LogPerByte * (ulong)data.Length);
        Logs.Add(new LogEntry(Module, topics, data));
    }

    /// <summary>Pays out of this module's account.</summary>
    public void Pay(Address to, UInt128 amount) => Store.Transfer(Module, to, amount);

    public void Burn(UInt128 amount) => Store.Transfer(Module, SystemAddresses.Burn, amount);

    public void ToTreasury(UInt128 amount) => Store.Transfer(Module, SystemAddresses.Treasury, amount);

    public T? TryGetModule<T>(Address address) where T : class, ISystemModule =>
        Modules.TryGet(address, out var module) ? module as T : null;
}
