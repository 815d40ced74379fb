namespace OpenLedger.Execution.Gas;

/// <summary>Counts gas for one transaction; charging past the limit throws <see cref="OutOfGasException"/>.</summary>
public sealed class GasMeter(ulong limit)
{
    public ulong Limit { get; } = limit;

    public ulong Used { get; private set; }

    public ulong Remaining => Limit - Used;

    public void Charge(ulong amount)
    {
        var wanted = Used + amount;
        if (wanted < Used || wanted > Limit)
        {
            Used = Limit;
            throw new OutOfGasException(Limit, wanted < Used ? ulong.MaxValue : wanted);
        }
        Used = wanted;
    }
}
