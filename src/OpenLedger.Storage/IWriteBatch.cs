namespace OpenLedger.Storage;

/// <summary>Operations collected for one atomic <see cref="IKeyValueStore.Write"/>. Belongs to the store that created it.</summary>
public interface IWriteBatch : IDisposable
{
    void Put(DbColumn column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    void Delete(DbColumn column, ReadOnlySpan<byte> key);

    /// <summary>The number of operations added so far.</summary>
    int Count { get; }

    /// <summary>The size of the batch's encoding so far, where the store keeps one (0 where it does not).</summary>
    long EncodedBytes => 0;
}
