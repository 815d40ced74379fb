using System.Numerics;
using OpenLedger.Core.Types;

namespace OpenLedger.Execution.Modules.Common;

/// <summary>Exact integer money arithmetic: products go through BigInteger so nothing overflows or rounds twice.</summary>
public static class Money
{
    public const ushort FullBps = 10_000;

    /// <summary>floor(amount × numerator / denominator).</summary>
    public static UInt128 MulDiv(UInt128 amount, UInt128 numerator, UInt128 denominator)
    {
        if (denominator == 0) throw new DivideByZeroException("pro-rata share of a zero total");
        var result = (BigInteger)amount * numerator / denominator;
        return (UInt128)result;
    }

    /// <summary>floor(amount × bps / 10,000).</summary>
    public static UInt128 Bps(UInt128 amount, ushort bps) => MulDiv(amount, bps, FullBps);

    /// <summary>
    /// Splits <paramref name="total"/> pro rata to <paramref name="weights"/>, each share rounded down; returns
    /// the shares and the undistributed remainder (which the caller sends to the treasury).
    /// </summary>
    public static (UInt128[] Shares, UInt128 Remainder) ProRata(UInt128 total, IReadOnlyList<UInt128> weights)
    {
        var shares = new UInt128[weights.Count];
        BigInteger sum = 0;
        foreach (var w in weights) sum += w;
        if (sum.IsZero) return (shares, total);
        UInt128 paid = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            shares[i] = (UInt128)((BigInteger)total * weights[i] / sum);
            paid += shares[i];
        }
        return (shares, total - paid);
    }

    /// <summary>"12.5 OPEN" — exact, for revert reasons and events people read.</summary>
    public static string Open(UInt128 wei) => $"{Wei.FormatOpen(wei)} OPEN";

    /// <summary>A uint256 ABI value as wei, refusing what does not fit in 128 bits (SPEC §2).</summary>
    public static UInt128 ToWei(object value, string what)
    {
        var number = (BigInteger)value;
        if (number.Sign < 0 || number > (BigInteger)UInt128.MaxValue)
            throw new ModuleRevertException($"{what} {number} does not fit in 128 bits (amounts are limited to 2^128-1 wei)");
        return (UInt128)number;
    }

    public static ulong ToU64(object value, string what)
    {
        var number = (BigInteger)value;
        if (number.Sign < 0 || number > ulong.MaxValue)
            throw new ModuleRevertException($"{what} {number} is out of range (0..2^64-1)");
        return (ulong)number;
    }
}
