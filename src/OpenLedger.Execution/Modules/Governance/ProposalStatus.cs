namespace OpenLedger.Execution.Modules.Governance;

public enum ProposalStatus : byte
{
    Voting = 0,
    /// <summary>Passed; waiting out the timelock.</summary>
    Queued = 1,
    Rejected = 2,
    /// <summary>Vetoed: the deposit was burned.</summary>
    Vetoed = 3,
    Executed = 4,
    /// <summary>Passed, but its changes were no longer valid when the timelock ended (other changes came first).</summary>
    Failed = 5,
}
