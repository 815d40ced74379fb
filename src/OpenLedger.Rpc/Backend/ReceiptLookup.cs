using OpenLedger.Core.Chain;

namespace OpenLedger.Rpc.Backend;

/// <summary>
/// A receipt with its block. <see cref="FirstLogIndex"/> is the block-wide index of the receipt's first log
/// (the number of logs emitted by earlier transactions of the block), so every log gets its Ethereum logIndex.
/// </summary>
public sealed record ReceiptLookup(TransactionReceipt Receipt, TransactionLocation Location, int FirstLogIndex);
