using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.Transactions;

/// <summary>Signs unsigned transactions the way Ethereum wallets do (deterministic RFC 6979 signatures).</summary>
public static class TransactionSigner
{
    public static Transaction Sign(UnsignedTransaction unsigned, PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(unsigned);
        ArgumentNullException.ThrowIfNull(key);
        unsigned.Validate();
        return unsigned.WithSignature(key.Sign(unsigned.SigningHash));
    }
}
