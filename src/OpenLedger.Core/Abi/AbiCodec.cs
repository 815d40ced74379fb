namespace OpenLedger.Core.Abi;

/// <summary>
/// Solidity ABI encoding and strict decoding of a list of values (a function's arguments or return values,
/// an event's data). Values are represented as documented on <see cref="AbiType"/>.
/// </summary>
public static class AbiCodec
{
    private const int PathCapacity = AbiType.MaxNesting + 1;

    /// <summary>
    /// Encodes one value per type. Throws <see cref="AbiException"/> naming the argument when a value is missing,
    /// of the wrong .NET type, out of range for its integer type, or of the wrong length (bytes&lt;M&gt;, T[k], tuples).
    /// </summary>
    public static byte[] Encode(IReadOnlyList<AbiType> types, IReadOnlyList<object?> values) =>
        Encode(types, values, [], "argument", null);

    /// <summary>
    /// Decodes <paramref name="data"/> strictly. Throws <see cref="AbiException"/> naming the argument (index,
    /// type, and position inside arrays/tuples) for data that is too short, out-of-range offsets or lengths,
    /// values that do not fit their type, non-zero padding, invalid UTF-8, or aliased offsets. Bytes after the
    /// encoding are ignored, as Solidity does.
    /// </summary>
    public static object[] Decode(IReadOnlyList<AbiType> types, ReadOnlySpan<byte> data) =>
        Decode(types, data, "argument", null);

    internal static byte[] Encode(
        IReadOnlyList<AbiType> types, IReadOnlyList<object?> values, ReadOnlySpan<byte> prefix, string label, IReadOnlyList<string>? names)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(values);
        var encoder = new AbiEncoder(new AbiLocation(stackalloc int[PathCapacity], label, names));
        var normalized = encoder.NormalizeAll(types, values, label);
        int size;
        try
        {
            size = checked(prefix.Length + AbiEncoder.SequenceSize(null, types, normalized));
        }
        catch (OverflowException)
        {
            throw new AbiException($"the ABI encoding of these {label}s would exceed 2 GiB");
        }
        var output = new byte[size];
        prefix.CopyTo(output);
        AbiEncoder.WriteSequence(null, types, normalized, output.AsSpan(prefix.Length));
        return output;
    }

    internal static object[] Decode(IReadOnlyList<AbiType> types, ReadOnlySpan<byte> data, string label, IReadOnlyList<string>? names)
    {
        ArgumentNullException.ThrowIfNull(types);
        var decoder = new AbiDecoder(data, new AbiLocation(stackalloc int[PathCapacity], label, names));
        return decoder.DecodeAll(types, label);
    }
}
