namespace OpenLedger.Consensus.Evidence;

/// <summary>What <see cref="EvidencePool.Add"/> did with a piece of evidence.</summary>
public enum EvidenceOutcome
{
    /// <summary>New and valid: now pending (gossip accepts and forwards it).</summary>
    Added,

    /// <summary>Already pending: nothing to do (gossip ignores it).</summary>
    AlreadyPending,

    /// <summary>Already included in a block: stale rather than wrong (gossip ignores it).</summary>
    AlreadyCommitted,

    /// <summary>Fails verification (gossip rejects it and does not forward it).</summary>
    Invalid,
}

/// <summary>The outcome and, unless added, why.</summary>
public sealed record EvidenceAdmission(EvidenceOutcome Outcome, string? Reason = null)
{
    public static readonly EvidenceAdmission Added = new(EvidenceOutcome.Added);
    public static readonly EvidenceAdmission AlreadyPending = new(EvidenceOutcome.AlreadyPending, "the evidence is already pending");
}
