using System.Buffers.Binary;
using System.Text;

namespace OpenLedger.Rpc.Formatting;

/// <summary>Reads Solidity's <c>Error(string)</c> revert payload (selector 0x08c379a0) back into its text.</summary>
public static class RevertReasons
{
    private static ReadOnlySpan<byte> ErrorSelector => [0x08, 0xc3, 0x79, 0xa0];

    public static string? TryDecode(ReadOnlySpan<byte> returnData)
    {
        if (returnData.Length < 4 + 64 || !returnData[..4].SequenceEqual(ErrorSelector)) return null;
        var body = returnData[4..];
        if (!TryReadWord(body[..32], out var offset) || offset > (ulong)body.Length - 32) return null;
        if (!TryReadWord(body.Slice((int)offset, 32), out var length)) return null;
        var start = (ulong)offset + 32;
        if (length > (ulong)body.Length - start) return null;
        return Encoding.UTF8.GetString(body.Slice((int)start, (int)length));
    }

    private static bool TryReadWord(ReadOnlySpan<byte> word, out ulong value)
    {
        value = 0;
        if (word[..24].IndexOfAnyExcept((byte)0) >= 0) return false;
        value = BinaryPrimitives.ReadUInt64BigEndian(word[24..]);
        return value <= int.MaxValue;
    }
}
