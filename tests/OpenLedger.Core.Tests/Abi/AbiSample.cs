using OpenLedger.Core.Abi;

namespace OpenLedger.Core.Tests.Abi;

/// <summary>A list of ABI types with one value per type, printed readably when a property fails.</summary>
public sealed record AbiSample(AbiType[] Types, object[] Values)
{
    public override string ToString() => $"({string.Join(",", Types.Select(t => t.ToString()))}) = {AbiTestValues.Show(Values)}";
}
