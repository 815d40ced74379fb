using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OpenLedger.Core.Abi;

namespace OpenLedger.Core.Tests.Abi;

public class AbiPropertyTests
{
    [Property(MaxTest = 300)]
    public Property RandomValuesOfRandomTypes_RoundTrip() =>
        Prop.ForAll(Arb.From(AbiGenerators.Samples()), sample =>
        {
            var encoded = AbiCodec.Encode(sample.Types, sample.Values);
            var decoded = AbiCodec.Decode(sample.Types, encoded);
            return AbiTestValues.DeepEquals(sample.Values, decoded)
                   && AbiCodec.Encode(sample.Types, decoded).AsSpan().SequenceEqual(encoded);
        });

    [Property(MaxTest = 300)]
    public Property RandomTypes_ParseBackFromTheirCanonicalForm() =>
        Prop.ForAll(Arb.From(AbiGenerators.Type(3)), type =>
        {
            var again = AbiType.Parse(type.ToString());
            return again == type && again.ToString() == type.ToString() && again.IsDynamic == type.IsDynamic
                   && again.HeadSize == type.HeadSize;
        });

    [Property(MaxTest = 500)]
    public Property DecodingArbitraryBytes_ThrowsOnlyAbiException() =>
        Prop.ForAll(Arb.From(AbiGenerators.Garbage()), garbage =>
        {
            object[] decoded;
            try
            {
                decoded = AbiCodec.Decode(garbage.Types, garbage.Data);
            }
            catch (AbiException)
            {
                return true;
            }
            // Whatever decodes must be valid values: they re-encode, and that encoding decodes to them.
            var reencoded = AbiCodec.Encode(garbage.Types, decoded);
            return AbiTestValues.DeepEquals(decoded, AbiCodec.Decode(garbage.Types, reencoded));
        });

    [Property(MaxTest = 200)]
    public Property JsonAbiOfAFunction_ParsesBackToTheSameSignatureAndSelector()
    {
        var parameter = AbiGenerators.Identifier().SelectMany(name => AbiGenerators.Type(2).Select(type => new AbiParameter(name, type)));
        var functions =
            from name in AbiGenerators.Identifier()
            from inputs in Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(parameter, n))
            from outputs in Gen.Choose(0, 2).SelectMany(n => Gen.ArrayOf(parameter, n))
            from mutability in Gen.Elements(Enum.GetValues<AbiStateMutability>())
            select new AbiFunction(name, inputs, outputs, mutability);
        return Prop.ForAll(Arb.From(functions), function =>
        {
            var parsed = AbiJson.Parse(AbiJson.Serialize([function])).Functions.Single();
            var fromText = AbiFunction.Parse(function.ToHumanReadable());
            return parsed.Signature == function.Signature
                   && parsed.SelectorValue == function.SelectorValue
                   && parsed.StateMutability == function.StateMutability
                   && parsed.Inputs.SequenceEqual(function.Inputs)
                   && parsed.Outputs.SequenceEqual(function.Outputs)
                   && parsed.Inputs.Select(p => p.Type.ToStringWithNames()).SequenceEqual(function.Inputs.Select(p => p.Type.ToStringWithNames()))
                   && fromText.SelectorValue == function.SelectorValue
                   && fromText.Inputs.SequenceEqual(function.Inputs);
        });
    }

    [Property(MaxTest = 200)]
    public Property EventLogs_RoundTrip_AndJsonAbiKeepsTheTopic()
    {
        var events =
            from types in Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(AbiGenerators.Type(2), n))
            from indexedFlags in Gen.ArrayOf(Gen.Elements(true, false), types.Length)
            from values in AbiGenerators.Values(types)
            select (Types: types, Indexed: LimitIndexed(indexedFlags), Values: values);
        return Prop.ForAll(Arb.From(events), sample =>
        {
            var abiEvent = new AbiEvent("Happened", [.. sample.Types.Select((t, i) => new AbiParameter($"p{i}", t, sample.Indexed[i]))]);
            var (topics, data) = abiEvent.EncodeLog(sample.Values);
            var decoded = abiEvent.Decode(topics, data);
            var valuesMatch = sample.Types.Select((t, i) =>
                sample.Indexed[i] && IsHashed(t) ? decoded[i] is OpenLedger.Core.Types.Hash256 : AbiTestValues.DeepEquals(sample.Values[i], decoded[i]));
            var parsed = AbiJson.Parse(AbiJson.Serialize([], [abiEvent])).Events.Single();
            return valuesMatch.All(ok => ok) && topics.Count == 1 + sample.Indexed.Count(x => x)
                   && parsed.Topic0 == abiEvent.Topic0 && parsed.Parameters.SequenceEqual(abiEvent.Parameters);
        });
    }

    private static bool[] LimitIndexed(bool[] flags)
    {
        var count = 0;
        return [.. flags.Select(f => f && ++count <= 3)];
    }

    private static bool IsHashed(AbiType type) =>
        type.Kind is AbiTypeKind.Bytes or AbiTypeKind.String or AbiTypeKind.Array or AbiTypeKind.FixedArray or AbiTypeKind.Tuple;
}
