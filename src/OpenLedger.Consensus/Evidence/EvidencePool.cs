using OpenLedger.Consensus.Signing;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Evidence;

/// <summary>
/// Holds verified double-sign evidence until a block includes it. Verification: the two votes are from one
/// validator for the same (height, round, type) and different blocks; the height is not in the future and
/// not older than <c>maxAgeHeights</c>; the validator was in the set of that height; both signatures verify
/// under the chain id. Committed evidence is remembered so it is never included twice.
/// </summary>
public sealed class EvidencePool
{
    private readonly ulong _chainId;
    private readonly IVoteVerifier _verifier;
    private readonly Func<ulong, ValidatorSet?> _validatorSetAt;
    private readonly ulong _maxAgeHeights;
    private readonly Dictionary<Hash256, DuplicateVoteEvidence> _pending = [];
    private readonly List<Hash256> _pendingOrder = [];
    private readonly Dictionary<Hash256, ulong> _committed = [];

    /// <param name="validatorSetAt">The validator set that voted at a height, or null if unknown (too old, pruned).</param>
    public EvidencePool(ulong chainId, IVoteVerifier verifier, Func<ulong, ValidatorSet?> validatorSetAt, ulong maxAgeHeights)
    {
        _chainId = chainId;
        _verifier = verifier;
        _validatorSetAt = validatorSetAt;
        _maxAgeHeights = maxAgeHeights;
    }

    public int PendingCount => _pendingOrder.Count;

    /// <summary>Null when the evidence is valid at <paramref name="currentHeight"/>; otherwise why not.</summary>
    public string? Verify(DuplicateVoteEvidence evidence, ulong currentHeight)
    {
        var (first, second) = (evidence.First, evidence.Second);
        if (first.Validator != second.Validator) return $"the votes are from different validators ({first.Validator}, {second.Validator})";
        if (first.Height != second.Height || first.Round != second.Round || first.Type != second.Type)
            return "the votes are not for the same height, round and type";
        if (first.BlockHash == second.BlockHash) return "the votes are for the same block, which is not a double sign";
        if (first.Height > currentHeight) return $"evidence height {first.Height} is above the current height {currentHeight}";
        if (currentHeight - first.Height > _maxAgeHeights)
            return $"evidence from height {first.Height} is too old at height {currentHeight} (maximum age {_maxAgeHeights} blocks)";
        var validators = _validatorSetAt(first.Height);
        if (validators is null) return $"the validator set of height {first.Height} is not known";
        if (validators.Find(first.Validator) is null) return $"{first.Validator} was not a validator at height {first.Height}";
        if (!_verifier.Verify(first.SigningDigest(_chainId), first.Signature, first.Validator)) return "the first vote's signature does not verify";
        if (!_verifier.Verify(second.SigningDigest(_chainId), second.Signature, second.Validator)) return "the second vote's signature does not verify";
        return null;
    }

    /// <summary>Verifies and keeps the evidence; null on success (or if already known), otherwise why it was rejected.</summary>
    public string? Add(DuplicateVoteEvidence evidence, ulong currentHeight)
    {
        var hash = evidence.Hash;
        if (_pending.ContainsKey(hash)) return null;
        if (_committed.TryGetValue(hash, out var includedAt)) return $"the evidence was already included at height {includedAt}";
        if (Verify(evidence, currentHeight) is { } error) return error;
        _pending.Add(hash, evidence);
        _pendingOrder.Add(hash);
        return null;
    }

    /// <summary>Up to <paramref name="max"/> pending pieces, oldest first, for a block proposal.</summary>
    public IReadOnlyList<DuplicateVoteEvidence> Pending(int max = int.MaxValue) =>
        _pendingOrder.Take(max).Select(h => _pending[h]).ToArray();

    /// <summary>The block at <paramref name="height"/> included this evidence: stop proposing it, never accept it again.</summary>
    public void MarkCommitted(DuplicateVoteEvidence evidence, ulong height)
    {
        var hash = evidence.Hash;
        _committed.TryAdd(hash, height);
        if (_pending.Remove(hash)) _pendingOrder.Remove(hash);
    }

    /// <summary>Drops pending evidence that has become too old to include.</summary>
    public void Prune(ulong currentHeight)
    {
        foreach (var hash in _pendingOrder.ToArray())
        {
            var height = _pending[hash].First.Height;
            if (currentHeight > height && currentHeight - height > _maxAgeHeights)
            {
                _pending.Remove(hash);
                _pendingOrder.Remove(hash);
            }
        }
    }
}
