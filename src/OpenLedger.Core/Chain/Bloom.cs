using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Chain;

/// <summary>The 2048-bit Ethereum logs bloom: 3 bits per address/topic from keccak256 pairs.</summary>
public sealed class Bloom : IEquatable<Bloom>
{
    public const int ByteLength = 256;
    private readonly byte[] _bits;
    private readonly bool _readOnly;

    /// <summary>
    /// The empty bloom of every receipt without logs (most of them: transfers), shared instead of 256 zero bytes per
    /// receipt; it cannot be changed.
    /// </summary>
    public static readonly Bloom Empty = new(readOnly: true);

    public Bloom() => _bits = new byte[ByteLength];

    private Bloom(bool readOnly)
    {
        _bits = new byte[ByteLength];
        _readOnly = readOnly;
    }

    public bool IsEmpty => !_bits.AsSpan().ContainsAnyExcept((byte)0);

    public Bloom(ReadOnlySpan<byte> bits)
    {
        if (bits.Length != ByteLength) throw new ArgumentException($"a bloom is {ByteLength} bytes, got {bits.Length}");
        _bits = bits.ToArray();
    }

    public ReadOnlySpan<byte> Bytes => _bits;

    public void Add(ReadOnlySpan<byte> item)
    {
        ThrowIfReadOnly();
        Span<byte> hash = stackalloc byte[32];
        Keccak256.Hash(item, hash);
        for (var i = 0; i < 6; i += 2)
        {
            var bit = ((hash[i] << 8) | hash[i + 1]) & 2047;
            _bits[ByteLength - 1 - bit / 8] |= (byte)(1 << (bit % 8));
        }
    }

    public bool MightContain(ReadOnlySpan<byte> item)
    {
        var probe = new Bloom();
        probe.Add(item);
        for (var i = 0; i < ByteLength; i++)
            if ((probe._bits[i] & _bits[i]) != probe._bits[i]) return false;
        return true;
    }

    public void Add(LogEntry log)
    {
        Add(log.Address.Bytes);
        foreach (var topic in log.Topics) Add(topic.Bytes);
    }

    public void Merge(Bloom other)
    {
        ThrowIfReadOnly();
        for (var i = 0; i < ByteLength; i++) _bits[i] |= other._bits[i];
    }

    public bool Equals(Bloom? other) => other is not null && _bits.AsSpan().SequenceEqual(other._bits);

    public override bool Equals(object? obj) => Equals(obj as Bloom);

    public override int GetHashCode() => BitConverter.ToInt32(_bits, 0);

    public override string ToString() => Hex.Encode(_bits);

    private void ThrowIfReadOnly()
    {
        if (_readOnly) throw new InvalidOperationException("Bloom.Empty is shared and cannot be changed; create a new Bloom");
    }
}
