using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Crypto;

/// <summary>
/// secp256k1 in managed code (BouncyCastle), used when libsecp256k1 is not installed. It produces the same
/// signatures as the native backend: RFC 6979 nonces with HMAC-SHA256, s normalized to the low half, and the
/// recovery id adjusted for that normalization. About twenty times slower than libsecp256k1.
/// </summary>
public sealed class ManagedSecp256k1 : ISecp256k1
{
    private static readonly X9ECParameters Curve = CustomNamedCurves.GetByName("secp256k1");
    private static readonly ECDomainParameters Domain = new(Curve.Curve, Curve.G, Curve.N, Curve.H);
    private static readonly BigInteger HalfN = Curve.N.ShiftRight(1);
    private static readonly FixedPointCombMultiplier BaseMultiplier = new();

    public string Name => "managed (BouncyCastle)";

    public bool IsValidPrivateKey(ReadOnlySpan<byte> privateKey) =>
        privateKey.Length == 32 && Secp256k1Curve.IsValidScalar(privateKey);

    public byte[] GetPublicKey(ReadOnlySpan<byte> privateKey)
    {
        var d = ToPrivateScalar(privateKey);
        return BaseMultiplier.Multiply(Domain.G, d).Normalize().GetEncoded(false);
    }

    public Signature Sign(Hash256 digest, ReadOnlySpan<byte> privateKey)
    {
        var d = ToPrivateScalar(privateKey);
        var n = Curve.N;
        var e = new BigInteger(1, digest.Bytes);
        // The ECDSA loop of ECDsaSigner, written out because we need R's y parity for the recovery id.
        var nonces = new HMacDsaKCalculator(new Sha256Digest());
        nonces.Init(n, d, digest.ToArray());
        while (true)
        {
            var k = nonces.NextK();
            var rPoint = BaseMultiplier.Multiply(Domain.G, k).Normalize();
            var rx = rPoint.AffineXCoord.ToBigInteger();
            var r = rx.Mod(n);
            if (r.SignValue == 0) continue;
            var s = k.ModInverse(n).Multiply(e.Add(d.Multiply(r))).Mod(n);
            if (s.SignValue == 0) continue;
            // R.x >= n has probability ~2^-128 and cannot be expressed with v in {0, 1}; take the next nonce.
            if (rx.CompareTo(n) >= 0) continue;
            var recoveryId = (byte)(rPoint.AffineYCoord.TestBitZero() ? 1 : 0);
            if (s.CompareTo(HalfN) > 0)
            {
                // (r, n - s) is the signature for -R, whose y has the other parity.
                s = n.Subtract(s);
                recoveryId ^= 1;
            }
            return Signature.FromCompact(ToBytes32(r), ToBytes32(s), recoveryId);
        }
    }

    public bool TryRecoverPublicKey(Hash256 digest, in Signature signature, Span<byte> publicKey65)
    {
        if (publicKey65.Length < 65) throw new ArgumentException("the public key buffer must hold 65 bytes", nameof(publicKey65));
        if (signature.Validate() is not null) return false;
        var r = new BigInteger(1, signature.R);
        var s = new BigInteger(1, signature.S);
        var e = new BigInteger(1, digest.Bytes);
        var q = Recover(e, r, s, signature.RecoveryId);
        if (q is null) return false;
        q.GetEncoded(false).CopyTo(publicKey65);
        return true;
    }

    /// <summary>Q = r^-1 (s R - e G), where R is the curve point with x = r and y parity = recovery id.</summary>
    private static ECPoint? Recover(BigInteger e, BigInteger r, BigInteger s, byte recoveryId)
    {
        var n = Curve.N;
        // r < n < p, so r is always a valid x coordinate candidate; x = r + n is not expressible with v in {0, 1}.
        var compressed = new byte[33];
        compressed[0] = (byte)(0x02 + recoveryId);
        ToBytes32(r).CopyTo(compressed, 1);
        ECPoint rPoint;
        try
        {
            rPoint = Curve.Curve.DecodePoint(compressed);
        }
        catch (ArgumentException)
        {
            return null; // r is not the x coordinate of any curve point
        }
        var rInverse = r.ModInverse(n);
        var u1 = e.Negate().Mod(n).Multiply(rInverse).Mod(n);
        var u2 = s.Multiply(rInverse).Mod(n);
        var q = ECAlgorithms.SumOfTwoMultiplies(Domain.G, u1, rPoint, u2).Normalize();
        return q.IsInfinity ? null : q;
    }

    private static BigInteger ToPrivateScalar(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != 32 || !Secp256k1Curve.IsValidScalar(privateKey))
            throw new ArgumentException("a secp256k1 private key is 32 bytes encoding an integer in [1, n-1]", nameof(privateKey));
        return new BigInteger(1, privateKey);
    }

    private static byte[] ToBytes32(BigInteger value) => value.ToByteArrayUnsigned() is var bytes && bytes.Length == 32
        ? bytes
        : [.. new byte[32 - bytes.Length], .. bytes];
}
