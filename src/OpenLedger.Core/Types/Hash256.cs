using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using OpenLedger.Core.Encoding;

namespace OpenLedger.Core.Types;

[InlineArray(32)]
internal struct Buffer32
{
    private byte _element0;
}

/// <summary>A 32-byte value: a Keccak-256 digest, a block or transaction hash, a storage key.</summary>
public readonly struct Hash256 : IEquatable<Hash256>, IComparable<Hash256>
{
    public const int Length = 32;
    private readonly Buffer32 _bytes;

    public static readonly Hash256 Zero = default;

    /// <summary>keccak256(RLP("")) — the root of an empty Merkle Patricia Trie.</summary>
    public static readonly Hash256 EmptyTrieRoot = Parse("0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");

    /// <summary>keccak256("") — the code hash of an account without code.</summary>
    public static readonly Hash256 EmptyCodeHash = Parse("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");

    public Hash256(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
            throw new ArgumentException($"a hash is {Length} bytes, got {bytes.Length}", nameof(bytes));
        bytes.CopyTo(_bytes);
    }

    [UnscopedRef]
    public ReadOnlySpan<byte> Bytes => _bytes;

    public byte[] ToArray() => ((ReadOnlySpan<byte>)_bytes).ToArray();

    public bool IsZero => ((ReadOnlySpan<byte>)_bytes).IndexOfAnyExcept((byte)0) < 0;

    public static Hash256 Parse(string hex)
    {
        if (!TryParse(hex, out var hash, out var error)) throw new FormatException(error);
        return hash;
    }

    public static bool TryParse(string? hex, out Hash256 hash, out string error)
    {
        hash = default;
        if (!Hex.TryDecode(hex, out var bytes, out error)) return false;
        if (bytes.Length != Length)
        {
            error = $"a hash is {Length} bytes, got {bytes.Length}";
            return false;
        }
        hash = new Hash256(bytes);
        return true;
    }

    public bool Equals(Hash256 other) => ((ReadOnlySpan<byte>)_bytes).SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => obj is Hash256 other && Equals(other);

    public override int GetHashCode() => MemoryMarshal.Read<int>(_bytes);

    public int CompareTo(Hash256 other) => ((ReadOnlySpan<byte>)_bytes).SequenceCompareTo(other._bytes);

    public static bool operator ==(Hash256 left, Hash256 right) => left.Equals(right);

    public static bool operator !=(Hash256 left, Hash256 right) => !left.Equals(right);

    public override string ToString() => Hex.Encode(_bytes);
}
