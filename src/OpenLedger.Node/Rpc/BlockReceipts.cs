using OpenLedger.Core.Chain;

namespace OpenLedger.Node.Rpc;

/// <summary>A block's receipts with the block-wide index of each receipt's first log (eth logIndex).</summary>
public sealed record BlockReceipts(IReadOnlyList<TransactionReceipt> Receipts, int[] FirstLogIndex)
{
    public static BlockReceipts Of(IReadOnlyList<TransactionReceipt> receipts)
    {
        var firstLog = new int[receipts.Count];
        for (int i = 0, logs = 0; i < receipts.Count; logs += receipts[i].Logs.Count, i++) firstLog[i] = logs;
        return new BlockReceipts(receipts, firstLog);
    }
}
