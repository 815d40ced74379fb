using System.Globalization;
using System.Numerics;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Tests.Support;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Core.Tests.Transactions;

/// <summary>ethereum/tests BasicTests/txtest.json: pre-EIP-155 legacy transactions with their key and fields.</summary>
public class BasicTxTestTests
{
    [Fact]
    public void SignedTransactions_DecodeToTheirFields_SigningPayloadAndSigner()
    {
        using var doc = Vectors.Load("ethereum-tests/BasicTests/txtest.json");
        int count = 0, highS = 0;
        foreach (var vector in doc.RootElement.EnumerateArray())
        {
            var signed = Hex.Decode(vector.GetProperty("signed").GetString()!);
            var key = PrivateKey.FromHex(vector.GetProperty("key").GetString()!);

            var tx = Transaction.Decode(signed);

            Assert.Equal(TxType.Legacy, tx.Type);
            Assert.False(tx.IsReplayProtected);
            Assert.Equal(0UL, tx.ChainId);
            Assert.Equal(vector.GetProperty("nonce").GetUInt64(), tx.Nonce);
            Assert.Equal((UInt128)vector.GetProperty("gasprice").GetUInt64(), tx.GasPrice);
            Assert.Equal(vector.GetProperty("startgas").GetUInt64(), tx.GasLimit);
            Assert.Equal((UInt128)vector.GetProperty("value").GetUInt64(), tx.Value);
            var to = vector.GetProperty("to").GetString()!;
            Assert.Equal(to.Length == 0 ? null : Address.Parse("0x" + to), tx.To);
            Assert.Equal(Hex.Decode(vector.GetProperty("data").GetString()!), tx.Data.ToArray());
            // `unsigned` is the 9-field list with empty v, r, s: byte-identical to the EIP-155 payload for chain id 0.
            var unsigned = tx.ToUnsigned();
            var zeroChainForm = new UnsignedTransaction
            {
                Type = TxType.Legacy, ChainId = 0, IsReplayProtected = true, Nonce = unsigned.Nonce, GasPrice = unsigned.GasPrice,
                GasLimit = unsigned.GasLimit, To = unsigned.To, Value = unsigned.Value, Data = unsigned.Data,
            };
            Assert.Equal(Hex.Decode(vector.GetProperty("unsigned").GetString()!), zeroChainForm.EncodeForSigning());
            // The pre-EIP-155 signing payload is the 6-field list, a different digest.
            Assert.NotEqual(zeroChainForm.SigningHash, unsigned.SigningHash);
            Assert.Equal(6, CountFields(unsigned.EncodeForSigning()));
            Assert.Equal(signed, tx.ToUnsigned().WithSignature(tx.Signature).Encoded.ToArray());
            if (tx.Signature.IsLowS)
            {
                Assert.Equal(key.Address, tx.RecoverSender());
            }
            else
            {
                // Signed before Homestead: high s, refused under EIP-2. Its low-s twin is the same signature.
                highS++;
                var error = Assert.Throws<InvalidSignatureException>(() => tx.RecoverSender());
                Assert.Contains("EIP-2", error.Message);
                Assert.Equal(key.Address, LowSTwin(tx).RecoverSender());
            }
            count++;
        }
        Assert.Equal(2, count);
        Assert.Equal(1, highS);
    }

    private static Transaction LowSTwin(Transaction tx)
    {
        var n = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", NumberStyles.HexNumber);
        var s = new BigInteger(tx.Signature.S, isUnsigned: true, isBigEndian: true);
        var twin = Signature.FromCompact(tx.Signature.R, (n - s).ToByteArray(isUnsigned: true, isBigEndian: true),
            (byte)(tx.Signature.RecoveryId ^ 1));
        return tx.ToUnsigned().WithSignature(twin);
    }

    private static int CountFields(byte[] list)
    {
        var reader = new RlpReader(list).ReadList();
        var count = 0;
        while (reader.HasMore)
        {
            reader.ReadEncodedItem();
            count++;
        }
        return count;
    }
}
