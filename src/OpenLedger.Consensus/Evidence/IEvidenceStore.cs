using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Evidence;

/// <summary>Where the pool keeps its pending evidence, so a restarted node still proposes what it had verified.</summary>
public interface IEvidenceStore
{
    IReadOnlyList<DuplicateVoteEvidence> LoadPending();

    void SavePending(Hash256 hash, DuplicateVoteEvidence evidence);

    void DeletePending(Hash256 hash);
}
