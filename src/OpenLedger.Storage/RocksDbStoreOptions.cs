namespace OpenLedger.Storage;

/// <summary>Tuning of a <see cref="RocksDbStore"/> that does not change what is stored (docs/operations.md).</summary>
public sealed record RocksDbStoreOptions
{
    public const int DefaultBlockCacheMiB = 256;
    public const int MinBlockCacheMiB = 8;

    /// <summary>
    /// One LRU cache, shared by every column, for uncompressed table blocks. Block execution reads trie nodes and flat account rows at random; the blocks it has read once are
    /// then served from memory. The cache grows up to this size as the node runs and is part of its RSS.
    /// </summary>
    public int BlockCacheMiB { get; init; } = DefaultBlockCacheMiB;

    /// <summary>Throws <see cref="StorageException"/> naming the setting when a value cannot be used.</summary>
    public void Validate()
    {
        if (BlockCacheMiB < MinBlockCacheMiB)
            throw new StorageException(
                $"database block cache of {BlockCacheMiB} MiB is too small; use at least {MinBlockCacheMiB} MiB (default {DefaultBlockCacheMiB})");
    }
}
