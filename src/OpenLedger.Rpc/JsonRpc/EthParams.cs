using System.Globalization;
using System.Text.Json;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Rpc.JsonRpc;

/// <summary>
/// Positional JSON-RPC parameters with go-ethereum's parsing rules: quantities are 0x-hex without leading
/// zeros, data is 0x-hex of even length, addresses are 20 bytes and hashes 32. Every failure names the
/// argument index and what was wrong ("invalid argument 0: hex string without 0x prefix").
/// </summary>
public sealed class EthParams(JsonElement[] items)
{
    public int Count => items.Length;

    public void ExpectAtMost(int count)
    {
        if (items.Length > count)
            throw JsonRpcException.InvalidParams($"too many arguments, want at most {count}");
    }

    public bool Has(int index) =>
        index < items.Length && items[index].ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);

    public JsonElement Required(int index)
    {
        if (!Has(index)) throw JsonRpcException.InvalidParams($"missing value for required argument {index}");
        return items[index];
    }

    public Address Address(int index) => ParseAddress(Required(index), index);

    public Hash256 Hash(int index) => ParseHash(Required(index), index);

    public byte[] Data(int index) => ParseData(Required(index), index);

    public bool Bool(int index, bool whenMissing)
    {
        if (!Has(index)) return whenMissing;
        var element = items[index];
        return element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw JsonRpcException.InvalidArgument(index, $"expected true or false, got {element.GetRawText()}"),
        };
    }

    public BlockSpec Block(int index, BlockSpec whenMissing) => Has(index) ? ParseBlock(items[index], index) : whenMissing;

    public static string ExpectString(JsonElement element, int index)
    {
        if (element.ValueKind != JsonValueKind.String)
            throw JsonRpcException.InvalidArgument(index, $"expected a 0x-prefixed hex string, got {Describe(element)}");
        return element.GetString()!;
    }

    public static Address ParseAddress(JsonElement element, int index)
    {
        var text = ExpectString(element, index);
        RequirePrefix(text, index);
        if (!Core.Types.Address.TryParse(text, out var address, out var error))
            throw JsonRpcException.InvalidArgument(index, error);
        return address;
    }

    public static Hash256 ParseHash(JsonElement element, int index)
    {
        var text = ExpectString(element, index);
        RequirePrefix(text, index);
        if (!Hash256.TryParse(text, out var hash, out var error))
            throw JsonRpcException.InvalidArgument(index, $"invalid hash '{text}': {error}");
        return hash;
    }

    public static byte[] ParseData(JsonElement element, int index)
    {
        var text = ExpectString(element, index);
        RequirePrefix(text, index);
        if (!Hex.TryDecode(text, out var bytes, out var error))
            throw JsonRpcException.InvalidArgument(index, $"invalid hex data: {error}");
        return bytes;
    }

    public static ulong ParseUInt64(JsonElement element, int index)
    {
        var value = ParseQuantity(element, index, 16);
        return (ulong)value;
    }

    public static UInt128 ParseUInt128(JsonElement element, int index) => ParseQuantity(element, index, 32);

    /// <summary>A hex quantity of at most <paramref name="maxDigits"/> digits (16: 64 bits, 32: 128 bits).</summary>
    private static UInt128 ParseQuantity(JsonElement element, int index, int maxDigits)
    {
        var text = ExpectString(element, index);
        RequirePrefix(text, index);
        var digits = text.AsSpan(2);
        if (digits.Length == 0) throw JsonRpcException.InvalidArgument(index, "hex string \"0x\"");
        if (digits.Length > 1 && digits[0] == '0') throw JsonRpcException.InvalidArgument(index, "hex number with leading zero digits");
        foreach (var c in digits)
            if (!char.IsAsciiHexDigit(c)) throw JsonRpcException.InvalidArgument(index, $"invalid hex string '{text}'");
        if (digits.Length > maxDigits) throw JsonRpcException.InvalidArgument(index, $"hex number > {maxDigits * 4} bits");
        return UInt128.Parse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    public static BlockSpec ParseBlock(JsonElement element, int index)
    {
        if (element.ValueKind == JsonValueKind.Object) return ParseBlockObject(element, index);
        var text = ExpectString(element, index);
        switch (text)
        {
            case "latest": return BlockSpec.Latest;
            case "pending": return new BlockSpec(BlockSpecKind.Pending);
            case "safe": return new BlockSpec(BlockSpecKind.Safe);
            case "finalized": return new BlockSpec(BlockSpecKind.Finalized);
            case "earliest": return new BlockSpec(BlockSpecKind.Earliest);
        }
        if (text.Length == 66) return new BlockSpec(BlockSpecKind.Hash, Hash: ParseHash(element, index));
        if (!text.StartsWith("0x", StringComparison.Ordinal))
            throw JsonRpcException.InvalidArgument(index, $"'{text}' is not a block: use a 0x-hex number, a block hash, or latest, pending, safe, finalized, earliest");
        return new BlockSpec(BlockSpecKind.Number, ParseUInt64(element, index));
    }

    /// <summary>EIP-1898: { "blockNumber": "0x…" } or { "blockHash": "0x…", "requireCanonical": bool }.</summary>
    private static BlockSpec ParseBlockObject(JsonElement element, int index)
    {
        var hasNumber = element.TryGetProperty("blockNumber", out var number);
        var hasHash = element.TryGetProperty("blockHash", out var hash);
        if (hasNumber == hasHash)
            throw JsonRpcException.InvalidArgument(index, "a block object needs exactly one of blockNumber and blockHash");
        return hasHash ? new BlockSpec(BlockSpecKind.Hash, Hash: ParseHash(hash, index)) : ParseBlock(number, index);
    }

    private static void RequirePrefix(string text, int index)
    {
        if (!text.StartsWith("0x", StringComparison.Ordinal) && !text.StartsWith("0X", StringComparison.Ordinal))
            throw JsonRpcException.InvalidArgument(index, $"hex string without 0x prefix: '{Shorten(text)}'");
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => "a number " + element.GetRawText(),
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => element.GetRawText(),
    };

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
