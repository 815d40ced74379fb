using System.Globalization;
using OpenLedger.Core.Types;

namespace OpenLedger.Node.Cli.Modules;

/// <summary>
/// Amounts on the module commands: "10000OPEN", "1.5OPEN" (up to 18 decimals), "7wei" or a plain integer of wei —
/// parsed exactly, never through floating point. A bare decimal ("1.5") is refused because it is ambiguous
/// between OPEN and wei.
/// </summary>
public static class ModuleAmount
{
    public static bool TryParse(string? text, out UInt128 wei, out string error)
    {
        wei = 0;
        var s = text?.Trim() ?? "";
        if (s.Length == 0)
        {
            error = "amount is missing (write e.g. 10000OPEN, 1.5OPEN or an integer number of wei)";
            return false;
        }
        if (s.EndsWith("open", StringComparison.OrdinalIgnoreCase) || s.EndsWith("wei", StringComparison.OrdinalIgnoreCase))
        {
            if (s.StartsWith('-')) return Fail(text!, "is negative", out error);
            return Wei.TryParseOpen(s, out wei, out error);
        }
        if (s.Contains('.'))
        {
            error = $"'{text}' has a decimal point but no unit: write {s}OPEN for OPEN, or an integer number of wei";
            return false;
        }
        if (UInt128.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out wei))
        {
            error = "";
            return true;
        }
        return Fail(text!, "is not an amount (write e.g. 10000OPEN, 1.5OPEN or an integer number of wei that fits in 128 bits)", out error);
    }

    public static UInt128 Parse(string? text, string what) =>
        TryParse(text, out var wei, out var error) ? wei : throw new CliException($"{what}: {error}");

    private static bool Fail(string text, string problem, out string error)
    {
        error = $"'{text}' {problem}";
        return false;
    }
}
