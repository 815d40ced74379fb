using RocksDbSharp;

namespace OpenLedger.Storage;

/// <summary>
/// The node's on-disk database: one RocksDB instance with a column family per <see cref="DbColumn"/>.
/// RocksDB's write-ahead log makes each <see cref="Write"/> atomic across columns; with <c>sync</c> the call
/// returns only after the log is fsynced, so an acknowledged batch survives a crash or power loss.
/// </summary>
public sealed class RocksDbStore : IKeyValueStore
{
    private readonly RocksDb _db;
    private readonly ColumnFamilyHandle[] _handles;
    // Shared by every column's table options (the native options hold their own reference); kept for its usage figure.
    private readonly Cache _blockCache;
    /// <summary>Memory all memtables may hold together before RocksDB flushes one.</summary>
    public const ulong MemtableBudgetBytes = 64UL << 20;

    private readonly WriteOptions _syncWrite = new WriteOptions().SetSync(true);
    private readonly WriteOptions _asyncWrite = new WriteOptions().SetSync(false);
    private volatile bool _disposed;

    private RocksDbStore(RocksDb db, string directory, Cache blockCache, RocksDbStoreOptions options)
    {
        _db = db;
        _blockCache = blockCache;
        Options = options;
        Directory = directory;
        _handles = DbColumnNames.All.Select(c => db.GetColumnFamily(DbColumnNames.NameOf(c))).ToArray();
    }

    /// <summary>The data directory, as an absolute path.</summary>
    public string Directory { get; }

    public RocksDbStoreOptions Options { get; }

    /// <summary>Bytes the shared block cache holds now.</summary>
    public ulong BlockCacheUsageBytes => _blockCache.GetUsage();

    /// <summary>
    /// Opens (creating when needed) the database in <paramref name="directory"/>, adding any missing column
    /// families. Throws <see cref="StorageException"/> when another process holds the directory, or when it
    /// is not (or no longer) a readable database.
    /// </summary>
    public static RocksDbStore Open(string directory, RocksDbStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options ??= new RocksDbStoreOptions();
        options.Validate();
        var path = Path.GetFullPath(directory);
        if (File.Exists(path))
            throw new StorageException($"data directory {path} is a file, not a directory; pass a directory path");
        try
        {
            System.IO.Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"cannot create data directory {path}: {e.Message}", e);
        }
        if (!LooksLikeDatabaseOrEmpty(path))
            throw new StorageException(
                $"data directory {path} is not empty and holds no openledger database; pass an empty or new directory");

        var dbOptions = new DbOptions()
            .SetCreateIfMissing(true)
            .SetCreateMissingColumnFamilies(true)
            .SetParanoidChecks(true)
            .SetMaxOpenFiles(512)
            // One memtable budget for all columns: without it each of the 10 columns fills its own 64 MiB memtable
            // (up to two) before flushing, and a node under steady load grew by ~25 MiB/min for many minutes
            // (docs/performance.md, soak). With it the largest memtable is flushed once they hold 64 MiB together.
            .SetDbWriteBufferSize(MemtableBudgetBytes);

