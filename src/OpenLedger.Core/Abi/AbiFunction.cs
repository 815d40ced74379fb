using System.Buffers.Binary;
using System.Text;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Core.Abi;

/// <summary>
/// A function as callers see it: name, inputs, outputs, state mutability, and the 4-byte selector
/// (first 4 bytes of keccak256 of the canonical signature) that starts its calldata.
/// </summary>
public sealed class AbiFunction
{
    private readonly byte[] _selector;
    private readonly AbiType[] _inputTypes;
    private readonly AbiType[] _outputTypes;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    // Labels for error messages, built once: decoding runs on every transaction.
    private readonly string _argumentLabel;
    private readonly string _returnLabel;

    public AbiFunction(
        string name,
        IReadOnlyList<AbiParameter> inputs,
        IReadOnlyList<AbiParameter>? outputs = null,
        AbiStateMutability stateMutability = AbiStateMutability.NonPayable)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(inputs);
        if (!IsIdentifier(name)) throw new AbiException($"'{name}' is not a valid function name");
        outputs ??= [];
        if (inputs.Concat(outputs).Any(p => p.Indexed))
            throw new AbiException($"function {name}: 'indexed' only applies to event parameters");
        Name = name;
        Inputs = [.. inputs];
        Outputs = [.. outputs];
        StateMutability = stateMutability;
        _inputTypes = [.. inputs.Select(p => p.Type)];
        _outputTypes = [.. outputs.Select(p => p.Type)];
        _inputNames = [.. inputs.Select(p => p.Name)];
        _outputNames = [.. outputs.Select(p => p.Name)];
        Signature = $"{name}({string.Join(",", _inputTypes.Select(t => t.ToString()))})";
        _selector = Keccak256.HashToArray(System.Text.Encoding.UTF8.GetBytes(Signature))[..4];
        SelectorValue = BinaryPrimitives.ReadUInt32BigEndian(_selector);
        _argumentLabel = $"{name} argument";
        _returnLabel = $"{name} return value";
    }

    public string Name { get; }

    /// <summary>The canonical signature, e.g. "transfer(address,uint256)".</summary>
    public string Signature { get; }

    public IReadOnlyList<AbiParameter> Inputs { get; }

    public IReadOnlyList<AbiParameter> Outputs { get; }

    public IReadOnlyList<AbiType> InputTypes => _inputTypes;

    public IReadOnlyList<AbiType> OutputTypes => _outputTypes;

    public AbiStateMutability StateMutability { get; }

    /// <summary>View and pure functions do not change state.</summary>
    public bool IsReadOnly => StateMutability is AbiStateMutability.View or AbiStateMutability.Pure;

    /// <summary>The 4-byte selector (a copy).</summary>
    public byte[] Selector => (byte[])_selector.Clone();

    /// <summary>The selector as a big-endian number, handy for dispatch tables.</summary>
    public uint SelectorValue { get; }

    /// <summary>
    /// Parses "name(type [name], ...)" with optional leading "function", mutability keywords
    /// (view, pure, payable, nonpayable; also visibility external/public, which the ABI ignores) and
    /// "returns (type [name], ...)": e.g. "balanceOf(address owner) view returns (uint256)".
    /// </summary>
    public static AbiFunction Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new AbiSignatureParser(text);
        parser.TryConsumeKeyword("function");
        var name = parser.ReadIdentifier("a function name");
        var inputs = parser.ReadParameterList(allowIndexed: false);
        var mutability = AbiStateMutability.NonPayable;
        List<AbiParameter> outputs = [];
        while (parser.PeekIdentifier())
        {
            if (parser.TryConsumeKeyword("returns"))
            {
                outputs = parser.ReadParameterList(allowIndexed: false);
                break;
            }
            if (parser.TryConsumeKeyword("view")) mutability = AbiStateMutability.View;
            else if (parser.TryConsumeKeyword("pure")) mutability = AbiStateMutability.Pure;
            else if (parser.TryConsumeKeyword("payable")) mutability = AbiStateMutability.Payable;
            else if (parser.TryConsumeKeyword("nonpayable")) mutability = AbiStateMutability.NonPayable;
            else if (parser.TryConsumeKeyword("external") || parser.TryConsumeKeyword("public")) continue;
            else throw parser.Error($"unexpected '{parser.ReadIdentifier("a keyword")}' after the parameter list");
        }
        parser.ExpectEnd();
        return new AbiFunction(name, inputs, outputs, mutability);
    }

    /// <summary>Selector followed by the ABI-encoded arguments.</summary>
    /// <remarks>C# passes a lone object[] argument as the whole params array: write
    /// <c>EncodeCall((object)tupleValues)</c> when the function takes a single tuple or array.</remarks>
    public byte[] EncodeCall(params object?[] args) => AbiCodec.Encode(_inputTypes, args, _selector, _argumentLabel, _inputNames);

    /// <summary>The ABI-encoded arguments alone, without the selector.</summary>
    public byte[] EncodeArguments(params object?[] args) => AbiCodec.Encode(_inputTypes, args, [], _argumentLabel, _inputNames);

    /// <summary>Checks the selector, then decodes the arguments strictly (see <see cref="AbiCodec.Decode"/>).</summary>
    public object[] DecodeArguments(ReadOnlySpan<byte> calldata)
    {
        if (!HasSelector(calldata))
        {
            var found = calldata.Length < 4 ? $"{calldata.Length} bytes of calldata" : $"selector 0x{Convert.ToHexStringLower(calldata[..4])}";
            throw new AbiException($"calldata is not a call to {Signature} (selector 0x{Convert.ToHexStringLower(_selector)}): found {found}");
        }
        return AbiCodec.Decode(_inputTypes, calldata[4..], _argumentLabel, _inputNames);
    }

    /// <summary>True when <paramref name="calldata"/> starts with this function's selector.</summary>
    public bool HasSelector(ReadOnlySpan<byte> calldata) => calldata.Length >= 4 && calldata[..4].SequenceEqual(_selector);

    public byte[] EncodeReturn(params object?[] values) => AbiCodec.Encode(_outputTypes, values, [], _returnLabel, _outputNames);

    public object[] DecodeReturn(ReadOnlySpan<byte> data) => AbiCodec.Decode(_outputTypes, data, _returnLabel, _outputNames);

    /// <summary>The canonical signature.</summary>
    public override string ToString() => Signature;

    /// <summary>"function name(type name, ...) view returns (type name)", which <see cref="Parse"/> reads back.</summary>
    public string ToHumanReadable()
    {
        var text = new StringBuilder("function ").Append(Name).Append('(');
        text.AppendJoin(", ", Inputs.Select(Format)).Append(')');
        if (StateMutability != AbiStateMutability.NonPayable) text.Append(' ').Append(StateMutability.ToString().ToLowerInvariant());
        if (Outputs.Count > 0) text.Append(" returns (").AppendJoin(", ", Outputs.Select(Format)).Append(')');
        return text.ToString();
    }

    internal static string Format(AbiParameter parameter)
    {
        var text = parameter.Type.ToStringWithNames();
        if (parameter.Indexed) text += " indexed";
        return parameter.Name.Length == 0 ? text : text + " " + parameter.Name;
    }

    internal static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or '$') &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$');
}
