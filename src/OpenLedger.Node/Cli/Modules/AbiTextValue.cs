using System.Globalization;
using System.Numerics;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Node.Cli.Modules;

/// <summary>
/// Turns command-line text into ABI values: integers in decimal (0x-hex also accepted), 128/256-bit integers also
/// as amounts ("10000OPEN", "1.5OPEN", "7wei"), enum names where the module names its codes, bools as
/// true/false/yes/no, bytes as 0x-hex, arrays as comma-separated lists ("" or "[]" for an empty list).
/// </summary>
public static class AbiTextValue
{
    public static object Parse(AbiType type, string text, string label, Type? enumType = null, bool isAmount = true)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.UInt:
            case AbiTypeKind.Int:
                return ParseInteger(type, text.Trim(), label, enumType, isAmount);
            case AbiTypeKind.Address:
                return Address.TryParse(text.Trim(), out var address, out var addressError)
                    ? address
                    : throw new CliException($"{label}: {addressError}");
            case AbiTypeKind.Bool:
                return text.Trim().ToLowerInvariant() switch
                {
                    "true" or "yes" or "1" => true,
                    "false" or "no" or "0" => false,
                    _ => throw new CliException($"{label}: '{text}' is not a bool (true/false)"),
                };
            case AbiTypeKind.FixedBytes:
            {
                var bytes = ParseHex(text, label);
                if (bytes.Length != type.ByteLength)
                    throw new CliException($"{label}: expected {type.ByteLength} bytes of hex ({type}), got {bytes.Length}");
                return bytes;
            }
            case AbiTypeKind.Bytes:
                return ParseHex(text, label);
            case AbiTypeKind.String:
                return text;
            case AbiTypeKind.Array:
            {
                var trimmed = text.Trim();
                if (trimmed.StartsWith('[') && trimmed.EndsWith(']')) trimmed = trimmed[1..^1];
                if (trimmed.Length == 0) return Array.Empty<object>();
                var items = trimmed.Split(',');
                var values = new object[items.Length];
                for (var i = 0; i < items.Length; i++) values[i] = Parse(type.ElementType!, items[i], $"{label}[{i}]", enumType, isAmount);
                return values;
            }
            default:
                throw new CliException($"{label}: values of type {type} cannot be typed on the command line; pass the calldata with `tx send --data`");
        }
    }

    private static object ParseInteger(AbiType type, string text, string label, Type? enumType, bool isAmount)
    {
        BigInteger value;
        if (enumType is not null && text.Length > 0 && !char.IsAsciiDigit(text[0]))
        {
            var normalized = text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
            if (!Enum.TryParse(enumType, normalized, ignoreCase: true, out var named) || int.TryParse(normalized, out _))
                throw new CliException($"{label}: '{text}' is not one of {string.Join(", ", Enum.GetNames(enumType).Select(Kebab))} (or its number)");
            value = Convert.ToInt64(named, CultureInfo.InvariantCulture);
        }
        else if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            var hex = text[2..];
            if (hex.Length == 0 || !hex.All(char.IsAsciiHexDigit)) throw new CliException($"{label}: '{text}' is not a hex integer");
            value = BigInteger.Parse("0" + hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        }
        else if (isAmount && type.Kind == AbiTypeKind.UInt && type.Bits >= 128 && !text.All(char.IsAsciiDigit))
        {
            value = (BigInteger)ModuleAmount.Parse(text, label);
        }
        else if (!BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            throw new CliException($"{label}: '{text}' is not an integer");
        }
        var min = type.Kind == AbiTypeKind.UInt ? BigInteger.Zero : -(BigInteger.One << (type.Bits - 1));
        var max = type.Kind == AbiTypeKind.UInt ? (BigInteger.One << type.Bits) - 1 : (BigInteger.One << (type.Bits - 1)) - 1;
        if (value < min || value > max) throw new CliException($"{label}: {value} is out of range for {type} ({min}..{max})");
        return value;
    }

    private static byte[] ParseHex(string text, string label) =>
        Hex.TryDecode(text.Trim(), out var bytes, out var error) ? bytes : throw new CliException($"{label}: not valid hex: {error}");

    /// <summary>128/256-bit unsigned inputs that are not ids take OPEN amounts ("10000OPEN").</summary>
    public static bool IsAmount(AbiParameter input) =>
        input.Type.InnermostTuple() is null
        && (input.Type.ElementType ?? input.Type) is { Kind: AbiTypeKind.UInt, Bits: >= 128 }
        && !input.Name.EndsWith("Id", StringComparison.Ordinal) && !input.Name.EndsWith("Ids", StringComparison.Ordinal);

    /// <summary>IncorrectOutput → incorrect-output.</summary>
    public static string Kebab(string pascal)
    {
        var builder = new System.Text.StringBuilder();
        for (var i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0) builder.Append('-');
            builder.Append(char.ToLowerInvariant(pascal[i]));
        }
        return builder.ToString();
    }
}
