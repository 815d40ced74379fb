namespace OpenLedger.Execution;

/// <summary>
/// EIP-1559: the base fee moves toward keeping blocks half full, by at most 1/8 per block, and never below
/// the chain's minimum (SPEC §3). Integer arithmetic exactly as go-ethereum's CalcBaseFee, plus the floor.
/// </summary>
public static class BaseFeeCalculator
{
    public static UInt128 Next(UInt128 parentBaseFee, ulong parentGasUsed, ulong parentGasLimit, ChainParameters parameters)
    {
        var target = parentGasLimit / parameters.ElasticityMultiplier;
        UInt128 next;
        if (target == 0 || parentGasUsed == target)
        {
            next = parentBaseFee;
        }
        else if (parentGasUsed > target)
        {
            var delta = parentBaseFee * (parentGasUsed - target) / target / parameters.BaseFeeChangeDenominator;
            next = parentBaseFee + (delta < 1 ? 1 : delta);
        }
        else
        {
            var delta = parentBaseFee * (target - parentGasUsed) / target / parameters.BaseFeeChangeDenominator;
            next = parentBaseFee - delta;
        }
        return next < parameters.MinBaseFee ? parameters.MinBaseFee : next;
    }
}
