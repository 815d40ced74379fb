using System.Globalization;
using System.Text.Json;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Tests.Support;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Core.Tests.Transactions;

/// <summary>The 225 ethers-generated transactions of tests/vectors/transactions.json.</summary>
public class TransactionVectorTests
{
    // Parsed once: the file is 550 KB and every theory case reads one entry of it.
    private static readonly Lazy<JsonDocument> File = new(() => Vectors.Load("transactions.json"));

    public static TheoryData<int> Indexes()
    {
        using var doc = Vectors.Load("transactions.json");
        var data = new TheoryData<int>();
        for (var i = 0; i < doc.RootElement.GetArrayLength(); i++) data.Add(i);
        return data;
    }

    [Fact]
    public void VectorFile_Has225Transactions_OfAllThreeTypes()
    {
        using var doc = Vectors.Load("transactions.json");
        var types = doc.RootElement.EnumerateArray().Select(e => e.GetProperty("type").GetInt32()).ToList();
        Assert.Equal(225, types.Count);
        Assert.Equal(75, types.Count(t => t == 0));
        Assert.Equal(75, types.Count(t => t == 1));
        Assert.Equal(75, types.Count(t => t == 2));
    }

    [Theory]
    [MemberData(nameof(Indexes))]
    public void Decode_GivesFieldsSenderHashAndSigningHash_AndReEncodesByteExact(int index)
    {
        var vector = File.Value.RootElement[index];
        var raw = Hex.Decode(vector.GetProperty("rawSignedTxHex").GetString()!);

        // All 225, including the 39 whose fees need 194 to 256 bits: the codec is Ethereum's, money limits are admission's.
        var tx = Transaction.Decode(raw);

        Assert.Equal((TxType)vector.GetProperty("type").GetInt32(), tx.Type);
        Assert.Equal(ulong.Parse(vector.GetProperty("chainId").GetString()!, CultureInfo.InvariantCulture), tx.ChainId);
        Assert.True(tx.IsReplayProtected);
        AssertFieldsMatch(vector.GetProperty("unsigned"), tx.Type, tx.ToUnsigned());
        var signature = vector.GetProperty("signature");
        Assert.Equal(Hex.Decode(signature.GetProperty("r").GetString()!), tx.Signature.R.ToArray());
        Assert.Equal(Hex.Decode(signature.GetProperty("s").GetString()!), tx.Signature.S.ToArray());
        Assert.Equal(signature.GetProperty("yParity").GetInt32(), tx.Signature.RecoveryId);
        Assert.Equal(UInt128.Parse(signature.GetProperty("v").GetString()!, CultureInfo.InvariantCulture), tx.V);

        Assert.Equal(vector.GetProperty("txHash").GetString(), tx.Hash.ToString());
        Assert.Equal(vector.GetProperty("signingHash").GetString(), tx.SigningHash.ToString());
        Assert.Equal(vector.GetProperty("unsignedSerialized").GetString(), Hex.Encode(tx.ToUnsigned().EncodeForSigning()));
        Assert.Equal(vector.GetProperty("sender").GetString(), tx.RecoverSender().ToChecksumString());
        Assert.Equal(raw, tx.Encoded.ToArray());
        Assert.Equal(raw.Length, tx.EncodedLength);

        // The encoder, not just the kept input bytes: rebuild from the fields and the signature.
        var rebuilt = tx.ToUnsigned().WithSignature(tx.Signature);
        Assert.Equal(raw, rebuilt.Encoded.ToArray());
        Assert.Equal(tx.Hash, rebuilt.Hash);
    }

    [Theory]
    [MemberData(nameof(Indexes))]
    public void SigningTheUnsignedForm_ReproducesTheVectorBytes(int index)
    {
        var vector = File.Value.RootElement[index];
        var unsigned = FromJson(vector.GetProperty("unsigned"), (TxType)vector.GetProperty("type").GetInt32(),
            ulong.Parse(vector.GetProperty("chainId").GetString()!, CultureInfo.InvariantCulture));
        var key = PrivateKey.FromHex(vector.GetProperty("privateKey").GetString()!);

        Assert.Equal(vector.GetProperty("unsignedSerialized").GetString(), Hex.Encode(unsigned.EncodeForSigning()));
        Assert.Equal(vector.GetProperty("signingHash").GetString(), unsigned.SigningHash.ToString());

        var signed = TransactionSigner.Sign(unsigned, key);
        Assert.Equal(vector.GetProperty("rawSignedTxHex").GetString(), Hex.Encode(signed.Encoded));
        Assert.Equal(vector.GetProperty("sender").GetString(), signed.RecoverSender().ToChecksumString());

        // The managed backend signs the same bytes.
        var managedSigned = unsigned.WithSignature(key.Sign(unsigned.SigningHash, new ManagedSecp256k1()));
        Assert.Equal(signed.Encoded.ToArray(), managedSigned.Encoded.ToArray());
    }

    [Fact]
    public void KeyLabels_MatchKeysJson()
    {
        using var transactions = Vectors.Load("transactions.json");
        using var keys = Vectors.Load("keys.json");
        var byLabel = keys.RootElement.EnumerateArray().ToDictionary(
            k => k.GetProperty("label").GetString()!, k => k.GetProperty("privateKey").GetString()!);
        foreach (var vector in transactions.RootElement.EnumerateArray())
            Assert.Equal(byLabel[vector.GetProperty("keyLabel").GetString()!], vector.GetProperty("privateKey").GetString());
    }

