using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using OpenLedger.Core.Encoding;

namespace OpenLedger.Core.Crypto;

[InlineArray(64)]
internal struct SignatureBuffer
{
    private byte _element0;
}

/// <summary>
/// A recoverable secp256k1 signature: r and s as 32-byte big-endian integers and the recovery id (the
/// parity of R's y coordinate, 0 or 1). Holding a value does not mean it is valid: r and s may be any 256-bit
/// integers as decoded from a transaction; <see cref="Validate"/> applies the rules recovery enforces.
/// </summary>
public readonly struct Signature : IEquatable<Signature>
{
    private readonly SignatureBuffer _rs;

    public byte RecoveryId { get; }

    private Signature(ReadOnlySpan<byte> r, ReadOnlySpan<byte> s, byte recoveryId)
    {
        if (r.Length > 32) throw new ArgumentException($"r must be at most 32 bytes, got {r.Length}", nameof(r));
        if (s.Length > 32) throw new ArgumentException($"s must be at most 32 bytes, got {s.Length}", nameof(s));
        Span<byte> rs = _rs;
        // Shorter inputs are big-endian integers with their leading zeros stripped (as RLP carries them).
        r.CopyTo(rs[(32 - r.Length)..32]);
        s.CopyTo(rs[(64 - s.Length)..]);
        RecoveryId = recoveryId;
    }

    /// <summary>Builds a signature from big-endian r and s of up to 32 bytes each (left-padded) and a recovery id.</summary>
    public static Signature FromCompact(ReadOnlySpan<byte> r, ReadOnlySpan<byte> s, byte recoveryId) => new(r, s, recoveryId);

    /// <summary>Parses r || s || v (65 bytes, v = 0/1 or 27/28).</summary>
    public static Signature FromCompact65(ReadOnlySpan<byte> compact65)
    {
        if (compact65.Length != 65)
            throw new ArgumentException($"a compact signature is 65 bytes, got {compact65.Length}", nameof(compact65));
        var v = compact65[64];
        var recoveryId = v >= 27 ? (byte)(v - 27) : v;
        return new Signature(compact65[..32], compact65[32..64], recoveryId);
    }

    [UnscopedRef]
    public ReadOnlySpan<byte> R => ((ReadOnlySpan<byte>)_rs)[..32];

    [UnscopedRef]
    public ReadOnlySpan<byte> S => ((ReadOnlySpan<byte>)_rs)[32..];

    /// <summary>r || s, 64 bytes.</summary>
    [UnscopedRef]
    public ReadOnlySpan<byte> RS => _rs;

    /// <summary>s &lt;= n/2 (EIP-2). A zero s counts as low; <see cref="Validate"/> rejects it separately.</summary>
    public bool IsLowS => S.SequenceCompareTo(Secp256k1Curve.HalfOrder) <= 0;

    /// <summary>r || s || recovery id (0/1), 65 bytes.</summary>
    public byte[] ToCompact65()
    {
        var result = new byte[65];
        RS.CopyTo(result);
        result[64] = RecoveryId;
        return result;
    }

    /// <summary>
    /// Null when the signature may be used for recovery; otherwise why not: r or s zero or not below the
    /// group order, s above n/2 (EIP-2), or a recovery id other than 0 and 1.
    /// </summary>
    public string? Validate()
    {
        if (RecoveryId > 1) return $"recovery id must be 0 or 1, got {RecoveryId}";
        if (!Secp256k1Curve.IsValidScalar(R)) return "signature r must be in [1, secp256k1n-1]";
        if (!Secp256k1Curve.IsValidScalar(S)) return "signature s must be in [1, secp256k1n-1]";
        if (!IsLowS) return "signature s is above secp256k1n/2 (EIP-2 requires low s)";
        return null;
    }

    public bool Equals(Signature other) => RecoveryId == other.RecoveryId && RS.SequenceEqual(other.RS);

    public override bool Equals(object? obj) => obj is Signature other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(RecoveryId, BitConverter.ToInt32(R[28..]), BitConverter.ToInt32(S[28..]));

    public static bool operator ==(Signature left, Signature right) => left.Equals(right);

    public static bool operator !=(Signature left, Signature right) => !left.Equals(right);

    public override string ToString() => $"r={Hex.Encode(R)} s={Hex.Encode(S)} v={RecoveryId}";
}
