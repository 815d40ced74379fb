using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Tests.Transactions;

/// <summary>Signed transactions for rule and codec tests; the key is keys.json's key-0 (keccak256("key-0")).</summary>
internal static class TestTransactions
{
    public const ulong DevnetChainId = 161200;

    public static readonly PrivateKey Key = PrivateKey.FromHex("0x194299d75a4bc790eab4e2d16e55cb64c7ab27c063d1d66efc90146d720afeb8");

    public static readonly Address Recipient = Address.Parse("0x508218a8C2919C1c41C8C9Bd1acE5b8486B95230");

    public static UnsignedTransaction DynamicFee(
        ulong chainId = DevnetChainId, ulong gasLimit = 21_000, byte[]? data = null, UInt128? maxFee = null,
        UInt128? tip = null, bool creation = false, IReadOnlyList<AccessListItem>? accessList = null) => new()
    {
        Type = TxType.DynamicFee,
        ChainId = chainId,
        Nonce = 7,
        MaxPriorityFeePerGas = tip ?? 2_000_000_000,
        MaxFeePerGas = maxFee ?? 30_000_000_000,
        GasLimit = gasLimit,
        To = creation ? null : Recipient,
        Value = 1_000_000_000_000_000_000,
        Data = data ?? [],
        AccessList = accessList ?? [],
    };

    public static Transaction Signed(UnsignedTransaction unsigned) => TransactionSigner.Sign(unsigned, Key);
}
