using System.Numerics;
using System.Reflection;
using OpenLedger.Core.Abi;

namespace OpenLedger.Execution.Modules.Governance;

/// <summary>
/// One governable field of <see cref="ChainParameters"/>: its name (the C# property name, e.g.
/// "ChallengeWindowBlocks"), the Solidity type its value is ABI-encoded as, and conversions both ways.
/// </summary>
public sealed class ParameterDefinition
{
    public const string EmissionPhaseTuple = "(string name,uint64 fromHeight,uint256 rewardPerBlock,uint16 validatorShareBps,uint16 attributionShareBps)[]";

    private readonly PropertyInfo _property;

    private ParameterDefinition(PropertyInfo property, string abiType)
    {
        _property = property;
        Name = property.Name;
        AbiTypeName = abiType;
        Type = AbiType.Parse(abiType);
        StorageSlot = Common.StorageKey.Of("param", property.Name);
    }

    /// <summary>Where an executed change of this parameter is stored in the governance module's storage.</summary>
    public OpenLedger.Core.Types.Hash256 StorageSlot { get; }

    public string Name { get; }

    public string AbiTypeName { get; }

    public AbiType Type { get; }

    /// <summary>Every governable parameter, by name (ordinal order), ChainId excluded.</summary>
    public static IReadOnlyList<ParameterDefinition> All { get; } = typeof(ChainParameters)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite && p.Name != nameof(ChainParameters.ChainId))
        .OrderBy(p => p.Name, StringComparer.Ordinal)
        .Select(p => new ParameterDefinition(p, AbiTypeFor(p.PropertyType, p.Name)))
        .ToArray();

    public static ParameterDefinition? Find(string name) => All.FirstOrDefault(d => d.Name == name);

    private static string AbiTypeFor(Type type, string name) =>
        type == typeof(ulong) ? "uint64"
        : type == typeof(uint) ? "uint32"
        : type == typeof(int) ? "uint32"
        : type == typeof(ushort) ? "uint16"
        : type == typeof(UInt128) ? "uint256"
        : type == typeof(UInt128[]) ? "uint256[]"
        : type == typeof(EmissionPhase[]) ? EmissionPhaseTuple
        : throw new InvalidOperationException($"chain parameter {name} has a type ({type.Name}) governance cannot encode");

    /// <summary>abi.encode(value) of this parameter's current value.</summary>
    public byte[] Encode(ChainParameters parameters)
    {
        var value = _property.GetValue(parameters)!;
        object encoded = value switch
        {
            UInt128[] amounts => amounts.Select(a => (object)a).ToArray(),
            EmissionPhase[] phases => phases.Select(ph => (object)new object[] { ph.Name, ph.FromHeight, ph.RewardPerBlock, ph.ValidatorShareBps, ph.AttributionShareBps }).ToArray(),
            _ => value,
        };
        return AbiCodec.Encode([Type], [encoded]);
    }

    /// <summary>Decodes abi.encode(value) strictly and returns a copy of <paramref name="parameters"/> with it set.</summary>
    public ChainParameters Apply(ChainParameters parameters, ReadOnlySpan<byte> encodedValue)
    {
        var decoded = AbiCodec.Decode([Type], encodedValue)[0];
        var pt = _property.PropertyType;
        object value;
        if (pt == typeof(ulong)) value = (ulong)(BigInteger)decoded;
        else if (pt == typeof(uint)) value = (uint)(BigInteger)decoded;
        else if (pt == typeof(int))
        {
            var n = (BigInteger)decoded;
            if (n > int.MaxValue) throw new ArgumentException($"{Name} {n} is above {int.MaxValue}");
            value = (int)n;
        }
        else if (pt == typeof(ushort)) value = (ushort)(BigInteger)decoded;
        else if (pt == typeof(UInt128)) value = ToUInt128((BigInteger)decoded);
        else if (pt == typeof(UInt128[])) value = ((object[])decoded).Select(x => ToUInt128((BigInteger)x)).ToArray();
        else
        {
            value = ((object[])decoded).Select(x =>
            {
                var t = (object[])x;
                return new EmissionPhase
                {
                    Name = (string)t[0], FromHeight = (ulong)(BigInteger)t[1], RewardPerBlock = ToUInt128((BigInteger)t[2]),
                    ValidatorShareBps = (ushort)(BigInteger)t[3], AttributionShareBps = (ushort)(BigInteger)t[4],
                };
            }).ToArray();
        }
        var copy = parameters with { };
        _property.SetValue(copy, value);
        return copy;
    }

    private UInt128 ToUInt128(BigInteger value) =>
        value > (BigInteger)UInt128.MaxValue ? throw new ArgumentException($"{Name} value {value} does not fit in 128 bits") : (UInt128)value;
}
