using System.Collections.Concurrent;
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
/// <see cref="PrefetchAccounts"/> reads the flat rows and trie paths of the accounts a block will touch on another
/// thread while the transactions run, into memory that the reads and the trie update then find (results are the same
/// with or without it: only where the bytes come from changes).
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
    // Prefetching (only with a flat table, i.e. for block execution): the account trie reads through _nodes.
    private readonly PrefetchingTrieNodeStore? _nodes;
    private readonly ConcurrentDictionary<Address, StateAccount?>? _prefetchedFlat;
    private Task? _prefetch;
    private volatile bool _stopPrefetch;
    // The prefetch walks trie paths from the last address (in Apply's order) down and stops where Apply, going up, is.
    private Address[] _prefetchOrder = [];
    private int _applyCursor = -1;

    /// <param name="cache">Decoded committed trie nodes shared between blocks (see <see cref="TrieNodeCache"/>).</param>
    /// <param name="flat">The flat account table; read instead of the trie while it holds the state at <paramref name="root"/>.</param>
    public TrieStateBackend(ITrieNodeStore store, Hash256 root, TrieNodeCache? cache = null, FlatAccountTable? flat = null)
    {
        _store = store;
        _cache = cache;
        _flat = flat;
        _openedAt = root;
        if (flat is not null)
        {
            _appliedAccounts = new Dictionary<Address, StateAccount?>();
            _flatReads = new Dictionary<Address, StateAccount?>();
            _nodes = new PrefetchingTrieNodeStore(store, cache);
            _prefetchedFlat = new ConcurrentDictionary<Address, StateAccount?>();
        }
        _accounts = new SecureTrie((ITrieNodeStore?)_nodes ?? store, root, cache);
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
                if (!_prefetchedFlat!.TryGetValue(address, out read))
                {
                    read = _flat.Get(address);
                    // Tells a prefetch coming the other way that it has met the transactions (see Prefetch).
                    if (_prefetch is not null) _prefetchedFlat.TryAdd(address, read);
                }
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

    /// <summary>
    /// Starts reading, on a pool thread, what the block will need of <paramref name="addresses"/> (in the order the
    /// transactions need them): first their flat rows, then the account trie nodes on their paths. Only warms memory
    /// this backend reads through; <see cref="Apply"/> stops it. Does nothing without a flat table (that is, outside
    /// block execution) or when called a second time.
    /// </summary>
    public void PrefetchAccounts(IReadOnlyList<Address> addresses)
    {
        if (_flat is null || _prefetch is not null || addresses.Count == 0) return;
        var inUseOrder = addresses.Distinct().ToArray();
        _prefetchOrder = inUseOrder.Order().ToArray();
        _prefetch = Task.Run(() => Prefetch(inUseOrder));
    }

    private void Prefetch(Address[] inUseOrder)
    {
        // Flat rows from the last transaction's accounts back: the transactions read them from the first one on, so the
        // two meet in the middle instead of racing for the same rows (each row is read once, by whichever gets there first).
        if (_flat!.IsAt(_openedAt))
        {
            for (var i = inUseOrder.Length - 1; i >= 0; i--)
            {
                var address = inUseOrder[i];
                if (_stopPrefetch || _prefetchedFlat!.ContainsKey(address)) break;
                var account = _flat.Get(address);
                // A row read while the table moved to another root is not the state at _openedAt (the table holds
                // the state of the root it is at, so being at _openedAt before and after the read is enough).
                if (!_flat.IsAt(_openedAt)) break;
                _prefetchedFlat!.TryAdd(address, account);
            }
        }
        for (var i = _prefetchOrder.Length - 1; i >= 0; i--)
        {
            if (_stopPrefetch || i <= Volatile.Read(ref _applyCursor)) return;
            // The leaf of an account whose flat row is known is rebuilt by the trie update, not read: skip it here too.
            var known = _prefetchedFlat!.TryGetValue(_prefetchOrder[i], out var row) && row is { } account ? account.Encode() : null;
            _nodes!.WarmSecurePath(_openedAt, _prefetchOrder[i].Bytes, known);
        }
    }

    /// <summary>Waits until a started prefetch has read everything it was given (tests and measurements).</summary>
    public void CompletePrefetch() => _prefetch?.Wait();

    /// <summary>Stops the prefetch and waits for it, so that nothing reads the store for this backend afterwards.</summary>
    private void StopPrefetch()
    {
        if (_prefetch is null) return;
        _stopPrefetch = true;
        try
        {
            _prefetch.Wait();
        }
        catch (AggregateException)
        {
            // A failed prefetch only means colder reads; the trie reports a real storage problem itself.
        }
    }

    /// <summary>Tells the prefetch which account the trie update has reached (both walk the same sorted order).</summary>
    private void ReachedInApply(Address address)
    {
        if (_prefetch is null) return;
        var index = Array.BinarySearch(_prefetchOrder, address);
        Volatile.Write(ref _applyCursor, index >= 0 ? index : ~index);
    }

    public Hash256 Apply(IReadOnlyDictionary<Address, AccountRecord?> accounts, IReadOnlyDictionary<(Address, Hash256), byte[]> storage)
    {
        try
        {
            return ApplyChanges(accounts, storage);
        }
        finally
        {
            StopPrefetch();
        }
    }

    private Hash256 ApplyChanges(IReadOnlyDictionary<Address, AccountRecord?> accounts, IReadOnlyDictionary<(Address, Hash256), byte[]> storage)
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
        foreach (var address in touched.Order())
        {
            ReachedInApply(address);
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
            _accounts.Set(address.Bytes, account.Encode(), CommittedEncoding(address));
            _changedAccounts[address] = account;
            if (_appliedAccounts is not null) _appliedAccounts[address] = account;
        }
        Root = _accounts.RootHash;
        return Root;
    }

    /// <summary>
    /// The account's encoding in the committed state this backend was opened at, when block execution read it from
    /// the flat table (null otherwise): the account trie rebuilds the account's leaf from it instead of reading it.
    /// </summary>
    private byte[]? CommittedEncoding(Address address) =>
        _flatReads is not null && _flatReads.TryGetValue(address, out var read) && read is { } account ? account.Encode() : null;

    /// <summary>How many account leaves the trie update rebuilt from flat-table rows instead of reading them (diagnostics).</summary>
    public int RebuiltAccountLeaves => _accounts.RebuiltLeaves;

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
