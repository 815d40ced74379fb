using System.Buffers;
using System.Text;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Abi;

/// <summary>
/// A Solidity event: topic 0 is keccak256 of the canonical signature (omitted for anonymous events), then
/// one topic per indexed parameter; the other parameters are ABI-encoded in the log data.
/// </summary>
/// <remarks>
/// Indexed value types (integers, address, bool, bytes&lt;M&gt;) are stored as their 32-byte ABI word.
/// Indexed string, bytes, arrays and tuples are stored as keccak256 of Solidity's "in-place" encoding
/// (contents of string/bytes without length or padding; elements/members concatenated, each padded to
/// 32 bytes, without offsets or lengths), so they cannot be decoded: <see cref="Decode"/> returns that
/// topic as a <see cref="Hash256"/>.
/// </remarks>
public sealed class AbiEvent
{
    private readonly AbiType[] _dataTypes;
    private readonly string[] _dataNames;
    private readonly int[] _dataPositions;
    private readonly int[] _indexedPositions;
    private readonly string _fieldLabel;
    private readonly string _indexedLabel;

    public AbiEvent(string name, IReadOnlyList<AbiParameter> parameters, bool anonymous = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!AbiFunction.IsIdentifier(name)) throw new AbiException($"'{name}' is not a valid event name");
        Name = name;
        Parameters = [.. parameters];
        Anonymous = anonymous;
        _indexedPositions = [.. Enumerable.Range(0, parameters.Count).Where(i => parameters[i].Indexed)];
        _dataPositions = [.. Enumerable.Range(0, parameters.Count).Where(i => !parameters[i].Indexed)];
        var maxIndexed = anonymous ? 4 : 3;
        if (_indexedPositions.Length > maxIndexed)
            throw new AbiException($"event {name} has {_indexedPositions.Length} indexed parameters; at most {maxIndexed} fit in a log's topics");
        _dataTypes = [.. _dataPositions.Select(i => parameters[i].Type)];
        _dataNames = [.. _dataPositions.Select(i => parameters[i].Name)];
        Signature = $"{name}({string.Join(",", parameters.Select(p => p.Type.ToString()))})";
        Topic0 = Keccak256.Hash(System.Text.Encoding.UTF8.GetBytes(Signature));
        _fieldLabel = $"{name} field";
        _indexedLabel = $"{name} indexed field";
    }

    public string Name { get; }

    /// <summary>The canonical signature, e.g. "Transfer(address,address,uint256)".</summary>
    public string Signature { get; }

    public IReadOnlyList<AbiParameter> Parameters { get; }

    public bool Anonymous { get; }

    /// <summary>keccak256 of <see cref="Signature"/>; the first topic unless the event is anonymous.</summary>
    public Hash256 Topic0 { get; }

    /// <summary>Parses "Transfer(address indexed from, address indexed to, uint256 value)", with optional
    /// leading "event" and trailing "anonymous".</summary>
    public static AbiEvent Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new AbiSignatureParser(text);
        parser.TryConsumeKeyword("event");
        var name = parser.ReadIdentifier("an event name");
        var parameters = parser.ReadParameterList(allowIndexed: true);
        var anonymous = parser.TryConsumeKeyword("anonymous");
        parser.ExpectEnd();
        return new AbiEvent(name, parameters, anonymous);
    }

    /// <summary>Topics and data of a log carrying <paramref name="args"/> (one per parameter, in order).</summary>
    /// <remarks>C# passes a lone object[] argument as the whole params array: write
    /// <c>EncodeLog((object)tupleValues)</c> when the event has a single tuple or array parameter.</remarks>
    public (IReadOnlyList<Hash256> Topics, byte[] Data) EncodeLog(params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length != Parameters.Count)
        {
            throw new AbiException(
                $"event {Signature} has {Parameters.Count} parameters, got {args.Length} values");
        }
        var topics = new List<Hash256>(_indexedPositions.Length + 1);
        if (!Anonymous) topics.Add(Topic0);
        foreach (var position in _indexedPositions) topics.Add(EncodeTopic(position, args[position]));
        var dataValues = new object?[_dataPositions.Length];
        for (var i = 0; i < dataValues.Length; i++) dataValues[i] = args[_dataPositions[i]];
        var data = AbiCodec.Encode(_dataTypes, dataValues, [], _fieldLabel, _dataNames);
        return (topics, data);
    }

    /// <summary>A receipt log emitted by <paramref name="emitter"/>.</summary>
    public LogEntry EncodeLogEntry(Address emitter, params object?[] args)
    {
        var (topics, data) = EncodeLog(args);
        return new LogEntry(emitter, topics, data);
    }

    /// <summary>True when the log's first topic is this event's (never for anonymous events).</summary>
    public bool Matches(IReadOnlyList<Hash256> topics) => !Anonymous && topics.Count > 0 && topics[0] == Topic0;

    /// <summary>
    /// Decodes a log into one value per parameter, in order. Indexed string/bytes/array/tuple parameters come
    /// back as the <see cref="Hash256"/> in their topic.
    /// </summary>
    public object[] Decode(IReadOnlyList<Hash256> topics, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var expectedTopics = _indexedPositions.Length + (Anonymous ? 0 : 1);
        if (topics.Count != expectedTopics)
            throw new AbiException($"event {Signature} has {expectedTopics} topics, the log has {topics.Count}");
        if (!Anonymous && topics[0] != Topic0)
            throw new AbiException($"log topic 0 {topics[0]} is not event {Signature} ({Topic0})");

        var values = new object[Parameters.Count];
        var firstIndexedTopic = Anonymous ? 0 : 1;
        for (var i = 0; i < _indexedPositions.Length; i++)
        {
            var position = _indexedPositions[i];
            var parameter = Parameters[position];
            var topic = topics[firstIndexedTopic + i];
            values[position] = IsHashedWhenIndexed(parameter.Type)
                ? topic
                : AbiCodec.Decode([parameter.Type], topic.Bytes, _indexedLabel, [parameter.Name])[0];
        }
        var dataValues = AbiCodec.Decode(_dataTypes, data, _fieldLabel, _dataNames);
        for (var i = 0; i < dataValues.Length; i++) values[_dataPositions[i]] = dataValues[i];
        return values;
    }

    /// <summary>The canonical signature.</summary>
    public override string ToString() => Signature;

    /// <summary>"event Name(type indexed name, ...)", which <see cref="Parse"/> reads back.</summary>
    public string ToHumanReadable()
    {
        var text = new StringBuilder("event ").Append(Name).Append('(')
            .AppendJoin(", ", Parameters.Select(AbiFunction.Format)).Append(')');
        if (Anonymous) text.Append(" anonymous");
        return text.ToString();
    }

    private static bool IsHashedWhenIndexed(AbiType type) => type.Kind is
        AbiTypeKind.Bytes or AbiTypeKind.String or AbiTypeKind.Array or AbiTypeKind.FixedArray or AbiTypeKind.Tuple;

    private Hash256 EncodeTopic(int position, object? value)
    {
        var parameter = Parameters[position];
        var encoder = new AbiEncoder(new AbiLocation(stackalloc int[AbiType.MaxNesting + 1], _indexedLabel, [parameter.Name]));
        var normalized = encoder.NormalizeAll([parameter.Type], [value], "value")[0];
        if (!IsHashedWhenIndexed(parameter.Type))
        {
            Span<byte> word = stackalloc byte[AbiType.WordSize];
            word.Clear();
            AbiEncoder.Write(parameter.Type, normalized, word);
            return new Hash256(word);
        }
        var buffer = new ArrayBufferWriter<byte>();
        WriteInPlace(parameter.Type, normalized, buffer, topLevel: true);
        return Keccak256.Hash(buffer.WrittenSpan);
    }

    private static void WriteInPlace(AbiType type, object value, ArrayBufferWriter<byte> buffer, bool topLevel)
    {
        switch (type.Kind)
        {
            case AbiTypeKind.Bytes:
            case AbiTypeKind.String:
                var bytes = (byte[])value;
                var length = topLevel ? bytes.Length : AbiEncoder.PaddedLength(bytes.Length);
                var target = buffer.GetSpan(Math.Max(length, 1))[..length];
                target.Clear();
                bytes.CopyTo(target);
                buffer.Advance(length);
                break;
            case AbiTypeKind.Array:
            case AbiTypeKind.FixedArray:
                foreach (var element in (object[])value) WriteInPlace(type.ElementType!, element, buffer, topLevel: false);
                break;
            case AbiTypeKind.Tuple:
                var members = (object[])value;
                for (var i = 0; i < members.Length; i++) WriteInPlace(type.Components[i], members[i], buffer, topLevel: false);
                break;
            default:
                var word = buffer.GetSpan(AbiType.WordSize)[..AbiType.WordSize];
                word.Clear();
                AbiEncoder.Write(type, value, word);
                buffer.Advance(AbiType.WordSize);
                break;
        }
    }
}
