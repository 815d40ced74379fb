using System.Numerics;
using OpenLedger.Core.Encoding;

namespace OpenLedger.Core.Abi;

/// <summary>
/// Solidity's standard revert payloads: <c>Error(string)</c> (selector 0x08c379a0), what
/// <c>require(cond, "reason")</c> and module reverts produce, and <c>Panic(uint256)</c> (selector 0x4e487b71)
/// for assertion-style failures.
/// </summary>
public static class AbiRevert
{
    public static readonly AbiFunction Error = new("Error", [new AbiParameter("message", AbiType.String)]);

    public static readonly AbiFunction Panic = new("Panic", [new AbiParameter("code", AbiType.UInt256)]);

    public const uint ErrorSelector = 0x08c379a0;

    public const uint PanicSelector = 0x4e487b71;

    /// <summary>Return data of a revert with <paramref name="reason"/>.</summary>
    public static byte[] EncodeError(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return Error.EncodeCall(reason);
    }

    /// <summary>True when <paramref name="data"/> is a well-formed <c>Error(string)</c> payload.</summary>
    public static bool TryDecodeError(ReadOnlySpan<byte> data, out string reason)
    {
        reason = "";
        if (!Error.HasSelector(data)) return false;
        try
        {
            reason = (string)Error.DecodeArguments(data)[0];
            return true;
        }
        catch (AbiException)
        {
            return false;
        }
    }

    public static byte[] EncodePanic(BigInteger code) => Panic.EncodeCall(code);

    /// <summary>True when <paramref name="data"/> is a well-formed <c>Panic(uint256)</c> payload.</summary>
    public static bool TryDecodePanic(ReadOnlySpan<byte> data, out BigInteger code)
    {
        code = BigInteger.Zero;
        if (!Panic.HasSelector(data)) return false;
        try
        {
            code = (BigInteger)Panic.DecodeArguments(data)[0];
            return true;
        }
        catch (AbiException)
        {
            return false;
        }
    }

    /// <summary>What a Solidity panic code means (from the Solidity documentation).</summary>
    public static string DescribePanic(BigInteger code) => (code.Sign < 0 || code > 0xff ? -1 : (int)code) switch
    {
        0x00 => "generic compiler-inserted panic",
        0x01 => "assertion failed",
        0x11 => "arithmetic overflow or underflow",
        0x12 => "division or modulo by zero",
        0x21 => "conversion to an enum out of range",
        0x22 => "incorrectly encoded storage byte array",
        0x31 => "pop() on an empty array",
        0x32 => "array index out of bounds",
        0x41 => "out of memory (allocation too large)",
        0x51 => "call to a zero-initialized function variable",
        _ => "unknown panic code",
    };

    /// <summary>
    /// A one-line explanation of revert data for people (CLI, logs, RPC errors): the reason string, the panic,
    /// or the raw bytes when the payload is neither.
    /// </summary>
    public static string Describe(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return "reverted without a reason";
        if (TryDecodeError(data, out var reason)) return $"reverted: {reason}";
        if (TryDecodePanic(data, out var code)) return $"panic {Hex.EncodeQuantity(code)}: {DescribePanic(code)}";
        return $"reverted with data 0x{Convert.ToHexStringLower(data)}";
    }
}
