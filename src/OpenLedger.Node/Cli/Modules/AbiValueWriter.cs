using System.Globalization;
using System.Numerics;
using System.Text.Json;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Node.Cli.Modules;

/// <summary>
/// Decoded ABI values for people and for scripts. JSON: integers as decimal strings (they exceed JSON's safe
/// integers), bytes as 0x-hex, addresses EIP-55, arrays as arrays. Text: the same, with named enum codes and large
/// amounts also shown in OPEN.
/// </summary>
public static class AbiValueWriter
{
    /// <summary>Values of 10^9 wei and more are most likely amounts; showing OPEN beside the wei helps people read them.</summary>
    private static readonly BigInteger AmountHint = 1_000_000_000;

    public static void WriteJson(Utf8JsonWriter json, AbiType type, object value)
    {
        switch (value)
        {
            case BigInteger number:
                json.WriteStringValue(number.ToString(CultureInfo.InvariantCulture));
                break;
            case bool flag:
                json.WriteBooleanValue(flag);
                break;
            case Address address:
                json.WriteStringValue(address.ToChecksumString());
                break;
            case byte[] bytes:
                json.WriteStringValue(Hex.Encode(bytes));
                break;
            case string text:
                json.WriteStringValue(text);
                break;
            case object[] items:
                json.WriteStartArray();
                for (var i = 0; i < items.Length; i++)
                    WriteJson(json, type.ElementType ?? (type.Components.Count > i ? type.Components[i] : type), items[i]);
                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(value.ToString());
                break;
        }
    }

    public static string Text(AbiType type, object value, Type? enumType = null) => value switch
    {
        BigInteger number when enumType is not null && EnumName(enumType, number) is { } name => $"{name} ({number})",
        BigInteger number when type.Kind == AbiTypeKind.UInt && type.Bits >= 128 && number >= AmountHint && number <= (BigInteger)UInt128.MaxValue =>
            $"{number} ({Wei.FormatOpen((UInt128)number)} OPEN)",
        BigInteger number => number.ToString(CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        Address address => address.ToChecksumString(),
        byte[] bytes => Hex.Encode(bytes),
        string text => JsonSerializer.Serialize(text),
        object[] items => "[" + string.Join(", ", items.Select((item, i) => Text(type.ElementType ?? (type.Components.Count > i ? type.Components[i] : type), item, enumType))) + "]",
        _ => value.ToString() ?? "",
    };

    private static string? EnumName(Type enumType, BigInteger number)
    {
        if (number < 0 || number > 255) return null;
        var boxed = Enum.ToObject(enumType, (int)number);
        return Enum.IsDefined(enumType, boxed) ? AbiTextValue.Kebab(Enum.GetName(enumType, boxed)!) : null;
    }
}
