namespace OpenLedger.Storage;

/// <summary>Unsigned lexicographic order of byte strings: RocksDB's default key order.</summary>
internal sealed class ByteArrayComparer : IComparer<byte[]>
{
    public static readonly ByteArrayComparer Instance = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
