using OpenLedger.Core.Abi;

namespace OpenLedger.Core.Tests.Abi;

/// <summary>Arbitrary bytes offered to the decoder as data of the given types.</summary>
public sealed record AbiGarbage(AbiType[] Types, byte[] Data)
{
    public override string ToString() => $"({string.Join(",", Types.Select(t => t.ToString()))}) <- 0x{Convert.ToHexStringLower(Data)}";
}
