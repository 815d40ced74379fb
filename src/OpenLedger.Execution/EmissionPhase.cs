namespace OpenLedger.Execution;

/// <summary>
/// One phase of the emission schedule (SPEC §4.5): from <see cref="FromHeight"/> on, every block pays
/// <see cref="RewardPerBlock"/> wei out of the reward reserve, split between validators and attribution.
/// </summary>
public sealed record EmissionPhase
{
    public required string Name { get; init; }
    public required ulong FromHeight { get; init; }
    public required UInt128 RewardPerBlock { get; init; }
    public required ushort ValidatorShareBps { get; init; }
    public required ushort AttributionShareBps { get; init; }
}
