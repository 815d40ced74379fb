using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;

namespace OpenLedger.Rpc.Backend;

/// <summary>A log with its position: block, transaction, and block-wide log index.</summary>
public sealed record LogMatch(
    LogEntry Log,
    ulong BlockNumber,
    Hash256 BlockHash,
    Hash256 TransactionHash,
    int TransactionIndex,
    int LogIndex);
