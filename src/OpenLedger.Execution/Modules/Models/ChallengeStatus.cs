namespace OpenLedger.Execution.Modules.Models;

public enum ChallengeStatus : byte
{
    Open = 0,
    Upheld = 1,
    Rejected = 2,
    /// <summary>Not more than 2/3 of the voting power voted: treated like a rejection.</summary>
    NoQuorum = 3,
}
