using System.Globalization;
using System.Numerics;

namespace OpenLedger.Core.Types;

/// <summary>
/// Amounts of OPEN in wei. Money is UInt128 everywhere: the whole supply (10^27 wei) fits with room to
/// spare, arithmetic is exact, and a value that does not fit is an input error, never a wrap-around.
/// </summary>
public static class Wei
{
    public static readonly UInt128 PerOpen = 1_000_000_000_000_000_000UL;
    public static readonly UInt128 PerGwei = 1_000_000_000UL;

    public static UInt128 FromOpen(ulong open) => checked(open * PerOpen);

    /// <summary>Parses "1.5" (OPEN, up to 18 decimals) or "1500000000000000000wei" exactly.</summary>
    public static bool TryParseOpen(string? text, out UInt128 wei, out string error)
    {
        wei = 0;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "amount is missing";
            return false;
        }
        var s = text.Trim();
        if (s.EndsWith("wei", StringComparison.OrdinalIgnoreCase))
        {
            if (UInt128.TryParse(s[..^3], NumberStyles.None, CultureInfo.InvariantCulture, out wei)) return true;
            error = $"'{text}' is not a whole number of wei that fits in 128 bits";
            return false;
        }
        if (s.EndsWith("open", StringComparison.OrdinalIgnoreCase)) s = s[..^4].Trim();
        var parts = s.Split('.');
        if (parts.Length > 2 || parts[0].Length == 0 && (parts.Length == 1 || parts[1].Length == 0))
        {
            error = $"'{text}' is not an amount of OPEN";
            return false;
        }
        var fraction = parts.Length == 2 ? parts[1] : "";
        if (fraction.Length > 18)
        {
            error = $"'{text}' has more than 18 decimals (1 wei = 10^-18 OPEN)";
            return false;
        }
        var digits = (parts[0].Length == 0 ? "0" : parts[0]) + fraction.PadRight(18, '0');
        if (!BigInteger.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > UInt128.MaxValue)
        {
            error = $"'{text}' is not an amount of OPEN that fits in 128 bits of wei";
            return false;
        }
        wei = (UInt128)value;
        return true;
    }

    /// <summary>Formats wei as OPEN with no trailing zeros, exact (no rounding): 1500000000000000000 → "1.5".</summary>
    public static string FormatOpen(UInt128 wei)
    {
        var whole = wei / PerOpen;
        var fraction = wei % PerOpen;
        if (fraction == 0) return whole.ToString(CultureInfo.InvariantCulture);
        return whole.ToString(CultureInfo.InvariantCulture) + "." + fraction.ToString(CultureInfo.InvariantCulture).PadLeft(18, '0').TrimEnd('0');
    }
}
