using OpenLedger.State.Tests.Support;
using OpenLedger.Storage;
using Xunit;

namespace OpenLedger.State.Tests.Storage;

public sealed class RocksDbStoreTests : KeyValueStoreContractTests
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(60);
    private readonly TemporaryDirectory _directory = new();
    private readonly RocksDbStore _store;

    public RocksDbStoreTests()
    {
        _store = RocksDbStore.Open(_directory.Sub("db"));
    }

    protected override IKeyValueStore Store => _store;

    public override void Dispose()
    {
        _store.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void ABlockCacheBelowTheMinimum_IsRefusedNamingTheSetting()
    {
        var error = Assert.Throws<StorageException>(() =>
            RocksDbStore.Open(_directory.Sub("tiny-cache"), new RocksDbStoreOptions { BlockCacheMiB = RocksDbStoreOptions.MinBlockCacheMiB - 1 }));
        Assert.Contains("block cache", error.Message);
        Assert.Contains($"at least {RocksDbStoreOptions.MinBlockCacheMiB} MiB", error.Message);
    }

    [Fact]
    public void ReadsFromTableFiles_FillTheSharedBlockCache_UpToItsSize()
    {
        var path = _directory.Sub("cache");
        var options = new RocksDbStoreOptions { BlockCacheMiB = RocksDbStoreOptions.MinBlockCacheMiB };
        var random = new Random(11);
        var keys = Enumerable.Range(0, 40_000).Select(i => BitConverter.GetBytes(i * 7919)).ToList();
        using (var store = RocksDbStore.Open(path, options))
        {
            using var batch = store.CreateBatch();
            foreach (var key in keys)
            {
                var value = new byte[300];
                random.NextBytes(value);
                batch.Put(DbColumn.TrieNodes, key, value);
                batch.Put(DbColumn.FlatState, key, value[..80]);
            }
            store.Write(batch);
        }
        // Reopened, the data is in table files (the memtable was flushed on close or recovery), read through the cache.
        using (var reopened = RocksDbStore.Open(path, options))
        {
            Assert.Equal(RocksDbStoreOptions.MinBlockCacheMiB, reopened.Options.BlockCacheMiB);
            var before = reopened.BlockCacheUsageBytes;
            foreach (var key in keys.Take(2_000))
            {
                Assert.Equal(300, reopened.Get(DbColumn.TrieNodes, key)!.Length);
                Assert.Equal(80, reopened.Get(DbColumn.FlatState, key)!.Length);
            }
            Assert.True(reopened.BlockCacheUsageBytes > before, $"cache usage stayed at {before} bytes");
            // Both columns share the one cache, which is bounded (12 MB of values read in full).
            foreach (var key in keys) Assert.NotNull(reopened.Get(DbColumn.TrieNodes, key));
            Assert.True(reopened.BlockCacheUsageBytes <= (ulong)RocksDbStoreOptions.MinBlockCacheMiB << 20,
                $"cache holds {reopened.BlockCacheUsageBytes} bytes, more than {RocksDbStoreOptions.MinBlockCacheMiB} MiB");
        }
    }

    [Fact]
    public void WaitingForBackgroundWork_AfterALargeWrite_EndsWithNothingRunningOrPending()
    {
        var random = new Random(5);
        // Several memtables' worth in batches: flushes, and L0 files that compaction merges.
        for (var round = 0; round < 6; round++)
        {
            using var batch = _store.CreateBatch();
            for (var i = 0; i < 20_000; i++)
            {
                var key = new byte[32];
                random.NextBytes(key);
                batch.Put(DbColumn.TrieNodes, key, new byte[600]);
            }
            _store.Write(batch);
        }
        Assert.True(_store.WaitForBackgroundWork(TimeSpan.FromMinutes(2)), "RocksDB was still flushing or compacting after two minutes");
        Assert.False(_store.HasBackgroundWork());
        // An idle database answers at once.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(_store.WaitForBackgroundWork(TimeSpan.Zero));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(4 * 1024 * 1024)]
    public void A_batch_with_reserved_room_writes_exactly_what_was_put_and_reports_its_size(int reserved)
    {
        using (var batch = _store.CreateBatch(reserved))
        {
            Assert.Equal(12, batch.EncodedBytes); // RocksDB's batch header: sequence number and count
            for (var i = 0; i < 2_000; i++) batch.Put(DbColumn.Blocks, BitConverter.GetBytes(i), new byte[i % 700 + 1]);
            batch.Delete(DbColumn.Blocks, BitConverter.GetBytes(7));
            Assert.Equal(2_001, batch.Count);
            // Every operation adds at least its key and value to the encoding.
            Assert.InRange(batch.EncodedBytes, 12 + 2_000 * 4 + Enumerable.Range(0, 2_000).Sum(i => i % 700 + 1), long.MaxValue);
            _store.Write(batch, sync: true);
        }
        Assert.Null(_store.Get(DbColumn.Blocks, BitConverter.GetBytes(7)));
        for (var i = 0; i < 2_000; i++)
            if (i != 7) Assert.Equal(i % 700 + 1, _store.Get(DbColumn.Blocks, BitConverter.GetBytes(i))!.Length);
    }

    [Fact]
    public void Open_CreatesMissingDirectories()
    {
        var nested = _directory.Sub(Path.Combine("a", "b", "c"));
        using (var store = RocksDbStore.Open(nested))
        {
            store.Put(DbColumn.Meta, [1], [2]);
            Assert.Equal(Path.GetFullPath(nested), store.Directory);
        }
        Assert.True(File.Exists(Path.Combine(nested, "CURRENT")));
    }

    [Fact]
    public void Reopen_ShowsEverythingWrittenBeforeACleanClose()
    {
        var path = _directory.Sub("reopen");
        using (var store = RocksDbStore.Open(path))
        {
            foreach (var column in DbColumnNames.All)
                store.Put(column, [(byte)column], [(byte)column, 0x01]);
            using var batch = store.CreateBatch();
            for (var i = 0; i < 1000; i++) batch.Put(DbColumn.TrieNodes, BitConverter.GetBytes(i), BitConverter.GetBytes(i * 3));
            store.Write(batch);
            store.Delete(DbColumn.TrieNodes, BitConverter.GetBytes(7));
        }
        using (var reopened = RocksDbStore.Open(path))
        {
            foreach (var column in DbColumnNames.All)
                Assert.Equal(new byte[] { (byte)column, 0x01 }, reopened.Get(column, [(byte)column]));
            Assert.Equal(999, reopened.Iterate(DbColumn.TrieNodes).Count(e => e.Key.Length == 4));
            Assert.Equal(BitConverter.GetBytes(42 * 3), reopened.Get(DbColumn.TrieNodes, BitConverter.GetBytes(42)));
            Assert.Null(reopened.Get(DbColumn.TrieNodes, BitConverter.GetBytes(7)));
        }
    }

    [Fact]
    public void SecondOpenInTheSameProcess_FailsWithALockError_UntilTheFirstCloses()
    {
        var path = _directory.Sub("locked");
        var first = RocksDbStore.Open(path);
        var error = Assert.Throws<StorageException>(() => RocksDbStore.Open(path));
        Assert.Contains($"data directory {Path.GetFullPath(path)} is in use by another openledger process (LOCK held)", error.Message);

        first.Dispose();
        using var second = RocksDbStore.Open(path);
        second.Put(DbColumn.Meta, [1], [1]);
        Assert.Equal(new byte[] { 1 }, second.Get(DbColumn.Meta, [1]));
    }

    [Fact]
    public async Task OpenWhileAnotherProcessHoldsTheDirectory_FailsWithALockError()
    {
        var path = _directory.Sub("held");
        using (var child = TestChildProcess.Start("hold-lock", path))
        {
            Assert.Equal("opened", await child.ReadLineAsync(ChildTimeout));
            var error = Assert.Throws<StorageException>(() => RocksDbStore.Open(path));
            Assert.Contains("in use by another openledger process (LOCK held)", error.Message);

            child.CloseInput();
            Assert.True(child.WaitForExit(ChildTimeout), "the lock-holding child did not exit");
            Assert.Equal(0, child.ExitCode);
        }
        using var store = RocksDbStore.Open(path);
        Assert.Null(store.Get(DbColumn.Meta, [1]));
    }

    [Fact]
    public void DirectoryWithGarbageCurrentFile_IsReportedAsCorrupt()
    {
        var path = _directory.Sub("garbage");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "CURRENT"), "this is not a manifest name");
        var error = Assert.Throws<StorageException>(() => RocksDbStore.Open(path));
        Assert.Contains($"data directory {Path.GetFullPath(path)} is corrupt or is not an openledger database", error.Message);
    }

    [Fact]
    public void DatabaseWithDestroyedManifest_IsReportedAsCorrupt()
    {
        var path = _directory.Sub("manifest");
        using (var store = RocksDbStore.Open(path)) store.Put(DbColumn.Meta, [1], [1], sync: true);
        foreach (var manifest in Directory.GetFiles(path, "MANIFEST-*"))
            File.WriteAllBytes(manifest, Enumerable.Repeat((byte)0x5a, 4096).ToArray());
        var error = Assert.Throws<StorageException>(() => RocksDbStore.Open(path));
        Assert.Contains("is corrupt or is not an openledger database", error.Message);
    }

    [Fact]
    public void NonEmptyDirectoryWithoutADatabase_IsRefused()
    {
        var path = _directory.Sub("documents");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "notes.txt"), "not a database");
        var error = Assert.Throws<StorageException>(() => RocksDbStore.Open(path));
        Assert.Contains("is not empty and holds no openledger database", error.Message);
        Assert.False(File.Exists(Path.Combine(path, "CURRENT")));
    }

    [Fact]
    public void PathThatIsAFile_IsRefused()
    {
        var path = _directory.Sub("a-file");
        File.WriteAllText(path, "x");
        var error = Assert.Throws<StorageException>(() => RocksDbStore.Open(path));
        Assert.Contains("is a file, not a directory", error.Message);
    }

    [Fact]
    public void DisposedStore_RefusesToBeUsed()
    {
        var store = RocksDbStore.Open(_directory.Sub("disposed"));
        store.Dispose();
        Assert.Throws<ObjectDisposedException>(() => store.Get(DbColumn.Meta, [1]));
        Assert.Throws<ObjectDisposedException>(() => store.CreateBatch());
        store.Dispose();
    }

    [Fact]
    public async Task WriterKilledMidway_LosesNoAcknowledgedBatch_AndLeavesNoPartialBatch()
    {
        var path = _directory.Sub("crash");
        const int acksBeforeKill = 40;
        var lastAcked = -1;
        using (var child = TestChildProcess.Start("crash-writer", path))
        {
            while (lastAcked < acksBeforeKill - 1)
            {
                var line = await child.ReadLineAsync(ChildTimeout)
                           ?? throw new InvalidOperationException($"writer exited early: {child.ReadErrorsIfExited()}");
                Assert.StartsWith("ack ", line);
                lastAcked = int.Parse(line[4..]);
            }
            child.Kill();
            Assert.True(child.HasExited);
        }

        using var store = RocksDbStore.Open(path);
        var last = BitConverter.ToInt32(store.Get(DbColumn.Meta, "last"u8) ?? throw new InvalidOperationException("no batch survived"));
        Assert.True(last >= lastAcked, $"batch {lastAcked} was acknowledged but the store ends at {last}");
        for (var n = 0; n <= last; n++)
        {
            for (var k = 0; k < StorageChildModes.KeysPerBatch; k++)
                Assert.Equal(StorageChildModes.ValueOf(n, k), store.Get(DbColumn.Blocks, StorageChildModes.KeyOf(n, k)));
        }
        // Nothing of a batch after the last complete one may exist (it was not acknowledged and must be all-or-nothing).
        Assert.Empty(store.Iterate(DbColumn.Blocks, StorageChildModes.KeyOf(last + 1, 0)[..4]));
    }
}
