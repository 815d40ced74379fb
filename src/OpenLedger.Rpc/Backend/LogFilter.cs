using OpenLedger.Core.Types;

namespace OpenLedger.Rpc.Backend;

/// <summary>
/// eth_getLogs semantics over an inclusive block range. An empty <see cref="Addresses"/> matches any address.
/// <see cref="Topics"/>[i] constrains topic i: null matches anything, otherwise any of the listed values.
/// </summary>
public sealed record LogFilter(
    ulong FromBlock,
    ulong ToBlock,
    IReadOnlyList<Address> Addresses,
    IReadOnlyList<IReadOnlyList<Hash256>?> Topics)
{
    /// <summary>The same filter applied in memory (for live subscriptions and simple backends).</summary>
    public bool Matches(Core.Chain.LogEntry log)
    {
        if (Addresses.Count > 0 && !Addresses.Contains(log.Address)) return false;
        for (var i = 0; i < Topics.Count; i++)
        {
            var wanted = Topics[i];
            if (wanted is null || wanted.Count == 0) continue;
            if (i >= log.Topics.Count || !wanted.Contains(log.Topics[i])) return false;
        }
        return true;
    }
}
