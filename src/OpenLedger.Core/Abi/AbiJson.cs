using System.Globalization;
using System.Text.Json;

namespace OpenLedger.Core.Abi;

/// <summary>
/// The standard JSON ABI (as solc, ethers and wallets use it): an array of
/// <c>{"type":"function"|"event", "name", "inputs", "outputs", "stateMutability" | "anonymous"}</c> entries whose
/// parameters are <c>{"name","type","internalType"?,"components"? (tuples),"indexed"? (events)}</c>.
/// Output is deterministic (keys in solc's alphabetical order, entries in the order given) so generated
/// docs/abi/*.json files diff cleanly.
/// </summary>
public static class AbiJson
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true, IndentSize = 2 };

    public static string Serialize(AbiContract contract, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(contract);
        return Serialize(contract.Functions, contract.Events, indented);
    }

    public static string Serialize(IEnumerable<AbiFunction> functions, IEnumerable<AbiEvent>? events = null, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(functions);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, indented ? Indented : default))
        {
            writer.WriteStartArray();
            foreach (var function in functions) WriteFunction(writer, function);
            foreach (var abiEvent in events ?? []) WriteEvent(writer, abiEvent);
            writer.WriteEndArray();
        }
        var json = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        return indented ? json + "\n" : json;
    }

    /// <summary>
    /// Reads a JSON ABI (or a Hardhat/Foundry artifact object with an "abi" property). Constructor, fallback,
    /// receive and error entries are skipped: they have no place in a module's interface.
    /// </summary>
    public static AbiContract Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new AbiException($"JSON ABI is not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("abi", out var abi)) root = abi;
            if (root.ValueKind != JsonValueKind.Array) throw new AbiException("a JSON ABI is an array of entries");
            var functions = new List<AbiFunction>();
            var events = new List<AbiEvent>();
            var index = 0;
            foreach (var entry in root.EnumerateArray())
            {
                var where = $"JSON ABI entry {index++}";
                if (entry.ValueKind != JsonValueKind.Object) throw new AbiException($"{where} is not an object");
                var kind = OptionalString(entry, "type", where) ?? "function";
                switch (kind)
                {
                    case "function":
                        functions.Add(ReadFunction(entry, where));
                        break;
                    case "event":
                        events.Add(ReadEvent(entry, where));
                        break;
                    case "constructor" or "fallback" or "receive" or "error":
                        break;
                    default:
                        throw new AbiException($"{where} has unknown type '{kind}'");
                }
            }
            return new AbiContract(functions, events);
        }
    }

    private static void WriteFunction(Utf8JsonWriter writer, AbiFunction function)
    {
        writer.WriteStartObject();
        WriteParameters(writer, "inputs", function.Inputs, isEvent: false);
        writer.WriteString("name", function.Name);
        WriteParameters(writer, "outputs", function.Outputs, isEvent: false);
        writer.WriteString("stateMutability", MutabilityName(function.StateMutability));
        writer.WriteString("type", "function");
        writer.WriteEndObject();
    }

    private static void WriteEvent(Utf8JsonWriter writer, AbiEvent abiEvent)
    {
        writer.WriteStartObject();
        writer.WriteBoolean("anonymous", abiEvent.Anonymous);
        WriteParameters(writer, "inputs", abiEvent.Parameters, isEvent: true);
        writer.WriteString("name", abiEvent.Name);
        writer.WriteString("type", "event");
        writer.WriteEndObject();
    }

    private static void WriteParameters(Utf8JsonWriter writer, string property, IReadOnlyList<AbiParameter> parameters, bool isEvent)
    {
        writer.WriteStartArray(property);
        foreach (var parameter in parameters)
            WriteParameter(writer, parameter.Name, parameter.Type, isEvent ? parameter.Indexed : null, parameter.InternalType);
        writer.WriteEndArray();
    }

    private static void WriteParameter(Utf8JsonWriter writer, string name, AbiType type, bool? indexed, string? internalType)
    {
        writer.WriteStartObject();
        var tuple = type.InnermostTuple();
        if (tuple is not null)
        {
            writer.WriteStartArray("components");
            for (var i = 0; i < tuple.Components.Count; i++)
            {
                var componentName = tuple.ComponentNames.Count == 0 ? "" : tuple.ComponentNames[i];
                WriteParameter(writer, componentName, tuple.Components[i], null, null);
            }
            writer.WriteEndArray();
        }
        if (indexed is { } isIndexed) writer.WriteBoolean("indexed", isIndexed);
        // solc's internalType names the Solidity type; for elementary types that is the ABI type itself.
        // Tuples would need a struct name the ABI does not carry, so they get one only when it was given.
        var internalName = internalType ?? (tuple is null ? type.ToString() : null);
        if (internalName is not null) writer.WriteString("internalType", internalName);
        writer.WriteString("name", name);
        writer.WriteString("type", JsonTypeName(type, tuple));
        writer.WriteEndObject();
    }

    /// <summary>"tuple" stands for the tuple in JSON: "(address,uint256)[]" becomes "tuple[]".</summary>
    private static string JsonTypeName(AbiType type, AbiType? tuple) =>
        tuple is null ? type.ToString() : "tuple" + type.ToString()[tuple.ToString().Length..];

    private static string MutabilityName(AbiStateMutability mutability) => mutability switch
    {
        AbiStateMutability.Pure => "pure",
        AbiStateMutability.View => "view",
        AbiStateMutability.Payable => "payable",
        _ => "nonpayable",
    };

    private static AbiFunction ReadFunction(JsonElement entry, string where)
    {
        var name = RequiredString(entry, "name", where);
        where = $"{where} (function '{name}')";
        var inputs = ReadParameters(entry, "inputs", where, isEvent: false);
        var outputs = ReadParameters(entry, "outputs", where, isEvent: false);
        var mutabilityName = OptionalString(entry, "stateMutability", where);
        AbiStateMutability mutability;
        if (mutabilityName is null)
        {
            // Pre-0.4.16 ABIs say "constant" / "payable" instead.
            mutability = OptionalBool(entry, "constant", where) ? AbiStateMutability.View
                : OptionalBool(entry, "payable", where) ? AbiStateMutability.Payable
                : AbiStateMutability.NonPayable;
        }
        else
        {
            mutability = mutabilityName switch
            {
                "pure" => AbiStateMutability.Pure,
                "view" => AbiStateMutability.View,
                "payable" => AbiStateMutability.Payable,
                "nonpayable" => AbiStateMutability.NonPayable,
                _ => throw new AbiException($"{where}: unknown stateMutability '{mutabilityName}'"),
            };
        }
        try
        {
            return new AbiFunction(name, inputs, outputs, mutability);
        }
        catch (AbiException e)
        {
            throw new AbiException($"{where}: {e.Message}");
        }
    }

    private static AbiEvent ReadEvent(JsonElement entry, string where)
    {
        var name = RequiredString(entry, "name", where);
        where = $"{where} (event '{name}')";
        var parameters = ReadParameters(entry, "inputs", where, isEvent: true);
        try
        {
            return new AbiEvent(name, parameters, OptionalBool(entry, "anonymous", where));
        }
        catch (AbiException e)
        {
            throw new AbiException($"{where}: {e.Message}");
        }
    }

    private static List<AbiParameter> ReadParameters(JsonElement entry, string property, string where, bool isEvent)
    {
        var parameters = new List<AbiParameter>();
        if (!entry.TryGetProperty(property, out var array) || array.ValueKind == JsonValueKind.Null) return parameters;
        if (array.ValueKind != JsonValueKind.Array) throw new AbiException($"{where}: '{property}' is not an array");
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var (name, type, internalType) = ReadParameter(element, $"{where}, {property}[{index++}]");
            var indexed = isEvent && OptionalBool(element, "indexed", where);
            parameters.Add(new AbiParameter(name, type, indexed, internalType));
        }
        return parameters;
    }

    private static (string Name, AbiType Type, string? InternalType) ReadParameter(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new AbiException($"{where} is not an object");
        var name = OptionalString(element, "name", where) ?? "";
        var typeName = RequiredString(element, "type", where);
        var internalType = OptionalString(element, "internalType", where);
        try
        {
            if (!typeName.StartsWith("tuple", StringComparison.Ordinal))
            {
                var elementary = AbiType.Parse(typeName);
                // An internalType that only repeats the type is what Serialize writes by default: keep it implicit.
                return (name, elementary, internalType == elementary.ToString() ? null : internalType);
            }

            if (!element.TryGetProperty("components", out var components) || components.ValueKind != JsonValueKind.Array)
                throw new AbiException($"type '{typeName}' needs a 'components' array");
            var types = new List<AbiType>();
            var names = new List<string>();
            var index = 0;
            foreach (var component in components.EnumerateArray())
            {
                var (componentName, componentType, _) = ReadParameter(component, $"{where}, components[{index++}]");
                types.Add(componentType);
                names.Add(componentName);
            }
            var type = names.All(n => n.Length == 0) ? AbiType.Tuple([.. types]) : AbiType.Tuple(types, names);
            return (name, ApplyArraySuffix(type, typeName["tuple".Length..]), internalType);
        }
        catch (AbiException e) when (!e.Message.StartsWith("JSON ABI", StringComparison.Ordinal))
        {
            throw new AbiException($"{where}: {e.Message}");
        }
    }

    /// <summary>Wraps <paramref name="type"/> in the dimensions of a suffix like "[2][]" (innermost first).</summary>
    private static AbiType ApplyArraySuffix(AbiType type, string suffix)
    {
        var position = 0;
        while (position < suffix.Length)
        {
            var close = suffix.IndexOf(']', position);
            if (suffix[position] != '[' || close < 0)
                throw new AbiException($"'{suffix}' is not a list of array dimensions");
            var digits = suffix.AsSpan(position + 1, close - position - 1);
            if (digits.Length == 0)
            {
                type = AbiType.ArrayOf(type);
            }
            else
            {
                if (digits[0] == '0' || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
                    throw new AbiException($"array length '{digits}' is not a plain decimal number up to {int.MaxValue}");
                type = AbiType.FixedArrayOf(type, length);
            }
            position = close + 1;
        }
        return type;
    }

    private static string RequiredString(JsonElement element, string property, string where) =>
        OptionalString(element, property, where) ?? throw new AbiException($"{where} has no '{property}'");

    private static string? OptionalString(JsonElement element, string property, string where)
    {
        if (!element.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new AbiException($"{where}: '{property}' must be a string");
    }

    private static bool OptionalBool(JsonElement element, string property, string where)
    {
        if (!element.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null) return false;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new AbiException($"{where}: '{property}' must be true or false"),
        };
    }
}
