using System.Runtime.InteropServices;
using OpenLedger.Core.Types;

namespace OpenLedger.Execution.State;

/// <summary>
/// A write-back cache over committed state with an undo journal. A block executes against one WorldState;
/// <see cref="Commit"/> hands the block's net changes to the backend (one trie update per touched key, no
/// matter how often a key changed) and returns the new state root.
/// </summary>
public sealed class WorldState : IWorldState
{
    private readonly IStateBackend _backend;
    private readonly Dictionary<Address, AccountRecord?> _accounts = new();
    private readonly Dictionary<(Address, Hash256), byte[]> _storage = new();
    private readonly List<JournalEntry> _journal = new();

    public WorldState(IStateBackend backend) => _backend = backend;

    public IStateBackend Backend => _backend;

    public bool AccountExists(Address address) => Load(address) is not null;

    public ulong GetNonce(Address address) => Load(address)?.Nonce ?? 0;

    public void SetNonce(Address address, ulong nonce)
    {
        ref var slot = ref Slot(address);
        _journal.Add(JournalEntry.ForAccount(address, slot));
        slot = (slot ?? default) with { Nonce = nonce };
    }

    public UInt128 GetBalance(Address address) => Load(address)?.Balance ?? 0;

    public void SetBalance(Address address, UInt128 balance)
    {
        ref var slot = ref Slot(address);
        _journal.Add(JournalEntry.ForAccount(address, slot));
        slot = (slot ?? default) with { Balance = balance };
    }

    // Add/Subtract look the account up once (these run several times per transaction: gas, value, refund, fees).
    public void AddBalance(Address address, UInt128 amount)
    {
        if (amount == 0) return;
        ref var slot = ref Slot(address);
        var current = slot ?? default;
        var balance = checked(current.Balance + amount);
        _journal.Add(JournalEntry.ForAccount(address, slot));
        slot = current with { Balance = balance };
    }

    public void SubtractBalance(Address address, UInt128 amount)
    {
        if (amount == 0) return;
        ref var slot = ref Slot(address);
        var current = slot ?? default;
        if (current.Balance < amount) throw new InsufficientBalanceException(address, current.Balance, amount);
        _journal.Add(JournalEntry.ForAccount(address, slot));
        slot = current with { Balance = current.Balance - amount };
    }

    public void Transfer(Address from, Address to, UInt128 amount)
    {
        SubtractBalance(from, amount);
        AddBalance(to, amount);
    }

    public void Burn(Address from, UInt128 amount) => Transfer(from, SystemAddresses.Burn, amount);

    public byte[] GetStorage(Address address, Hash256 key)
    {
        if (_storage.TryGetValue((address, key), out var value)) return value;
        value = _backend.GetStorage(address, key);
        _storage[(address, key)] = value;
        return value;
    }

    public void SetStorage(Address address, Hash256 key, ReadOnlySpan<byte> value)
    {
        var previous = GetStorage(address, key);
        _journal.Add(JournalEntry.ForStorage(address, key, previous));
        _storage[(address, key)] = value.ToArray();
        // Storage makes an account exist (modules' accounts always exist once used).
        if (Load(address) is null) Write(address, default);
    }

    public int TakeSnapshot() => _journal.Count;

    public void RevertToSnapshot(int snapshot)
    {
        if (snapshot < 0 || snapshot > _journal.Count) throw new ArgumentOutOfRangeException(nameof(snapshot));
        for (var i = _journal.Count - 1; i >= snapshot; i--)
        {
            var entry = _journal[i];
            if (entry.IsStorage) _storage[(entry.Address, entry.Key)] = entry.PreviousValue!;
            else _accounts[entry.Address] = entry.PreviousAccount;
        }
        _journal.RemoveRange(snapshot, _journal.Count - snapshot);
    }

    /// <summary>Writes the net changes to the backend and returns the new root. The journal is cleared.</summary>
    public Hash256 Commit()
    {
        var accounts = new Dictionary<Address, AccountRecord?>();
        var storage = new Dictionary<(Address, Hash256), byte[]>();
        foreach (var entry in _journal)
        {
            if (entry.IsStorage) storage[(entry.Address, entry.Key)] = _storage[(entry.Address, entry.Key)];
            else accounts[entry.Address] = _accounts[entry.Address];
        }
        _journal.Clear();
        _accounts.Clear();
        _storage.Clear();
        return _backend.Apply(accounts, storage);
    }

    /// <summary>The cached account, loaded from the backend on first use; valid until the next change of the cache.</summary>
    private ref AccountRecord? Slot(Address address)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_accounts, address, out var cached);
        if (cached) return ref slot;
        try
        {
            slot = _backend.GetAccount(address);
        }
        catch
        {
            _accounts.Remove(address);
            throw;
        }
        return ref slot;
    }

    private AccountRecord? Load(Address address)
    {
        if (_accounts.TryGetValue(address, out var cached)) return cached;
        var record = _backend.GetAccount(address);
        _accounts[address] = record;
        return record;
    }

    private void Write(Address address, AccountRecord record)
    {
        _journal.Add(JournalEntry.ForAccount(address, Load(address)));
        _accounts[address] = record;
    }

    private readonly record struct JournalEntry(bool IsStorage, Address Address, Hash256 Key, AccountRecord? PreviousAccount, byte[]? PreviousValue)
    {
        public static JournalEntry ForAccount(Address address, AccountRecord? previous) => new(false, address, default, previous, null);

        public static JournalEntry ForStorage(Address address, Hash256 key, byte[] previous) => new(true, address, key, null, previous);
    }
}
