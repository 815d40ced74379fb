using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Execution.Json;

/// <summary>
/// Amounts are written as decimal strings: JSON numbers lose precision past 2^53 in JavaScript, and a genesis
/// file is read by people and by JS tooling alike.
/// </summary>
public sealed class UInt128StringConverter : JsonConverter<UInt128>
{
    public override UInt128 Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
            _ => throw new JsonException($"expected an amount in wei as a decimal string, got {reader.TokenType}"),
        };
        if (!UInt128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            throw new JsonException($"'{text}' is not a whole number of wei that fits in 128 bits");
        return value;
    }

    public override void Write(Utf8JsonWriter writer, UInt128 value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
}

public sealed class AddressJsonConverter : JsonConverter<Address>
{
    public override Address Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        if (!Address.TryParse(text, out var address, out var error)) throw new JsonException(error);
        return address;
    }

    public override void Write(Utf8JsonWriter writer, Address value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToChecksumString());
}

public sealed class Hash256JsonConverter : JsonConverter<Hash256>
{
    public override Hash256 Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (!Hash256.TryParse(reader.GetString(), out var hash, out var error)) throw new JsonException(error);
        return hash;
    }

    public override void Write(Utf8JsonWriter writer, Hash256 value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}

/// <summary>byte[] as 0x-hex rather than System.Text.Json's default base64, to match every Ethereum tool.</summary>
public sealed class HexBytesJsonConverter : JsonConverter<byte[]>
{
    public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (!Hex.TryDecode(reader.GetString(), out var bytes, out var error)) throw new JsonException(error);
        return bytes;
    }

    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Hex.Encode(value));
}

public static class OpenLedgerJson
{
    /// <summary>The options every OpenLedger JSON file (genesis, config, devnet.json) is read and written with.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            WriteIndented = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new UInt128StringConverter());
        options.Converters.Add(new AddressJsonConverter());
        options.Converters.Add(new Hash256JsonConverter());
        options.Converters.Add(new HexBytesJsonConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
