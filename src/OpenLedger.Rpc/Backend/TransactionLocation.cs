using OpenLedger.Core.Types;

namespace OpenLedger.Rpc.Backend;

/// <summary>Where a committed transaction is: its block and its index in that block.</summary>
public sealed record TransactionLocation(ulong BlockNumber, Hash256 BlockHash, int Index);
