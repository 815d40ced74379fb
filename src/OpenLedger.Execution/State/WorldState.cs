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
    private readonly Dictionary<Address, CachedAccount> _accounts = new();
    private readonly Dictionary<(Address, Hash256), CachedValue> _storage = new();
    // Undo entries for reverting a failed call. Commit does not need them (cached entries carry a Changed flag),
    // so the block executor drops them after every transaction: the journal stays one transaction long.
    private readonly List<JournalEntry> _journal = new();

    public WorldState(IStateBackend backend) => _backend = backend;

    public IStateBackend Backend => _backend;

    public bool AccountExists(Address address) => Load(address) is not null;

    public ulong GetNonce(Address address) => Load(address)?.Nonce ?? 0;

    public void SetNonce(Address address, ulong nonce)
    {
        ref var slot = ref Slot(address);
        _journal.Add(JournalEntry.ForAccount(address, slot));
        slot = new CachedAccount((slot.Record ?? default) with { Nonce = nonce }, Changed: true);
    }

    public UInt128 GetBalance(Address address) => Load(address)?.Balance ?? 0;

    public void SetBalance(Address address, UInt128 balance)
    {
        ref var slot = ref Slot(address);
        _journal.Add(JournalEntry.ForAccount(address, slot));
        slot = new CachedAccount((slot.Record ?? default) with { Balance = balance }, Changed: true);
    }

    // Add/Subtract look the account up once (these run several times per transaction: gas, value, refund, fees).
    public void AddBalance(Address address, UInt128 amount)
    {
        if (amount == 0) return;
        ref var slot = ref Slot(address);
        var current = slot.Record ?? default;
        var balance = checked(current.Balance + amount);
        _journal.Add(JournalEntry.ForAccount(address, slot));
        slot = new CachedAccount(current with { Balance = balance }, Changed: true);
    }

    public void SubtractBalance(Address address, UInt128 amount)
    {
        if (amount == 0) return;
        ref var slot = ref Slot(address);
        var current = slot.Record ?? default;
        if (current.Balance < amount) throw new InsufficientBalanceException(address, current.Balance, amount);
        _journal.Add(JournalEntry.ForAccount(address, slot));
        slot = new CachedAccount(current with { Balance = current.Balance - amount }, Changed: true);
    }

    public void Transfer(Address from, Address to, UInt128 amount)
    {
        SubtractBalance(from, amount);
        AddBalance(to, amount);
    }

    public void Burn(Address from, UInt128 amount) => Transfer(from, SystemAddresses.Burn, amount);

    public byte[] GetStorage(Address address, Hash256 key)
    {
        if (_storage.TryGetValue((address, key), out var cached)) return cached.Value;
        var value = _backend.GetStorage(address, key);
        _storage[(address, key)] = new CachedValue(value, Changed: false);
        return value;
    }

    public void SetStorage(Address address, Hash256 key, ReadOnlySpan<byte> value)
    {
        GetStorage(address, key);
        _journal.Add(JournalEntry.ForStorage(address, key, _storage[(address, key)]));
        _storage[(address, key)] = new CachedValue(value.ToArray(), Changed: true);
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
            if (entry.IsStorage) _storage[(entry.Address, entry.Key)] = entry.PreviousValue;
            else _accounts[entry.Address] = entry.PreviousAccount;
        }
        _journal.RemoveRange(snapshot, _journal.Count - snapshot);
    }

    /// <summary>
    /// Makes every change so far final for this block: snapshots taken before can no longer be reverted to (reverting
    /// to one throws). Called between transactions so the undo journal does not grow with the block.
    /// </summary>
    public void ForgetUndoHistory() => _journal.Clear();

    /// <summary>Writes the net changes to the backend and returns the new root. The cache and journal are cleared.</summary>
    public Hash256 Commit()
    {
        var accounts = new Dictionary<Address, AccountRecord?>();
        var storage = new Dictionary<(Address, Hash256), byte[]>();
        foreach (var (address, cached) in _accounts)
            if (cached.Changed) accounts[address] = cached.Record;
        foreach (var (key, cached) in _storage)
            if (cached.Changed) storage[key] = cached.Value;
        _journal.Clear();
        _accounts.Clear();
        _storage.Clear();
        return _backend.Apply(accounts, storage);
    }

    /// <summary>The cached account, loaded from the backend on first use; valid until the next change of the cache.</summary>
    private ref CachedAccount Slot(Address address)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_accounts, address, out var cached);
        if (cached) return ref slot;
        try
        {
            slot = new CachedAccount(_backend.GetAccount(address), Changed: false);
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
        if (_accounts.TryGetValue(address, out var cached)) return cached.Record;
        var record = _backend.GetAccount(address);
        _accounts[address] = new CachedAccount(record, Changed: false);
        return record;
    }

    private void Write(Address address, AccountRecord record)
    {
        ref var slot = ref Slot(address);
        _journal.Add(JournalEntry.ForAccount(address, slot));
        slot = new CachedAccount(record, Changed: true);
    }

    /// <summary>An account as this block sees it; Changed: written since the block started (Commit writes it).</summary>
    private readonly record struct CachedAccount(AccountRecord? Record, bool Changed);

    private readonly record struct CachedValue(byte[] Value, bool Changed);

    private readonly record struct JournalEntry(bool IsStorage, Address Address, Hash256 Key, CachedAccount PreviousAccount, CachedValue PreviousValue)
    {
        public static JournalEntry ForAccount(Address address, CachedAccount previous) => new(false, address, default, previous, default);

        public static JournalEntry ForStorage(Address address, Hash256 key, CachedValue previous) => new(true, address, key, default, previous);
    }
}
