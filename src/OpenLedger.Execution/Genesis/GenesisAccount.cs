using OpenLedger.Core.Types;

namespace OpenLedger.Execution.Genesis;

/// <summary>An initial balance. A validator's self-bond is taken out of its operator's allocation.</summary>
public sealed record GenesisAccount
{
    public required Address Address { get; init; }
    public required UInt128 Balance { get; init; }
    /// <summary>Free text for people reading the file ("dev account 0", "foundation").</summary>
    public string? Note { get; init; }
}
