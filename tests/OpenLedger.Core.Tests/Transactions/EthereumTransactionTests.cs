using System.Text.Json;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Tests.Support;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using Xunit;
using Xunit.Abstractions;

namespace OpenLedger.Core.Tests.Transactions;

/// <summary>
/// ethereum/tests TransactionTests, judged by each case's newest fork (Cancun, or the last fork listed for the
/// cases that stop earlier). Every valid case must decode to the given sender and hash and re-encode byte-exact
/// (amounts are 256-bit on the wire); the four whose amounts exceed 128 bits are then refused by OpenLedger's
/// admission money rule. Invalid cases must be refused by decoding, signature recovery or a stateless admission rule.
/// </summary>
public class EthereumTransactionTests(ITestOutputHelper output)
{
    private const string Root = "ethereum-tests/TransactionTests";
    private const ulong EthereumMainnet = 1;
    private const ulong BlockGasLimit = 60_000_000;

    private static readonly string[] ForksOldestFirst =
    [
        "Frontier", "Homestead", "EIP150", "EIP158", "Byzantium", "Constantinople", "ConstantinopleFix",
        "Istanbul", "Berlin", "London", "Paris", "Shanghai", "Cancun", "Prague",
    ];

    // Valid Ethereum transactions OpenLedger decodes but refuses at admission: a gas price or value needs more than 128 bits.
    private static readonly string[] ValidButAbove128Bits =
        ["TransactionWithHighGasPrice", "TransactionWithHighValue", "V_equals38", "GasLimitPriceProductOverflowtMinusOne"];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (file, name, _, _) in LoadAll()) data.Add(file, name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_MeetsItsNewestForkExpectation(string file, string name)
    {
        var (_, _, raw, expectation) = LoadAll().Single(c => c.File == file && c.Name == name);
        var outcome = Judge(raw);
        if (expectation.TryGetProperty("exception", out var exception))
        {
            Assert.True(outcome.Category != "accepted",
                $"{name} must be refused ({exception.GetString()}) but was accepted as a transaction from {outcome.Detail}");
            return;
        }

        var tx = Transaction.Decode(raw);
        if (ValidButAbove128Bits.Contains(name))
        {
            Assert.Equal("rule", outcome.Category);
            Assert.Equal(TxRejectionCode.AmountAbove128Bits, outcome.Code);
            Assert.StartsWith("amount too large: ", outcome.Detail);
            Assert.Contains("exceeds the 128-bit amount limit", outcome.Detail);
            Assert.False(tx.AmountsFitInUInt128);
        }
        else
        {
            Assert.True(tx.AmountsFitInUInt128, $"{name}: amounts should fit in 128 bits");
        }
        Assert.Equal(expectation.GetProperty("hash").GetString(), tx.Hash.ToString());
        Assert.True(tx.TryRecoverSender(out var sender, out var error), error);
        Assert.Equal(Address.Parse(expectation.GetProperty("sender").GetString()!), sender);
        Assert.Equal(raw, tx.ToUnsigned().WithSignature(tx.Signature).Encoded.ToArray());
        if (!tx.IsContractCreation)
        {
            // Without creation, Ethereum's intrinsic gas (Istanbul+ calldata prices, EIP-2930) equals SPEC §3's.
            Assert.Equal(Convert.ToUInt64(expectation.GetProperty("intrinsicGas").GetString(), 16), IntrinsicGas.Of(tx));
        }
    }

    [Fact]
    public void Summary_CountsPerCategory()
    {
        var table = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int valid = 0, invalid = 0, validDecoded = 0, validAbove128 = 0, invalidRefused = 0;
        var validIntrinsicDiffersForCreation = 0;
        foreach (var (_, name, raw, expectation) in LoadAll())
        {
            var outcome = Judge(raw);
            if (expectation.TryGetProperty("exception", out var exception))
            {
                invalid++;
                if (outcome.Category != "accepted") invalidRefused++;
                Count(table, $"invalid {exception.GetString()} -> {outcome.Category}{(outcome.Code is null ? "" : " " + outcome.Code)}");
                continue;
            }
            valid++;
            if (outcome.Category == "decode")
            {
                Count(table, $"valid -> refused at decode: {outcome.Detail}");
                continue;
            }
            validDecoded++;
            if (outcome.Code == TxRejectionCode.AmountAbove128Bits) validAbove128++;
            var tx = Transaction.Decode(raw);
            if (tx.IsContractCreation && Convert.ToUInt64(expectation.GetProperty("intrinsicGas").GetString(), 16) != IntrinsicGas.Of(tx))
                validIntrinsicDiffersForCreation++;
            Count(table, $"valid -> decoded; our admission: {(outcome.Category == "accepted" ? "accepted" : outcome.Code.ToString())}");
        }
        foreach (var (line, count) in table) output.WriteLine($"{count,4}  {line}");
        output.WriteLine($"valid {valid} (decoded {validDecoded}, of which refused by the 128-bit amount admission rule {validAbove128}); " +
            $"invalid {invalid} (refused {invalidRefused}); creations whose Ethereum intrinsic gas differs from ours {validIntrinsicDiffersForCreation}");

        Assert.Equal(210, valid + invalid);
        Assert.Equal(50, valid);
        Assert.Equal(valid, validDecoded);
        Assert.Equal(ValidButAbove128Bits.Length, validAbove128);
        Assert.Equal(invalid, invalidRefused);
    }

    private sealed record Outcome(string Category, TxRejectionCode? Code, string Detail);

    /// <summary>Runs a raw transaction through everything a node does without state.</summary>
    private static Outcome Judge(byte[] raw)
    {
        Transaction tx;
        try
        {
            tx = Transaction.Decode(raw);
        }
        catch (TransactionDecodingException e)
        {
            return new("decode", null, e.Message);
        }
        if (!tx.TryRecoverSender(out var sender, out var error)) return new("signature", null, error);
        var rejection = TransactionRules.CheckStateless(tx, EthereumMainnet, BlockGasLimit);
        return rejection is null ? new("accepted", null, sender.ToString()) : new("rule", rejection.Code, rejection.Message);
    }

    private static void Count(IDictionary<string, int> table, string key) => table[key] = table.TryGetValue(key, out var n) ? n + 1 : 1;

    private static readonly Lazy<List<(string File, string Name, byte[] Raw, JsonElement Expectation)>> All = new(Load);

    private static List<(string File, string Name, byte[] Raw, JsonElement Expectation)> LoadAll() => All.Value;

    private static List<(string File, string Name, byte[] Raw, JsonElement Expectation)> Load()
    {
        var cases = new List<(string, string, byte[], JsonElement)>();
        var root = Vectors.PathOf(Root);
        foreach (var path in Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var file = Path.GetRelativePath(root, path);
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            foreach (var test in doc.RootElement.EnumerateObject())
            {
                var results = test.Value.GetProperty("result");
                var newest = ForksOldestFirst.Last(fork => results.TryGetProperty(fork, out _));
                var raw = Hex.TryDecode(test.Value.GetProperty("txbytes").GetString(), out var bytes, out _) ? bytes : [];
                cases.Add((file, test.Name, raw, results.GetProperty(newest).Clone()));
            }
        }
        return cases;
    }
}
