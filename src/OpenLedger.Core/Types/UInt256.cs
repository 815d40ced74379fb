using System.Globalization;
using System.Numerics;

namespace OpenLedger.Core.Types;

/// <summary>
/// An unsigned 256-bit integer: the width Ethereum gives transaction amounts on the wire. OpenLedger money is
/// UInt128 wei (see <see cref="Wei"/>); this type only carries what a transaction says exactly as it says it,
/// so it offers comparison and conversion but no arithmetic. <see cref="TryToUInt128"/> is the one way down to
/// money, and it refuses instead of truncating.
/// </summary>
public readonly struct UInt256 : IEquatable<UInt256>, IComparable<UInt256>, IComparable
{
    public const int ByteLength = 32;

    private readonly UInt128 _high;
    private readonly UInt128 _low;

    public UInt256(UInt128 high, UInt128 low)
    {
        _high = high;
        _low = low;
    }

    public static UInt256 Zero => default;

    public static UInt256 MaxValue => new(UInt128.MaxValue, UInt128.MaxValue);

    /// <summary>The upper 128 bits.</summary>
    public UInt128 High => _high;

    /// <summary>The lower 128 bits.</summary>
    public UInt128 Low => _low;

    public bool IsZero => _high == 0 && _low == 0;

    /// <summary>True when the value fits in 128 bits, i.e. is a valid OpenLedger amount.</summary>
    public bool FitsInUInt128 => _high == 0;

    /// <summary>The number of significant bits: 0 for zero, 256 for values with the top bit set.</summary>
    public int BitLength => _high != 0
        ? 256 - (int)UInt128.LeadingZeroCount(_high)
        : 128 - (int)UInt128.LeadingZeroCount(_low);

    /// <summary>The value as UInt128, or false (and 0) when it needs more than 128 bits.</summary>
    public bool TryToUInt128(out UInt128 value)
    {
        value = FitsInUInt128 ? _low : 0;
        return FitsInUInt128;
    }

    /// <summary>Reads an unsigned big-endian number of at most 32 bytes (leading zeros allowed).</summary>
    public static UInt256 FromBigEndian(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > ByteLength)
            throw new ArgumentException($"a 256-bit number has at most {ByteLength} bytes, got {bytes.Length}", nameof(bytes));
        Span<byte> padded = stackalloc byte[ByteLength];
        padded.Clear();
        bytes.CopyTo(padded[(ByteLength - bytes.Length)..]);
        return new UInt256(ReadUInt128(padded[..16]), ReadUInt128(padded[16..]));
    }

    /// <summary>The 32-byte big-endian form.</summary>
    public void WriteBigEndian(Span<byte> destination)
    {
        if (destination.Length < ByteLength)
            throw new ArgumentException($"need {ByteLength} bytes, got {destination.Length}", nameof(destination));
        WriteUInt128(_high, destination[..16]);
        WriteUInt128(_low, destination[16..32]);
    }

    /// <summary>The shortest big-endian form (empty for zero): what RLP and JSON quantities use.</summary>
    public byte[] ToMinimalBigEndian()
    {
        Span<byte> full = stackalloc byte[ByteLength];
        WriteBigEndian(full);
        return full[(ByteLength - (BitLength + 7) / 8)..].ToArray();
    }

    public static UInt256 Parse(string decimalText) =>
        TryParse(decimalText, out var value) ? value : throw new FormatException($"'{decimalText}' is not a decimal number from 0 to 2^256-1");

    /// <summary>Parses a plain decimal number (digits only) from 0 to 2^256-1.</summary>
    public static bool TryParse(string? decimalText, out UInt256 value)
    {
        value = Zero;
        if (string.IsNullOrEmpty(decimalText)
            || !BigInteger.TryParse(decimalText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            || parsed > (BigInteger)MaxValue)
            return false;
        value = (UInt256)parsed;
        return true;
    }

    public static implicit operator UInt256(ulong value) => new(0, value);

    public static implicit operator UInt256(UInt128 value) => new(0, value);

    /// <summary>Throws <see cref="OverflowException"/> when the value needs more than 128 bits (never truncates).</summary>
    public static explicit operator UInt128(UInt256 value) =>
        value.FitsInUInt128 ? value._low : throw new OverflowException($"{value} does not fit in 128 bits");

    public static implicit operator BigInteger(UInt256 value) =>
        ((BigInteger)value._high << 128) | value._low;

    /// <summary>Throws <see cref="OverflowException"/> for negative values and values above 2^256-1.</summary>
    public static explicit operator UInt256(BigInteger value)
    {
        if (value.Sign < 0 || value > ((BigInteger.One << 256) - 1))
            throw new OverflowException($"{value} is not in the range of a 256-bit unsigned integer");
        return new UInt256((UInt128)(value >> 128), (UInt128)(value & UInt128.MaxValue));
    }

    public static bool operator ==(UInt256 left, UInt256 right) => left.Equals(right);

    public static bool operator !=(UInt256 left, UInt256 right) => !left.Equals(right);

    public static bool operator <(UInt256 left, UInt256 right) => left.CompareTo(right) < 0;

    public static bool operator >(UInt256 left, UInt256 right) => left.CompareTo(right) > 0;

    public static bool operator <=(UInt256 left, UInt256 right) => left.CompareTo(right) <= 0;

    public static bool operator >=(UInt256 left, UInt256 right) => left.CompareTo(right) >= 0;

    public bool Equals(UInt256 other) => _high == other._high && _low == other._low;

    public override bool Equals(object? obj) => obj is UInt256 other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_high, _low);

    public int CompareTo(UInt256 other)
    {
        var high = _high.CompareTo(other._high);
        return high != 0 ? high : _low.CompareTo(other._low);
    }

    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        UInt256 other => CompareTo(other),
        _ => throw new ArgumentException($"expected a {nameof(UInt256)}", nameof(obj)),
    };

    /// <summary>Decimal digits, exact.</summary>
    public override string ToString() => FitsInUInt128
        ? _low.ToString(CultureInfo.InvariantCulture)
        : ((BigInteger)this).ToString(CultureInfo.InvariantCulture);

    private static UInt128 ReadUInt128(ReadOnlySpan<byte> sixteen) =>
        new(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(sixteen[..8]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(sixteen[8..]));

    private static void WriteUInt128(UInt128 value, Span<byte> sixteen)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(sixteen[..8], (ulong)(value >> 64));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(sixteen[8..], (ulong)value);
    }
}
