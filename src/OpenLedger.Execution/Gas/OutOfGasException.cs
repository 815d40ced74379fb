namespace OpenLedger.Execution.Gas;

public sealed class OutOfGasException(ulong limit, ulong wanted)
    : InvalidOperationException($"out of gas: limit {limit}, needed at least {wanted}")
{
    public ulong Limit { get; } = limit;
    public ulong Wanted { get; } = wanted;
}
