namespace OpenLedger.Consensus.Signing;

/// <summary>
/// Keeps the signing state in memory. The object itself plays the "disk" in simulations: hand the same
/// instance to the restarted node. Not for production validators.
/// </summary>
public sealed class InMemorySigningStateStore : ISigningStateStore
{
    private LastSignState? _state;

    public InMemorySigningStateStore(LastSignState? initial = null) => _state = initial;

    /// <summary>How many times the state was saved (tests count the "fsyncs").</summary>
    public int SaveCount { get; private set; }

    public LastSignState? Load() => _state;

    public void Save(LastSignState state)
    {
        _state = state;
        SaveCount++;
    }
}
