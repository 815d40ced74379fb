using System.Numerics;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Execution.Modules.Common;

/// <summary>Writes one stored record as an RLP list of fields, in the order the record's reader expects them.</summary>
public sealed class RecordWriter
{
    private readonly RlpWriter _writer = new(128);
    private readonly int _start;

    public RecordWriter() => _start = _writer.BeginList();

    public RecordWriter U64(ulong value) { _writer.WriteUInt64(value); return this; }

    public RecordWriter U128(UInt128 value) { _writer.WriteUInt128(value); return this; }

    public RecordWriter Big(BigInteger value) { _writer.WriteBigInteger(value); return this; }

    public RecordWriter Bool(bool value) { _writer.WriteBool(value); return this; }

    public RecordWriter Addr(Address value) { _writer.WriteBytes(value.Bytes); return this; }

    public RecordWriter Hash(Hash256 value) { _writer.WriteBytes(value.Bytes); return this; }

    public RecordWriter Bytes(ReadOnlySpan<byte> value) { _writer.WriteBytes(value); return this; }

    public RecordWriter Str(string value) { _writer.WriteString(value); return this; }

    public RecordWriter U64List(IEnumerable<ulong> values)
    {
        var start = _writer.BeginList();
        foreach (var v in values) _writer.WriteUInt64(v);
        _writer.EndList(start);
        return this;
    }

    public RecordWriter U128List(IEnumerable<UInt128> values)
    {
        var start = _writer.BeginList();
        foreach (var v in values) _writer.WriteUInt128(v);
        _writer.EndList(start);
        return this;
    }

    public RecordWriter AddrList(IEnumerable<Address> values)
    {
        var start = _writer.BeginList();
        foreach (var v in values) _writer.WriteBytes(v.Bytes);
        _writer.EndList(start);
        return this;
    }

    public byte[] ToArray()
    {
        _writer.EndList(_start);
        return _writer.ToArray();
    }
}