    [Fact]
    public void AmountsAbove128Bits_Decode_AndAreExactlyTheVectorsAdmissionRefuses()
    {
        using var doc = Vectors.Load("transactions.json");
        var refused = 0;
        foreach (var vector in doc.RootElement.EnumerateArray())
        {
            var tx = Transaction.Decode(Hex.Decode(vector.GetProperty("rawSignedTxHex").GetString()!));
            var oversized = OversizedAmount(vector.GetProperty("unsigned"));
            Assert.Equal(oversized is null, tx.AmountsFitInUInt128);
            // The vectors' own chain id and no gas ceiling: only the amount rule (checked before creation) can refuse.
            var rejection = TransactionRules.CheckStateless(tx, tx.ChainId, ulong.MaxValue);
            if (oversized is null)
            {
                Assert.NotEqual(TxRejectionCode.AmountAbove128Bits, rejection?.Code);
                Assert.Equal(tx.Value, (UInt256)tx.Amounts.Value);
                Assert.Equal(tx.MaxFeePerGas, (UInt256)tx.Amounts.MaxFeePerGas);
                Assert.Equal(tx.MaxPriorityFeePerGas, (UInt256)tx.Amounts.MaxPriorityFeePerGas);
                continue;
            }
            refused++;
            Assert.NotNull(rejection);
            Assert.Equal(TxRejectionCode.AmountAbove128Bits, rejection.Code);
            var words = oversized switch
            {
                "gasPrice" => "gas price",
                "maxPriorityFeePerGas" => "max priority fee per gas",
                "maxFeePerGas" => "max fee per gas",
                _ => "value",
            };
            var amount = UInt256.Parse(vector.GetProperty("unsigned").GetProperty(oversized).GetString()!);
            Assert.Equal(
                $"amount too large: {words} {amount} wei ({amount.BitLength} bits) exceeds the 128-bit amount limit ({UInt128.MaxValue} wei)",
                rejection.Message);
            // The money view is refused loudly, never truncated.
            var error = Assert.Throws<InvalidOperationException>(() => tx.Amounts);
            Assert.Contains($"{words} {amount}", error.Message);
        }
        // 39 of the 225 generated transactions carry fees of 194 to 256 bits (ethers allows up to 256).
        Assert.Equal(39, refused);
    }

    /// <summary>The name of the first amount field above 128 bits in wire order, if any (OpenLedger money is UInt128 wei).</summary>
    internal static string? OversizedAmount(JsonElement unsigned)
    {
        foreach (var name in new[] { "gasPrice", "maxPriorityFeePerGas", "maxFeePerGas", "value" })
        {
            if (unsigned.TryGetProperty(name, out var amount) && !UInt256.Parse(amount.GetString()!).FitsInUInt128)
                return name;
        }
        return null;
    }

    internal static UnsignedTransaction FromJson(JsonElement fields, TxType type, ulong chainId)
    {
        var to = fields.GetProperty("to");
        return new UnsignedTransaction
        {
            Type = type,
            ChainId = chainId,
            Nonce = fields.GetProperty("nonce").GetUInt64(),
            GasPrice = type == TxType.DynamicFee ? 0 : Amount(fields, "gasPrice"),
            MaxPriorityFeePerGas = type == TxType.DynamicFee ? Amount(fields, "maxPriorityFeePerGas") : 0,
            MaxFeePerGas = type == TxType.DynamicFee ? Amount(fields, "maxFeePerGas") : 0,
            GasLimit = ulong.Parse(fields.GetProperty("gasLimit").GetString()!, CultureInfo.InvariantCulture),
            To = to.ValueKind == JsonValueKind.Null ? null : Address.Parse(to.GetString()!),
            Value = Amount(fields, "value"),
            Data = Hex.Decode(fields.GetProperty("data").GetString()!),
            AccessList = fields.TryGetProperty("accessList", out var list)
                ? list.EnumerateArray().Select(item => new AccessListItem(
                    Address.Parse(item.GetProperty("address").GetString()!),
                    item.GetProperty("storageKeys").EnumerateArray().Select(k => Hash256.Parse(k.GetString()!)).ToArray())).ToArray()
                : [],
        };
    }

    private static void AssertFieldsMatch(JsonElement fields, TxType type, UnsignedTransaction actual)
    {
        var expected = FromJson(fields, type, actual.ChainId);
        Assert.Equal(expected.Nonce, actual.Nonce);
        Assert.Equal(expected.GasPrice, actual.GasPrice);
        Assert.Equal(expected.MaxPriorityFeePerGas, actual.MaxPriorityFeePerGas);
        Assert.Equal(expected.MaxFeePerGas, actual.MaxFeePerGas);
        Assert.Equal(expected.GasLimit, actual.GasLimit);
        Assert.Equal(expected.To, actual.To);
        Assert.Equal(expected.Value, actual.Value);
        Assert.Equal(expected.Data, actual.Data);
        Assert.Equal(expected.AccessList, actual.AccessList);
    }

    private static UInt256 Amount(JsonElement fields, string name) => UInt256.Parse(fields.GetProperty(name).GetString()!);
}
