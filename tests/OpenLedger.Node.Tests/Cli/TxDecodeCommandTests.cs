using System.Text.Json;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Transactions;
using OpenLedger.Node.Tests.Support;
using Xunit;

namespace OpenLedger.Node.Tests.Cli;

/// <summary>`openledger tx decode` run as a real process against vector transactions and bad input.</summary>
public class TxDecodeCommandTests
{
    [Theory]
    [InlineData(0)]   // legacy EIP-155
    [InlineData(7)]   // legacy contract creation (to = null)
    [InlineData(77)]  // EIP-2930 with an access list
    [InlineData(150)] // EIP-1559 with an access list
    [InlineData(80)]  // EIP-2930 with a 256-bit gas price: decoded and shown in full (admission would refuse it)
    [InlineData(180)] // EIP-1559 with 256-bit fees
    public async Task Decode_PrintsOneJsonObjectMatchingTheVector(int index)
    {
        using var doc = Vectors.Load("transactions.json");
        var vector = doc.RootElement[index];
        var raw = vector.GetProperty("rawSignedTxHex").GetString()!;

        var result = await ProcessRunner.RunOpenLedgerAsync(["tx", "decode", raw]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.StandardError);
        using var json = JsonDocument.Parse(result.StandardOutput);
        var printed = json.RootElement;
        var unsigned = vector.GetProperty("unsigned");
        var signature = vector.GetProperty("signature");
        Assert.Equal(vector.GetProperty("type").GetInt32().ToString(), printed.GetProperty("type").GetString());
        Assert.Equal(vector.GetProperty("chainId").GetString(), printed.GetProperty("chainId").GetString());
        Assert.Equal(unsigned.GetProperty("nonce").GetUInt64().ToString(), printed.GetProperty("nonce").GetString());
        Assert.Equal(vector.GetProperty("sender").GetString(), printed.GetProperty("from").GetString());
        Assert.Equal(unsigned.GetProperty("to").ValueKind == JsonValueKind.Null ? null : unsigned.GetProperty("to").GetString(),
            printed.GetProperty("to").ValueKind == JsonValueKind.Null ? null : printed.GetProperty("to").GetString());
        Assert.Equal(unsigned.GetProperty("value").GetString(), printed.GetProperty("value").GetString());
        Assert.Equal(unsigned.GetProperty("gasLimit").GetString(), printed.GetProperty("gasLimit").GetString());
        foreach (var fee in new[] { "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas" })
        {
            Assert.Equal(unsigned.TryGetProperty(fee, out var expected), printed.TryGetProperty(fee, out var actual));
            if (expected.ValueKind == JsonValueKind.String) Assert.Equal(expected.GetString(), actual.GetString());
        }
        Assert.Equal(unsigned.GetProperty("data").GetString(), printed.GetProperty("data").GetString());
        var expectedAccessList = unsigned.TryGetProperty("accessList", out var list) ? list.GetArrayLength() : 0;
        Assert.Equal(expectedAccessList, printed.GetProperty("accessList").GetArrayLength());
        if (expectedAccessList > 0)
        {
            Assert.Equal(list[0].GetProperty("address").GetString(), printed.GetProperty("accessList")[0].GetProperty("address").GetString());
            Assert.Equal(list[0].GetProperty("storageKeys").GetArrayLength(),
                printed.GetProperty("accessList")[0].GetProperty("storageKeys").GetArrayLength());
        }
        Assert.Equal(vector.GetProperty("txHash").GetString(), printed.GetProperty("hash").GetString());
        Assert.Equal(signature.GetProperty("v").GetString(), printed.GetProperty("v").GetString());
        Assert.Equal(signature.GetProperty("r").GetString(), printed.GetProperty("r").GetString());
        Assert.Equal(signature.GetProperty("s").GetString(), printed.GetProperty("s").GetString());
    }

    [Fact]
    public async Task BadHex_ExitsNonZero_WithOneErrorLine()
    {
        var result = await ProcessRunner.RunOpenLedgerAsync(["tx", "decode", "0x02zz"]);
        AssertOneLineError(result, "transaction is not valid hex");
    }

    [Fact]
    public async Task BadRlp_ExitsNonZero_WithOneErrorLine()
    {
        var result = await ProcessRunner.RunOpenLedgerAsync(["tx", "decode", "0x02c3010203"]);
        AssertOneLineError(result, "EIP-1559 (type 2) transaction must have 12 fields, got 3");
    }

    [Fact]
    public async Task BadSignature_ExitsNonZero_WithOneErrorLine()
    {
        using var doc = Vectors.Load("transactions.json");
        var tx = Transaction.Decode(Hex.Decode(doc.RootElement[150].GetProperty("rawSignedTxHex").GetString()!));
        var zeroR = tx.ToUnsigned().WithSignature(Signature.FromCompact([], tx.Signature.S, tx.Signature.RecoveryId));

        var result = await ProcessRunner.RunOpenLedgerAsync(["tx", "decode", Hex.Encode(zeroR.Encoded)]);

        AssertOneLineError(result, "signature r must be in [1, secp256k1n-1]");
    }

    private static void AssertOneLineError(ProcessResult result, string reason)
    {
        Assert.False(result.TimedOut, result.ToString());
        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(reason, lines[0]);
    }
}
