using System.Numerics;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Execution.Modules.Common;

/// <summary>
/// Reads a record written by <see cref="RecordWriter"/>, field by field. Fields appended to a record in a later
/// version read as zero/empty from older records, so records can grow without a migration.
/// </summary>
public sealed class RecordReader
{
    private readonly List<byte[]> _items = new();
    private int _next;

    public RecordReader(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        var list = reader.ReadList();
        while (list.HasMore) _items.Add(list.ReadEncodedItem().ToArray());
        reader.EnsureEnd("stored record");
    }

    private byte[]? Next() => _next < _items.Count ? _items[_next++] : null;

    public ulong U64() => Next() is { } item ? new RlpReader(item).ReadUInt64() : 0;

    public UInt128 U128() => Next() is { } item ? new RlpReader(item).ReadUInt128() : 0;

    public BigInteger Big() => Next() is { } item ? new RlpReader(item).ReadUInt256() : BigInteger.Zero;

    public bool Bool() => U64() != 0;

    public Address Addr() => Next() is { } item ? new Address(new RlpReader(item).ReadBytes(Address.Length, "address")) : Address.Zero;

    public Hash256 Hash() => Next() is { } item ? new Hash256(new RlpReader(item).ReadBytes(Hash256.Length, "hash")) : Hash256.Zero;

    public byte[] Bytes() => Next() is { } item ? new RlpReader(item).ReadBytes().ToArray() : [];

    public string Str() => System.Text.Encoding.UTF8.GetString(Bytes());

    public ulong[] U64List()
    {
        if (Next() is not { } item) return [];
        var outer = new RlpReader(item);
        var list = outer.ReadList();
        var values = new List<ulong>();
        while (list.HasMore) values.Add(list.ReadUInt64());
        return values.ToArray();
    }

    public UInt128[] U128List()
    {
        if (Next() is not { } item) return [];
        var outer = new RlpReader(item);
        var list = outer.ReadList();
        var values = new List<UInt128>();
        while (list.HasMore) values.Add(list.ReadUInt128());
        return values.ToArray();
    }

    public Address[] AddrList()
    {
        if (Next() is not { } item) return [];
        var outer = new RlpReader(item);
        var list = outer.ReadList();
        var values = new List<Address>();
        while (list.HasMore) values.Add(new Address(list.ReadBytes(Address.Length, "address")));
        return values.ToArray();
    }
}