        var blockCache = Cache.CreateLru((ulong)options.BlockCacheMiB << 20);
        try
        {
            var columnFamilies = new ColumnFamilies(CreateColumnOptions(blockCache));
            foreach (var column in DbColumnNames.All.Where(c => c != DbColumn.Default))
                columnFamilies.Add(DbColumnNames.NameOf(column), CreateColumnOptions(blockCache));
            // RocksDB refuses to open a database without naming every column family it has, including ones a
            // newer version of the node may have added.
            if (RocksDb.TryListColumnFamilies(dbOptions, path, out var existing))
            {
                var known = columnFamilies.Names.ToHashSet();
                foreach (var name in existing.Where(n => !known.Contains(n)))
                    columnFamilies.Add(name, CreateColumnOptions(blockCache));
            }
            var db = RocksDb.Open(dbOptions, path, columnFamilies);
            return new RocksDbStore(db, path, blockCache, options);
        }
        catch (RocksDbException e)
        {
            throw Translate(path, e);
        }
    }

    public byte[]? Get(DbColumn column, ReadOnlySpan<byte> key)
    {
        var handle = HandleOf(column);
        try
        {
            return _db.Get(key, handle, null);
        }
        catch (RocksDbException e)
        {
            throw new StorageException($"reading {DbColumnNames.NameOf(column)} from {Directory} failed: {e.Message}", e);
        }
    }

    public bool Contains(DbColumn column, ReadOnlySpan<byte> key)
    {
        var handle = HandleOf(column);
        try
        {
            return _db.HasKey(key, handle, null);
        }
        catch (RocksDbException e)
        {
            throw new StorageException($"reading {DbColumnNames.NameOf(column)} from {Directory} failed: {e.Message}", e);
        }
    }

    public void Put(DbColumn column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool sync = false)
    {
        var handle = HandleOf(column);
        try
        {
            _db.Put(key, value, handle, sync ? _syncWrite : _asyncWrite);
        }
        catch (RocksDbException e)
        {
            throw WriteFailed(e);
        }
    }

    public void Delete(DbColumn column, ReadOnlySpan<byte> key, bool sync = false)
    {
        var handle = HandleOf(column);
        try
        {
            _db.Remove(key, handle, sync ? _syncWrite : _asyncWrite);
        }
        catch (RocksDbException e)
        {
            throw WriteFailed(e);
        }
    }

    public IWriteBatch CreateBatch() => CreateBatch(0);

    public IWriteBatch CreateBatch(int expectedBytes)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new RocksDbWriteBatch(this, expectedBytes);
    }

    public void Write(IWriteBatch batch, bool sync = false)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch is not RocksDbWriteBatch rocksBatch || !ReferenceEquals(rocksBatch.Owner, this))
            throw new ArgumentException("the batch was created by a different store", nameof(batch));
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            _db.Write(rocksBatch.Native, sync ? _syncWrite : _asyncWrite);
        }
        catch (RocksDbException e)
        {
            throw WriteFailed(e);
        }
    }

    public IEnumerable<(byte[] Key, byte[] Value)> Iterate(DbColumn column, byte[]? prefix = null)
    {
        var handle = HandleOf(column);
        using var iterator = _db.NewIterator(handle);
        if (prefix is null) iterator.SeekToFirst();
        else iterator.Seek(prefix);
        while (iterator.Valid())
        {
            if (prefix is not null && !iterator.GetKeySpan().StartsWith(prefix)) yield break;
            yield return (iterator.Key(), iterator.Value());
            ObjectDisposedException.ThrowIf(_disposed, this);
            iterator.Next();
        }
    }

    /// <summary>
    /// Waits until RocksDB has no flush or compaction running or pending (every column), polling its properties, for
    /// at most <paramref name="timeout"/>. Right after a large write (a million-account genesis) the compactions it
    /// starts keep a core busy for many seconds; measurements that stand for a node that has been running wait here.
    /// </summary>
    /// <returns>True when RocksDB became idle within the timeout.</returns>
    public bool WaitForBackgroundWork(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (!HasBackgroundWork()) return true;
            if (DateTime.UtcNow >= deadline) return false;
            Thread.Sleep(50);
        }
    }

    /// <summary>Whether a flush or compaction is running or pending in any column.</summary>
    public bool HasBackgroundWork()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (PropertyAsLong("rocksdb.num-running-compactions", null) > 0 || PropertyAsLong("rocksdb.num-running-flushes", null) > 0)
            return true;
        foreach (var handle in _handles)
            if (PropertyAsLong("rocksdb.compaction-pending", handle) > 0 || PropertyAsLong("rocksdb.mem-table-flush-pending", handle) > 0)
                return true;
        return false;
    }

    private long PropertyAsLong(string name, ColumnFamilyHandle? handle)
    {
        var text = handle is null ? _db.GetProperty(name) : _db.GetProperty(name, handle);
        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : 0;
    }

    /// <summary>
    /// Closes the database, releasing the directory's LOCK for other processes. Finish (or dispose) every
    /// enumeration from <see cref="Iterate"/> first: RocksDB iterators must not outlive the database.
    /// </summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _db.Dispose();
    }

    internal ColumnFamilyHandle HandleOf(DbColumn column)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var index = (int)column;
        if ((uint)index >= (uint)_handles.Length)
            throw new ArgumentOutOfRangeException(nameof(column), column, "unknown database column");
        return _handles[index];
    }

    private StorageException WriteFailed(RocksDbException e) =>
        new($"writing to data directory {Directory} failed (is the disk full or read-only?): {e.Message}", e);

    private static ColumnFamilyOptions CreateColumnOptions(Cache blockCache)
    {
        // Point lookups dominate (trie nodes by hash, blocks by hash): a Bloom filter skips most table files.
        // Without a cache of its own, RocksDB gives every column a private 32 MiB block cache: eleven caches, of
        // which the two that block execution reads at random (trie nodes, flat state) cannot use the others' room.
        // One shared cache bounds the total and lets the hot columns use all of it. Index and filter blocks stay
        // with the open table files (RocksDB's default, a few MiB at 1M accounts) rather than in the cache, where
        // every read would have to look them up and an eviction would cost an extra read.
        var table = new BlockBasedTableOptions()
            .SetFilterPolicy(BloomFilterPolicy.Create(10, false))
            .SetWholeKeyFiltering(true)
            .SetBlockCache(blockCache.Handle);
        return new ColumnFamilyOptions().SetBlockBasedTableFactory(table);
    }

    private static bool LooksLikeDatabaseOrEmpty(string path)
    {
        var entries = System.IO.Directory.EnumerateFileSystemEntries(path).Select(Path.GetFileName).ToList();
        return entries.Count == 0 || entries.Contains("CURRENT") || entries.Contains("LOCK") || entries.Contains("IDENTITY");
    }

    private static StorageException Translate(string path, RocksDbException e)
    {
        var message = e.Message;
        if (message.Contains("lock", StringComparison.OrdinalIgnoreCase))
            return new StorageException(
                $"data directory {path} is in use by another openledger process (LOCK held); stop that process or use another data directory",
                e);
        if (message.Contains("Corruption", StringComparison.OrdinalIgnoreCase) ||
            message.Contains("Invalid argument", StringComparison.OrdinalIgnoreCase) ||
            message.Contains("not a", StringComparison.OrdinalIgnoreCase))
            return new StorageException(
                $"data directory {path} is corrupt or is not an openledger database ({message}); restore it from a backup or sync into an empty directory",
                e);
        return new StorageException($"cannot open data directory {path}: {message}", e);
    }
}
