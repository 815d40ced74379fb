using System.Globalization;

namespace OpenLedger.Rpc.Formatting;

/// <summary>Wei amounts as the gRPC API carries them: exact unsigned decimal strings.</summary>
public static class DecimalAmount
{
    public static string Format(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses a decimal wei amount; empty text is zero. Signs, spaces, decimals and exponents are refused.</summary>
    public static bool TryParse(string? text, out UInt128 value, out string error)
    {
        value = 0;
        error = "";
        if (string.IsNullOrEmpty(text)) return true;
        if (text.Length > 39 || !text.All(char.IsAsciiDigit) || !UInt128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            error = $"'{text}' is not an amount in wei: expected a whole decimal number below 2^128, e.g. \"1000000000000000000\" for 1 OPEN";
            return false;
        }
        return true;
    }
}
