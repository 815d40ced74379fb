using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;
using OpenLedger.Storage;

namespace OpenLedger.Consensus.Evidence;

/// <summary>
/// Pending evidence in the node database: column <see cref="DbColumn.Evidence"/>, key "pending/" + evidence
/// hash → the evidence's RLP. (The chain keeps its index of committed evidence in the same column under
/// "committed/".) Entries that no longer decode are skipped: evidence is re-gossiped, losing one costs little.
/// </summary>
public sealed class KeyValueEvidenceStore(IKeyValueStore store) : IEvidenceStore
{
    private static readonly byte[] Prefix = "pending/"u8.ToArray();

    public IReadOnlyList<DuplicateVoteEvidence> LoadPending()
    {
        var result = new List<DuplicateVoteEvidence>();
        foreach (var (_, value) in store.Iterate(DbColumn.Evidence, Prefix))
        {
            try
            {
                result.Add(DuplicateVoteEvidence.Decode(value));
            }
            catch (Core.Encoding.RlpException)
            {
                // A damaged entry: dropped (see the class comment).
            }
        }
        return result;
    }

    public void SavePending(Hash256 hash, DuplicateVoteEvidence evidence) => store.Put(DbColumn.Evidence, Key(hash), evidence.Encode(), sync: true);

    public void DeletePending(Hash256 hash) => store.Delete(DbColumn.Evidence, Key(hash));

    private static byte[] Key(Hash256 hash) => [.. Prefix, .. hash.ToArray()];
}
