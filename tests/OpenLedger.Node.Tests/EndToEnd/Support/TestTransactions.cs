using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;

namespace OpenLedger.Node.Tests.EndToEnd.Support;

/// <summary>Transfers signed in C# with the project's own signer, as the wallet CLI signs them.</summary>
public static class TestTransactions
{
    public const ulong DevnetChainId = 161200;
    public static readonly UInt128 Gwei = 1_000_000_000;

    public static UnsignedTransaction Transfer(ulong nonce, Address to, UInt128 value, ulong chainId = DevnetChainId) => new()
    {
        Type = TxType.DynamicFee,
        ChainId = chainId,
        Nonce = nonce,
        MaxPriorityFeePerGas = Gwei,
        MaxFeePerGas = 20 * Gwei,
        GasLimit = 21_000,
        To = to,
        Value = value,
    };

    public static Transaction Sign(UnsignedTransaction unsigned, PrivateKey key) => TransactionSigner.Sign(unsigned, key);

    public static byte[] Raw(UnsignedTransaction unsigned, PrivateKey key) => Sign(unsigned, key).Encoded.ToArray();
}
