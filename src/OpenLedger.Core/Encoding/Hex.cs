namespace OpenLedger.Core.Encoding;

/// <summary>Lower-case hex with an optional "0x" prefix, as Ethereum tools print it.</summary>
public static class Hex
{
    public static string Encode(ReadOnlySpan<byte> bytes, bool prefix = true)
    {
        var hex = Convert.ToHexStringLower(bytes);
        return prefix ? "0x" + hex : hex;
    }

    /// <summary>Decodes hex with or without "0x". Odd-length input is rejected rather than guessed at.</summary>
    public static byte[] Decode(string text)
    {
        if (!TryDecode(text, out var bytes, out var error))
            throw new FormatException(error);
        return bytes;
    }

    public static bool TryDecode(string? text, out byte[] bytes, out string error)
    {
        bytes = [];
        if (text is null)
        {
            error = "hex string is missing";
            return false;
        }
        var span = text.AsSpan().Trim();
        if (span.StartsWith("0x") || span.StartsWith("0X"))
            span = span[2..];
        if (span.Length % 2 != 0)
        {
            error = $"hex string has an odd number of digits ({span.Length})";
            return false;
        }
        for (var i = 0; i < span.Length; i++)
        {
            if (!char.IsAsciiHexDigit(span[i]))
            {
                error = $"'{span[i]}' at position {i} is not a hex digit";
                return false;
            }
        }
        bytes = Convert.FromHexString(span);
        error = "";
        return true;
    }

    /// <summary>Ethereum JSON-RPC "quantity": 0x-prefixed, no leading zeros, "0x0" for zero.</summary>
    public static string EncodeQuantity(ulong value) => "0x" + value.ToString("x");

    public static string EncodeQuantity(UInt128 value) => "0x" + value.ToString("x");

    public static string EncodeQuantity(System.Numerics.BigInteger value)
    {
        if (value.Sign < 0) throw new ArgumentOutOfRangeException(nameof(value), "quantities are unsigned");
        if (value.IsZero) return "0x0";
        var s = value.ToString("x").TrimStart('0');
        return "0x" + s;
    }

    public static bool TryDecodeQuantity(string? text, out UInt128 value)
    {
        value = 0;
        if (text is null || !(text.StartsWith("0x") || text.StartsWith("0X"))) return false;
        var digits = text.AsSpan(2);
        if (digits.Length == 0 || digits.Length > 32) return false;
        return UInt128.TryParse(digits, System.Globalization.NumberStyles.AllowHexSpecifier, null, out value);
    }
}
