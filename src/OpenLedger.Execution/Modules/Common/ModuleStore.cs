using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Gas;
using OpenLedger.Execution.State;

namespace OpenLedger.Execution.Modules.Common;

/// <summary>
/// Typed access to one module's storage (the storage of its system address), charging the gas schedule
/// (docs/gas.md) to the caller's meter. Block hooks run with no meter: their work is paid for by the
/// transactions that scheduled it. A store opened for a view (eth_call) refuses writes.
/// </summary>
public sealed class ModuleStore
{
    public ModuleStore(IWorldState state, Address module, GasMeter? gas, bool isStatic)
    {
        State = state;
        Module = module;
        Gas = gas;
        IsStatic = isStatic;
    }

    public IWorldState State { get; }

    public Address Module { get; }

    public GasMeter? Gas { get; }

    public bool IsStatic { get; }

    /// <summary>The same state and meter, looking at another module's storage (for cross-module reads).</summary>
    public ModuleStore For(Address module) => new(State, module, Gas, IsStatic);

    public void Charge(ulong gas) => Gas?.Charge(gas);

    public byte[] Get(Hash256 key)
    {
        Charge(GasSchedule.StorageRead);
        return State.GetStorage(Module, key);
    }

    public void Set(Hash256 key, ReadOnlySpan<byte> value)
    {
        EnsureWritable();
        var previous = State.GetStorage(Module, key);
        if (previous.AsSpan().SequenceEqual(value) || value.Length == 0) Charge(GasSchedule.StorageWriteNoop);
        else Charge(previous.Length == 0 ? GasSchedule.StorageWriteNew : GasSchedule.StorageWriteUpdate);
        State.SetStorage(Module, key, value);
    }

    public void Delete(Hash256 key) => Set(key, []);

    public UInt128 GetU128(Hash256 key)
    {
        var raw = Get(key);
        return raw.Length == 0 ? 0 : new RlpReader(raw).ReadUInt128();
    }

    public void SetU128(Hash256 key, UInt128 value)
    {
        if (value == 0) { Delete(key); return; }
        var writer = new RlpWriter(20);
        writer.WriteUInt128(value);
        Set(key, writer.WrittenSpan);
    }

    public ulong GetU64(Hash256 key)
    {
        var raw = Get(key);
        return raw.Length == 0 ? 0 : new RlpReader(raw).ReadUInt64();
    }

    public void SetU64(Hash256 key, ulong value)
    {
        if (value == 0) { Delete(key); return; }
        var writer = new RlpWriter(10);
        writer.WriteUInt64(value);
        Set(key, writer.WrittenSpan);
    }

    public Address GetAddress(Hash256 key)
    {
        var raw = Get(key);
        return raw.Length == 0 ? Address.Zero : new Address(raw);
    }

    public void SetAddress(Hash256 key, Address value)
    {
        if (value.IsZero) { Delete(key); return; }
        Set(key, value.Bytes);
    }

    public void AddU128(Hash256 key, UInt128 amount)
    {
        if (amount == 0) return;
        SetU128(key, checked(GetU128(key) + amount));
    }

    public void SubU128(Hash256 key, UInt128 amount, string what)
    {
        if (amount == 0) return;
        var current = GetU128(key);
        if (current < amount) throw new InvalidOperationException($"accounting error: {what} {current} < {amount}");
        SetU128(key, current - amount);
    }

    /// <summary>Returns the next value of a counter (1, 2, 3, …); ids start at 1 so 0 can mean "none".</summary>
    public ulong NextId(string counter)
    {
        var key = StorageKey.Of("counter", counter);
        var next = GetU64(key) + 1;
        SetU64(key, next);
        return next;
    }

    public ulong LastId(string counter) => GetU64(StorageKey.Of("counter", counter));

    /// <summary>Moves OPEN between accounts (escrow in, payout out); the module's storage is not involved.</summary>
    public void Transfer(Address from, Address to, UInt128 amount)
    {
        if (amount == 0) return;
        EnsureWritable();
        Charge(GasSchedule.BalanceTransfer);
        State.Transfer(from, to, amount);
    }

    private void EnsureWritable()
    {
        if (IsStatic) throw new ModuleRevertException("state cannot change in a static call (eth_call of a transaction function is read-only)");
    }
}
