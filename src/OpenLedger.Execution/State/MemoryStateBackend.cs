using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Execution.State;

/// <summary>
/// Committed state in dictionaries, for unit and property tests of the state machine. Its "root" is a
/// keccak over the sorted contents: equal states give equal roots, which is what replay tests need; the
/// node itself uses the Merkle Patricia Trie backend.
/// </summary>
public sealed class MemoryStateBackend : IStateBackend
{
    private readonly SortedDictionary<Address, AccountRecord> _accounts = new();
    private readonly SortedDictionary<(Address, Hash256), byte[]> _storage = new(Comparer<(Address, Hash256)>.Create((a, b) =>
    {
        var c = a.Item1.CompareTo(b.Item1);
        return c != 0 ? c : a.Item2.CompareTo(b.Item2);
    }));

    public Hash256 Root { get; private set; } = Hash256.EmptyTrieRoot;

    public AccountRecord? GetAccount(Address address) => _accounts.TryGetValue(address, out var a) ? a : null;

    public byte[] GetStorage(Address address, Hash256 key) => _storage.TryGetValue((address, key), out var v) ? v : [];

    public IEnumerable<(Address Address, AccountRecord Account)> Accounts => _accounts.Select(p => (p.Key, p.Value));

    public Hash256 Apply(IReadOnlyDictionary<Address, AccountRecord?> accounts, IReadOnlyDictionary<(Address, Hash256), byte[]> storage)
    {
        foreach (var (address, record) in accounts)
        {
            if (record is { } r) _accounts[address] = r;
            else _accounts.Remove(address);
        }
        foreach (var (key, value) in storage)
        {
            if (value.Length == 0) _storage.Remove(key);
            else _storage[key] = value;
        }
        var writer = new RlpWriter();
        var start = writer.BeginList();
        foreach (var (address, record) in _accounts)
        {
            writer.WriteBytes(address.Bytes);
            writer.WriteUInt64(record.Nonce);
            writer.WriteUInt128(record.Balance);
        }
        foreach (var ((address, slot), value) in _storage)
        {
            writer.WriteBytes(address.Bytes);
            writer.WriteBytes(slot.Bytes);
            writer.WriteBytes(value);
        }
        writer.EndList(start);
        Root = Keccak256.Hash(writer.WrittenSpan);
        return Root;
    }
}
