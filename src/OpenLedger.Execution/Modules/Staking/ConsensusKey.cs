using System.Numerics;

namespace OpenLedger.Execution.Modules.Staking;

/// <summary>
/// Checks that a validator's consensus key is a point on secp256k1 (y² = x³ + 7 mod p), so a typo'd or made-up
/// key is refused at createValidator instead of producing a validator that can never sign.
/// </summary>
public static class ConsensusKey
{
    private static readonly BigInteger P = BigInteger.Pow(2, 256) - BigInteger.Pow(2, 32) - 977;

    /// <summary>True for a 65-byte uncompressed key 0x04‖X‖Y on the curve.</summary>
    public static bool IsValidUncompressed(ReadOnlySpan<byte> key)
    {
        if (key.Length != 65 || key[0] != 4) return false;
        var x = new BigInteger(key.Slice(1, 32), isUnsigned: true, isBigEndian: true);
        var y = new BigInteger(key.Slice(33, 32), isUnsigned: true, isBigEndian: true);
        if (x >= P || y >= P) return false;
        var left = BigInteger.ModPow(y, 2, P);
        var right = (BigInteger.ModPow(x, 3, P) + 7) % P;
        return left == right;
    }
}
