namespace OpenLedger.Storage;

/// <summary>
/// A store that counts point reads per column on their way to the real one: the scaling bench reports how many trie
/// nodes and flat rows a block read from the database (what grows with the number of accounts), and tests check that
/// work was served from memory. Everything else is passed through unchanged. Thread-safe as the inner store is.
/// </summary>
public sealed class CountingKeyValueStore(IKeyValueStore inner) : IKeyValueStore
{
    private readonly long[] _reads = new long[Enum.GetValues<DbColumn>().Max(c => (int)c) + 1];

    public IKeyValueStore Inner => inner;

    /// <summary>Point reads (<see cref="Get"/> and <see cref="Contains"/>) of <paramref name="column"/> so far.</summary>
    public long Reads(DbColumn column) => Interlocked.Read(ref _reads[(int)column]);

    /// <summary>Point reads of every column so far.</summary>
    public long TotalReads
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _reads.Length; i++) total += Interlocked.Read(ref _reads[i]);
            return total;
        }
    }

    public byte[]? Get(DbColumn column, ReadOnlySpan<byte> key)
    {
        Interlocked.Increment(ref _reads[(int)column]);
        return inner.Get(column, key);
    }

    public bool Contains(DbColumn column, ReadOnlySpan<byte> key)
    {
        Interlocked.Increment(ref _reads[(int)column]);
        return inner.Contains(column, key);
    }

    public void Put(DbColumn column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool sync = false) => inner.Put(column, key, value, sync);

    public void Delete(DbColumn column, ReadOnlySpan<byte> key, bool sync = false) => inner.Delete(column, key, sync);

    public IWriteBatch CreateBatch() => inner.CreateBatch();

    public IWriteBatch CreateBatch(int expectedBytes) => inner.CreateBatch(expectedBytes);

    public void Write(IWriteBatch batch, bool sync = false) => inner.Write(batch, sync);

    public IEnumerable<(byte[] Key, byte[] Value)> Iterate(DbColumn column, byte[]? prefix = null) => inner.Iterate(column, prefix);

    /// <summary>Disposes the store it wraps.</summary>
    public void Dispose() => inner.Dispose();
}
