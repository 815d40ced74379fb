using Grpc.Core;
using OpenLedger.Core.Types;
using OpenLedger.Rpc.Formatting;

namespace OpenLedger.Rpc.Grpc;

/// <summary>Parses request fields; malformed input is INVALID_ARGUMENT naming the field and the expected form.</summary>
internal static class GrpcInput
{
    public static Address Address(string text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw Invalid($"{field} is missing: expected a 0x-prefixed 20-byte address");
        if (!Core.Types.Address.TryParse(text, out var address, out var error)) throw Invalid($"{field}: {error}");
        return address;
    }

    public static Address? OptionalAddress(string text, string field) =>
        string.IsNullOrEmpty(text) ? null : Address(text, field);

    public static Hash256 Hash(string text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw Invalid($"{field} is missing: expected a 0x-prefixed 32-byte hash");
        if (!Hash256.TryParse(text, out var hash, out var error)) throw Invalid($"{field} '{text}' is not a 32-byte hash: {error}");
        return hash;
    }

    public static UInt128 Amount(string text, string field)
    {
        if (!DecimalAmount.TryParse(text, out var value, out var error)) throw Invalid($"{field}: {error}");
        return value;
    }

    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    public static RpcException NotFound(string message) => new(new Status(StatusCode.NotFound, message));
}
