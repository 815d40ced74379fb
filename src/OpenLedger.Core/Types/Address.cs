using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;

namespace OpenLedger.Core.Types;

[InlineArray(20)]
internal struct Buffer20
{
    private byte _element0;
}

/// <summary>A 20-byte Ethereum-style account address; prints with the EIP-55 mixed-case checksum.</summary>
public readonly struct Address : IEquatable<Address>, IComparable<Address>
{
    public const int Length = 20;
    private readonly Buffer20 _bytes;

    public static readonly Address Zero = default;

    public Address(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
            throw new ArgumentException($"an address is {Length} bytes, got {bytes.Length}", nameof(bytes));
        bytes.CopyTo(_bytes);
    }

    [UnscopedRef]
    public ReadOnlySpan<byte> Bytes => _bytes;

    public byte[] ToArray() => ((ReadOnlySpan<byte>)_bytes).ToArray();

    public bool IsZero => ((ReadOnlySpan<byte>)_bytes).IndexOfAnyExcept((byte)0) < 0;

    /// <summary>The address of a public key: the last 20 bytes of keccak256 of its 64-byte X||Y form.</summary>
    public static Address FromPublicKey(ReadOnlySpan<byte> uncompressedPublicKey)
    {
        var key = uncompressedPublicKey;
        if (key.Length == 65 && key[0] == 0x04) key = key[1..];
        if (key.Length != 64)
            throw new ArgumentException("an uncompressed secp256k1 public key is 64 bytes (or 65 with the 0x04 prefix)");
        Span<byte> hash = stackalloc byte[32];
        Keccak256.Hash(key, hash);
        return new Address(hash[12..]);
    }

    /// <summary>A module's reserved address 0x…0a0N.</summary>
    public static Address FromUInt64(ulong value)
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes.Clear();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes[12..], value);
        return new Address(bytes);
    }

    public static Address Parse(string text)
    {
        if (!TryParse(text, out var address, out var error)) throw new FormatException(error);
        return address;
    }

    /// <summary>
    /// Accepts all-lower or all-upper hex, or a mixed-case string whose EIP-55 checksum is right;
    /// a wrong checksum is refused because it is almost always a typo.
    /// </summary>
    public static bool TryParse(string? text, out Address address, out string error)
    {
        address = default;
        if (text is null)
        {
            error = "address is missing";
            return false;
        }
        var trimmed = text.Trim();
        if (!Hex.TryDecode(trimmed, out var bytes, out error))
        {
            error = $"invalid address '{text}': {error}";
            return false;
        }
        if (bytes.Length != Length)
        {
            error = $"invalid address '{text}': an address is {Length} bytes, got {bytes.Length}";
            return false;
        }
        address = new Address(bytes);
        var digits = trimmed.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? trimmed[2..] : trimmed;
        var hasLower = digits.Any(char.IsAsciiLetterLower);
        var hasUpper = digits.Any(char.IsAsciiLetterUpper);
        if (hasLower && hasUpper && address.ToChecksumString()[2..] != digits)
        {
            error = $"invalid address '{text}': bad EIP-55 checksum (expected {address.ToChecksumString()})";
            address = default;
            return false;
        }
        error = "";
        return true;
    }

    /// <summary>EIP-55: a hex letter is upper-case when the matching nibble of keccak(lower-hex) is >= 8.</summary>
    public string ToChecksumString()
    {
        Span<char> lower = stackalloc char[40];
        Convert.TryToHexStringLower(_bytes, lower, out _);
        Span<byte> ascii = stackalloc byte[40];
        for (var i = 0; i < 40; i++) ascii[i] = (byte)lower[i];
        Span<byte> hash = stackalloc byte[32];
        Keccak256.Hash(ascii, hash);
        Span<char> result = stackalloc char[42];
        result[0] = '0';
        result[1] = 'x';
        for (var i = 0; i < 40; i++)
        {
            var nibble = (i % 2 == 0) ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f;
            var c = lower[i];
            result[i + 2] = c >= 'a' && nibble >= 8 ? char.ToUpperInvariant(c) : c;
        }
        return new string(result);
    }

    public bool Equals(Address other) => ((ReadOnlySpan<byte>)_bytes).SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => obj is Address other && Equals(other);

    public override int GetHashCode() => MemoryMarshal.Read<int>(((ReadOnlySpan<byte>)_bytes)[16..]);

    public int CompareTo(Address other) => ((ReadOnlySpan<byte>)_bytes).SequenceCompareTo(other._bytes);

    public static bool operator ==(Address left, Address right) => left.Equals(right);

    public static bool operator !=(Address left, Address right) => !left.Equals(right);

    public override string ToString() => ToChecksumString();
}
