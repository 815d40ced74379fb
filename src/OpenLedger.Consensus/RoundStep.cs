namespace OpenLedger.Consensus;

/// <summary>Where the engine is inside a round. The numeric values are part of the signing state on disk.</summary>
public enum RoundStep : byte
{
    Propose = 1,
    Prevote = 2,
    Precommit = 3,
    /// <summary>The height is decided; the engine waits for the next <c>StartHeight</c>.</summary>
    Commit = 4,
}
