using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Evidence;

/// <summary>Pending evidence in memory, for simulations and tests (a "restart" reuses the instance).</summary>
public sealed class InMemoryEvidenceStore : IEvidenceStore
{
    private readonly Dictionary<Hash256, DuplicateVoteEvidence> _pending = [];

    public IReadOnlyList<DuplicateVoteEvidence> LoadPending() => _pending.Values.ToArray();

    public void SavePending(Hash256 hash, DuplicateVoteEvidence evidence) => _pending[hash] = evidence;

    public void DeletePending(Hash256 hash) => _pending.Remove(hash);
}
