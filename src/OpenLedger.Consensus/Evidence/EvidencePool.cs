using OpenLedger.Consensus.Signing;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Evidence;

/// <summary>
/// Holds verified double-sign evidence until a block includes it. Verification is
/// <see cref="EvidenceVerifier"/> (the same rules block validation applies) plus "not in the future": evidence
/// from the height being decided is admitted and becomes includable one block later. Evidence is kept in
/// canonical vote order, so the same double sign reported by several nodes is one entry. Committed evidence
/// (remembered here, and looked up in the chain's index when one is given) is never admitted again.
/// Not thread-safe: the caller serialises access.
/// </summary>
public sealed class EvidencePool
{
    private readonly ulong _chainId;
    private readonly IVoteVerifier _verifier;
    private readonly Func<ulong, ValidatorSet?> _validatorSetAt;
    private readonly ulong _maxAgeHeights;
    private readonly IEvidenceStore _store;
    private readonly Func<Hash256, ulong?> _committedIndex;
    private readonly Dictionary<Hash256, DuplicateVoteEvidence> _pending = [];
    private readonly List<Hash256> _pendingOrder = [];
    private readonly Dictionary<Hash256, ulong> _committed = [];

    /// <param name="validatorSetAt">The validator set that voted at a height, or null if unknown (too old, pruned).</param>
    /// <param name="maxAgeHeights">How many blocks after its height evidence can still be included.</param>
    /// <param name="store">Persistence of pending evidence (in memory when null); pending entries are loaded from it.</param>
    /// <param name="committedIndex">The height at which the chain included evidence with this hash, if it did.</param>
    public EvidencePool(ulong chainId, IVoteVerifier verifier, Func<ulong, ValidatorSet?> validatorSetAt, ulong maxAgeHeights,
        IEvidenceStore? store = null, Func<Hash256, ulong?>? committedIndex = null)
    {
        _chainId = chainId;
        _verifier = verifier;
        _validatorSetAt = validatorSetAt;
        _maxAgeHeights = maxAgeHeights;
        _store = store ?? new InMemoryEvidenceStore();
        _committedIndex = committedIndex ?? (_ => null);
        foreach (var evidence in _store.LoadPending().OrderBy(e => e.First.Height))
        {
            var hash = evidence.Hash;
            if (_committedIndex(hash) is not null)
            {
                _store.DeletePending(hash);
                continue;
            }
            if (_pending.TryAdd(hash, evidence)) _pendingOrder.Add(hash);
        }
    }

    public int PendingCount => _pendingOrder.Count;

    public ulong MaxAgeHeights => _maxAgeHeights;

    /// <summary>Null when the evidence is valid while the chain decides <paramref name="currentHeight"/>; otherwise why not.</summary>
    public string? Verify(DuplicateVoteEvidence evidence, ulong currentHeight)
    {
        var height = evidence.First.Height;
        if (height > currentHeight) return $"evidence height {height} is above the current height {currentHeight}";
        // Evidence from the height being decided can go into the next block; older evidence into the current one.
        var includingHeight = Math.Max(currentHeight, height + 1);
        return EvidenceVerifier.Verify(evidence, _chainId, includingHeight, _maxAgeHeights, _validatorSetAt(height), _verifier);
    }

    /// <summary>Verifies and keeps the evidence (in canonical vote order).</summary>
    public EvidenceAdmission Add(DuplicateVoteEvidence evidence, ulong currentHeight)
    {
        evidence = EvidenceVerifier.Canonical(evidence);
        var hash = evidence.Hash;
        if (_pending.ContainsKey(hash)) return EvidenceAdmission.AlreadyPending;
        if (CommittedAt(hash) is { } includedAt)
            return new EvidenceAdmission(EvidenceOutcome.AlreadyCommitted, $"the evidence was already included at height {includedAt}");
        if (Verify(evidence, currentHeight) is { } error) return new EvidenceAdmission(EvidenceOutcome.Invalid, error);
        _store.SavePending(hash, evidence);
        _pending.Add(hash, evidence);
        _pendingOrder.Add(hash);
        return EvidenceAdmission.Added;
    }

    public bool IsPending(DuplicateVoteEvidence evidence) => _pending.ContainsKey(EvidenceVerifier.Canonical(evidence).Hash);

    /// <summary>The height at which evidence with this hash was included, if it was.</summary>
    public ulong? CommittedAt(Hash256 hash) => _committed.TryGetValue(hash, out var height) ? height : _committedIndex(hash);

    /// <summary>All pending pieces, oldest first.</summary>
    public IReadOnlyList<DuplicateVoteEvidence> Pending(int max = int.MaxValue) =>
        _pendingOrder.Take(max).Select(h => _pending[h]).ToArray();

    /// <summary>
    /// Up to <paramref name="max"/> pending pieces that a block at <paramref name="height"/> may include (from a
    /// lower height and not expired there), oldest first.
    /// </summary>
    public IReadOnlyList<DuplicateVoteEvidence> ForBlock(ulong height, int max) =>
        _pendingOrder.Select(h => _pending[h])
            .Where(e => e.First.Height < height && height - e.First.Height <= _maxAgeHeights)
            .Take(max).ToArray();

    /// <summary>The block at <paramref name="height"/> included this evidence: stop proposing it, never accept it again.</summary>
    public void MarkCommitted(DuplicateVoteEvidence evidence, ulong height)
    {
        var hash = EvidenceVerifier.Canonical(evidence).Hash;
        _committed.TryAdd(hash, height);
        Remove(hash);
    }

    /// <summary>Drops a pending piece that will never be included (e.g. its validator is already tombstoned).</summary>
    public void Drop(DuplicateVoteEvidence evidence) => Remove(EvidenceVerifier.Canonical(evidence).Hash);

    /// <summary>Drops pending evidence that has become too old to include; returns how many.</summary>
    public int Prune(ulong currentHeight)
    {
        var dropped = 0;
        foreach (var hash in _pendingOrder.ToArray())
        {
            var height = _pending[hash].First.Height;
            if (currentHeight > height && currentHeight - height > _maxAgeHeights)
            {
                Remove(hash);
                dropped++;
            }
        }
        return dropped;
    }

    private void Remove(Hash256 hash)
    {
        if (!_pending.Remove(hash)) return;
        _pendingOrder.Remove(hash);
        _store.DeletePending(hash);
    }
}
