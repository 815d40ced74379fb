using System.Numerics;
using System.Text.Json;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Tests.Abi;

/// <summary>Converts JSON test-vector arguments to ABI values and compares decoded value trees.</summary>
internal static class AbiTestValues
{
    /// <summary>
    /// The ethers-generated vectors write integers as decimal strings (or JSON numbers), byte values as 0x-hex,
    /// addresses as EIP-55 strings, and arrays/tuples as JSON arrays. <paramref name="bytesAsText"/> reads
    /// byte values as ASCII text instead, as the ethereum/tests ABI file does.
    /// </summary>
    public static object FromJson(AbiType type, JsonElement json, bool bytesAsText = false)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.UInt:
            case AbiTypeKind.Int:
                return BigInteger.Parse(json.ValueKind == JsonValueKind.String ? json.GetString()! : json.GetRawText());
            case AbiTypeKind.Address:
                return Address.Parse(json.GetString()!);
            case AbiTypeKind.Bool:
                return json.GetBoolean();
            case AbiTypeKind.FixedBytes:
            case AbiTypeKind.Bytes:
                return bytesAsText ? System.Text.Encoding.ASCII.GetBytes(json.GetString()!) : Hex.Decode(json.GetString()!);
            case AbiTypeKind.String:
                return json.GetString()!;
            case AbiTypeKind.Array:
            case AbiTypeKind.FixedArray:
                return json.EnumerateArray().Select(e => FromJson(type.ElementType!, e, bytesAsText)).ToArray();
            default:
                return json.EnumerateArray().Select((e, i) => FromJson(type.Components[i], e, bytesAsText)).ToArray();
        }
    }

    /// <summary>Structural equality: byte arrays and object arrays element by element, everything else by Equals.</summary>
    public static bool DeepEquals(object? expected, object? actual) => (expected, actual) switch
    {
        (null, null) => true,
        (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
        (object[] a, object[] b) => a.Length == b.Length && a.Zip(b).All(pair => DeepEquals(pair.First, pair.Second)),
        _ => Equals(expected, actual),
    };

    public static string Show(object? value) => value switch
    {
        null => "null",
        byte[] bytes => Hex.Encode(bytes),
        object[] items => "[" + string.Join(", ", items.Select(Show)) + "]",
        string text => JsonSerializer.Serialize(text),
        _ => value.ToString() ?? "",
    };

    public static void AssertDeepEqual(object? expected, object? actual) =>
        Xunit.Assert.True(DeepEquals(expected, actual), $"expected {Show(expected)}\n  actual {Show(actual)}");
}
