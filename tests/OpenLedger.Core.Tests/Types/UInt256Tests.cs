using System.Numerics;
using FsCheck.Xunit;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Core.Tests.Types;

public class UInt256Tests
{
    [Property(MaxTest = 300)]
    public void BigEndianBytes_BigInteger_AndDecimalText_AgreeAndRoundTrip(byte[] bytes)
    {
        var input = bytes.AsSpan(0, Math.Min(bytes.Length, 32));
        var value = UInt256.FromBigEndian(input);
        var expected = new BigInteger(input, isUnsigned: true, isBigEndian: true);

        Assert.Equal(expected, (BigInteger)value);
        Assert.Equal(value, (UInt256)expected);
        Assert.Equal(expected.ToString(), value.ToString());
        Assert.Equal(value, UInt256.Parse(value.ToString()));
        Assert.Equal(expected.IsZero ? [] : expected.ToByteArray(isUnsigned: true, isBigEndian: true), value.ToMinimalBigEndian());
        Assert.Equal(expected.IsZero ? 0 : (int)expected.GetBitLength(), value.BitLength);
        Assert.Equal(expected <= UInt128.MaxValue, value.FitsInUInt128);
        Assert.Equal(value.FitsInUInt128, value.TryToUInt128(out var low));
        if (value.FitsInUInt128) Assert.Equal(expected, (BigInteger)low);
    }

    [Property(MaxTest = 300)]
    public void Ordering_MatchesBigInteger(byte[] left, byte[] right)
    {
        var a = UInt256.FromBigEndian(left.AsSpan(0, Math.Min(left.Length, 32)));
        var b = UInt256.FromBigEndian(right.AsSpan(0, Math.Min(right.Length, 32)));
        Assert.Equal(((BigInteger)a).CompareTo((BigInteger)b), Math.Sign(a.CompareTo(b)));
        Assert.Equal((BigInteger)a < b, a < b);
        Assert.Equal((BigInteger)a == b, a == b);
    }

    [Fact]
    public void Limits_AreExact_AndNarrowingNeverTruncates()
    {
        Assert.Equal((BigInteger.One << 256) - 1, (BigInteger)UInt256.MaxValue);
        Assert.Equal(256, UInt256.MaxValue.BitLength);
        Assert.Equal(0, UInt256.Zero.BitLength);
        Assert.Empty(UInt256.Zero.ToMinimalBigEndian());
        UInt256 max128 = UInt128.MaxValue;
        Assert.Equal(UInt128.MaxValue, (UInt128)max128);
        var justOver = new UInt256(1, 0);
        Assert.Equal(129, justOver.BitLength);
        Assert.False(justOver.TryToUInt128(out var truncated));
        Assert.Equal(UInt128.Zero, truncated);
        Assert.Throws<OverflowException>(() => (UInt128)justOver);
        Assert.Throws<OverflowException>(() => (UInt256)(BigInteger.One << 256));
        Assert.Throws<OverflowException>(() => (UInt256)BigInteger.MinusOne);
        Assert.Throws<ArgumentException>(() => UInt256.FromBigEndian(new byte[33]));
        Assert.False(UInt256.TryParse("115792089237316195423570985008687907853269984665640564039457584007913129639936", out _));
        Assert.False(UInt256.TryParse("-1", out _));
        Assert.False(UInt256.TryParse("", out _));
        Assert.Equal(UInt256.MaxValue, UInt256.Parse("115792089237316195423570985008687907853269984665640564039457584007913129639935"));
    }
}
