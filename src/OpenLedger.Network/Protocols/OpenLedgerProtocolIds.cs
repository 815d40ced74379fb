using System.Globalization;

namespace OpenLedger.Network.Protocols;

/// <summary>The chain's gossip topics and request/response protocol ids (SPEC §7), all scoped by chain id.</summary>
public static class OpenLedgerProtocolIds
{
    /// <summary>Gossip topic for raw signed transactions (EIP-2718 bytes, one per message).</summary>
    public static string TransactionsTopic(ulong chainId) => Format("/openledger/{0}/tx/1", chainId);

    /// <summary>
    /// Gossip topic between openledger nodes for many raw signed transactions per message (an RLP list of them,
    /// <c>TransactionBatch</c> in the node): one envelope signature per batch instead of one per transaction.
    /// Peers that subscribe only to <see cref="TransactionsTopic"/> (e.g. js-libp2p) still get single transactions there.
    /// </summary>
    public static string TransactionBatchTopic(ulong chainId) => Format("/openledger/{0}/txbatch/1", chainId);

    public static string ConsensusTopic(ulong chainId) => Format("/openledger/{0}/consensus/1", chainId);

    public static string EvidenceTopic(ulong chainId) => Format("/openledger/{0}/evidence/1", chainId);

    public static string Status(ulong chainId) => Format("/openledger/{0}/status/1", chainId);

    public static string Blocks(ulong chainId) => Format("/openledger/{0}/blocks/1", chainId);

    private static string Format(string pattern, ulong chainId) => string.Format(CultureInfo.InvariantCulture, pattern, chainId);
}
