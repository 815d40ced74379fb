namespace OpenLedger.Storage;

/// <summary>
/// The node's database: byte keys and values in <see cref="DbColumn"/> columns. Writes of one
/// <see cref="IWriteBatch"/> are atomic; <c>sync</c> waits until the write is on disk (fsync) before returning.
/// Implementations are safe to use from several threads.
/// </summary>
public interface IKeyValueStore : IDisposable
{
    /// <summary>The value under <paramref name="key"/>, or null. The returned array belongs to the caller.</summary>
    byte[]? Get(DbColumn column, ReadOnlySpan<byte> key);

    bool Contains(DbColumn column, ReadOnlySpan<byte> key);

    void Put(DbColumn column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool sync = false);

    /// <summary>Removes the key; removing a key that is not there is not an error.</summary>
    void Delete(DbColumn column, ReadOnlySpan<byte> key, bool sync = false);

    IWriteBatch CreateBatch();

    /// <summary>
    /// A batch with room for about <paramref name="expectedBytes"/> of operations set aside up front (a block's batch is
    /// megabytes; growing it by doubling copies it and touches fresh memory each time). Only a hint.
    /// </summary>
    IWriteBatch CreateBatch(int expectedBytes) => CreateBatch();

    /// <summary>Applies every operation of <paramref name="batch"/> at once, in the order they were added.</summary>
    void Write(IWriteBatch batch, bool sync = false);

    /// <summary>
    /// Entries of <paramref name="column"/> whose key starts with <paramref name="prefix"/> (all when null),
    /// in ascending unsigned byte order of the keys. The enumeration sees the store as it was when it started.
    /// </summary>
    IEnumerable<(byte[] Key, byte[] Value)> Iterate(DbColumn column, byte[]? prefix = null);
}
