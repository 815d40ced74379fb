namespace OpenLedger.Execution.Modules.Datanets;

/// <summary>A contribution's review state (uint8 in views and events).</summary>
public enum ContributionStatus : byte
{
    Pending = 0,
    Approved = 1,
    Rejected = 2,
    /// <summary>Rejected as adversarial (poisoned, spam, stolen): the bond was burned.</summary>
    Adversarial = 3,
}
