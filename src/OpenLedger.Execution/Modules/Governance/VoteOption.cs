namespace OpenLedger.Execution.Modules.Governance;

/// <summary>The uint8 `option` of vote().</summary>
public enum VoteOption : byte
{
    Yes = 1,
    No = 2,
    Abstain = 3,
    /// <summary>No, and burn the deposit if at least VetoThresholdBps of the votes agree.</summary>
    Veto = 4,
}
