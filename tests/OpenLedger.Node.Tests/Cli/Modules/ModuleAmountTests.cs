using OpenLedger.Node.Cli.Modules;
using Xunit;

namespace OpenLedger.Node.Tests.Cli.Modules;

public class ModuleAmountTests
{
    [Theory]
    [InlineData("10000OPEN", "10000000000000000000000")]
    [InlineData("1.5OPEN", "1500000000000000000")]
    [InlineData("1.5 open", "1500000000000000000")]
    [InlineData("0.000000000000000001OPEN", "1")]
    [InlineData("7wei", "7")]
    [InlineData("123456789012345678901234567", "123456789012345678901234567")]
    [InlineData("0", "0")]
    [InlineData("340282366920938463463374607431768211455", "340282366920938463463374607431768211455")]
    public void Parses_OPEN_amounts_and_plain_wei_exactly(string text, string wei)
    {
        Assert.True(ModuleAmount.TryParse(text, out var value, out var error), error);
        Assert.Equal(UInt128.Parse(wei), value);
    }

    [Theory]
    [InlineData("1.5", "has a decimal point but no unit: write 1.5OPEN")]
    [InlineData("", "amount is missing")]
    [InlineData("ten", "is not an amount")]
    [InlineData("-1", "is not an amount")]
    [InlineData("-1OPEN", "is negative")]
    [InlineData("1.0000000000000000001OPEN", "more than 18 decimals")]
    [InlineData("340282366920938463463374607431768211456", "fits in 128 bits")]
    [InlineData("1e18", "is not an amount")]
    public void Refuses_bad_amounts_with_a_reason(string text, string reason)
    {
        Assert.False(ModuleAmount.TryParse(text, out _, out var error));
        Assert.Contains(reason, error);
    }
}
