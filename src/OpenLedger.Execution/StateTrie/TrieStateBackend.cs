using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;
using OpenLedger.Execution.State;
using OpenLedger.State.Trie;
using OpenLedger.Storage;

namespace OpenLedger.Execution.StateTrie;

/// <summary>
/// World state in Ethereum's layout, so roots and eth_getProof are standard: a secure trie of accounts
/// (RLP [nonce, balance, storageRoot, codeHash]) and one secure storage trie per account whose values are
/// RLP byte strings. New nodes stay in memory until <see cref="CommitTo"/> writes them into the block's batch.
/// Block execution reads accounts from the flat account table when it is given one that holds the state this
/// backend was opened at (the head), and the trie is then only walked to write the changed accounts.
/// </summary>
public sealed class TrieStateBackend : IStateBackend
{
    private readonly ITrieNodeStore _store;
    private readonly TrieNodeCache? _cache;
    private readonly FlatAccountTable? _flat;
    private readonly Hash256 _openedAt;
    private readonly SecureTrie _accounts;
    private readonly Dictionary<Address, SecureTrie> _storageTries = new();
    private readonly Dictionary<Address, StateAccount?> _changedAccounts = new();
    // Every account this backend changed since it was opened: with the flat table (state at _openedAt) it gives
    // the current state. Kept only when there is a flat table.
    private readonly Dictionary<Address, StateAccount?>? _appliedAccounts;
    // Accounts read from the flat table: Apply needs each touched account's storage root once more.
    private readonly Dictionary<Address, StateAccount?>? _flatReads;

    /// <param name="cache">Decoded committed trie nodes shared between blocks (see <see cref="TrieNodeCache"/>).</param>
    /// <param name="flat">The flat account table; read instead of the trie while it holds the state at <paramref name="root"/>.</param>
    public TrieStateBackend(ITrieNodeStore store, Hash256 root, TrieNodeCache? cache = null, FlatAccountTable? flat = null)
    {
        _store = store;
        _cache = cache;
        _flat = flat;
        _openedAt = root;
        _accounts = new SecureTrie(store, root, cache);
        if (flat is not null)
        {
            _appliedAccounts = new Dictionary<Address, StateAccount?>();
            _flatReads = new Dictionary<Address, StateAccount?>();
        }
        Root = root;
    }

    public Hash256 Root { get; private set; }

    public AccountRecord? GetAccount(Address address) =>
        GetStateAccount(address) is { } account ? new AccountRecord(account.Nonce, account.Balance) : null;

    public StateAccount? GetStateAccount(Address address)
    {
        if (_flat is not null)
        {
            if (_appliedAccounts!.TryGetValue(address, out var applied)) return applied;
            if (_flat.IsAt(_openedAt))
            {
                if (_flatReads!.TryGetValue(address, out var read)) return read;
                read = _flat.Get(address);
                _flatReads[address] = read;
                return read;
            }
        }
        var encoded = _accounts.Get(address.Bytes);
        return encoded is null ? null : StateAccount.Decode(encoded);
    }

    public byte[] GetStorage(Address address, Hash256 key)
    {
        var trie = StorageTrie(address);
        var encoded = trie?.Get(key.Bytes);
        if (encoded is null) return [];
        var reader = new RlpReader(encoded);
        return reader.ReadBytes().ToArray();
    }

    public Hash256 Apply(IReadOnlyDictionary<Address, AccountRecord?> accounts, IReadOnlyDictionary<(Address, Hash256), byte[]> storage)
    {
        var touched = new HashSet<Address>(accounts.Keys);
        var writer = new RlpWriter(64);
        foreach (var ((address, key), value) in storage)
        {
            touched.Add(address);
            var trie = StorageTrie(address) ?? NewStorageTrie(address);
            if (value.Length == 0)
            {
                trie.Delete(key.Bytes);
            }
            else
            {
                writer.Reset();
                writer.WriteBytes(value);
                trie.Set(key.Bytes, writer.WrittenSpan);
            }
        }
        foreach (var address in touched.OrderBy(a => a))
        {
            var record = accounts.TryGetValue(address, out var changed) ? changed : GetAccount(address);
            var storageRoot = _storageTries.TryGetValue(address, out var st) ? st.RootHash : (GetStateAccount(address)?.StorageRoot ?? Hash256.EmptyTrieRoot);
            if (record is null && storageRoot == Hash256.EmptyTrieRoot)
            {
                _accounts.Delete(address.Bytes);
                _changedAccounts[address] = null;
                if (_appliedAccounts is not null) _appliedAccounts[address] = null;
                continue;
            }
            var r = record ?? default;
            var account = new StateAccount(r.Nonce, r.Balance, storageRoot, Hash256.EmptyCodeHash);
            _accounts.Set(address.Bytes, account.Encode());
            _changedAccounts[address] = account;
            if (_appliedAccounts is not null) _appliedAccounts[address] = account;
        }
        Root = _accounts.RootHash;
        return Root;
    }

    /// <summary>Writes every node created since the last commit.</summary>
    public void CommitTo(ITrieNodeSink sink)
    {
        foreach (var trie in _storageTries.Values) trie.Commit(sink);
        _accounts.Commit(sink);
    }

    /// <summary>
    /// Writes the accounts changed since the last call into the flat account table (address → account RLP),
    /// in the same batch as the trie nodes, so the table always equals the committed head state.
    /// </summary>
    public void CommitFlatState(IWriteBatch batch)
    {
        foreach (var (address, account) in _changedAccounts)
        {
            if (account is { } a) batch.Put(DbColumn.FlatState, address.Bytes, a.Encode());
            else batch.Delete(DbColumn.FlatState, address.Bytes);
        }
        _changedAccounts.Clear();
    }

    /// <summary>Every account in the committed state at <see cref="Root"/> (keys are keccak256(address)).</summary>
    public IEnumerable<(Hash256 AddressHash, StateAccount Account)> EnumerateAccounts() =>
        new PatriciaTrie(_store, Root).Enumerate().Select(entry => (new Hash256(entry.Key), StateAccount.Decode(entry.Value)));

    public IReadOnlyList<byte[]> GetAccountProof(Address address) => _accounts.GetProof(address.Bytes);

    public IReadOnlyList<byte[]> GetStorageProof(Address address, Hash256 key) =>
        StorageTrie(address)?.GetProof(key.Bytes) ?? [];

    private SecureTrie? StorageTrie(Address address)
    {
        if (_storageTries.TryGetValue(address, out var trie)) return trie;
        var account = GetStateAccount(address);
        if (account is null || account.Value.StorageRoot == Hash256.EmptyTrieRoot) return null;
        trie = new SecureTrie(_store, account.Value.StorageRoot, _cache);
        _storageTries[address] = trie;
        return trie;
    }

    private SecureTrie NewStorageTrie(Address address)
    {
        var trie = new SecureTrie(_store, Hash256.EmptyTrieRoot, _cache);
        _storageTries[address] = trie;
        return trie;
    }
}
