using System.Text;

namespace OpenLedger.Core.Abi;

/// <summary>
/// Where the codec is inside the values it walks (argument, then array elements / tuple components), kept
/// on the stack so that the common, successful path allocates nothing; the text is built only for an error.
/// </summary>
internal ref struct AbiLocation
{
    private readonly Span<int> _segments;
    private readonly string _label;
    private readonly IReadOnlyList<string>? _names;
    private int _depth;
    private int _index;
    private AbiType? _type;

    /// <param name="segments">At least <see cref="AbiType.MaxNesting"/> + 1 slots.</param>
    /// <param name="label">What the top-level values are: "argument", "return value", "event field".</param>
    /// <param name="names">Their names, when known, for friendlier messages.</param>
    public AbiLocation(Span<int> segments, string label, IReadOnlyList<string>? names)
    {
        _segments = segments;
        _label = label;
        _names = names;
        _depth = 0;
        _index = 0;
        _type = null;
    }

    public void Begin(int index, AbiType type)
    {
        _index = index;
        _type = type;
        _depth = 0;
    }

    /// <summary>Enters element <paramref name="index"/> of an array, or component <paramref name="index"/> of a tuple.</summary>
    public void Push(int index, bool arrayElement) => _segments[_depth++] = (index << 1) | (arrayElement ? 1 : 0);

    public void Pop() => _depth--;

    public readonly AbiException Fail(AbiType leaf, string problem) => new($"{Describe(leaf)}: {problem}");

    /// <summary>e.g. "argument 0 'calls' ((address,uint256,bytes)[]) at [1].2 (bytes)".</summary>
    public readonly string Describe(AbiType leaf)
    {
        var text = new StringBuilder(_label).Append(' ').Append(_index);
        if (_names is not null && _index < _names.Count && _names[_index].Length > 0)
            text.Append(" '").Append(_names[_index]).Append('\'');
        text.Append(" (").Append(_type?.ToString() ?? leaf.ToString()).Append(')');
        if (_depth > 0)
        {
            text.Append(" at ");
            for (var i = 0; i < _depth; i++)
            {
                var segment = _segments[i];
                if ((segment & 1) != 0) text.Append('[').Append(segment >> 1).Append(']');
                else text.Append('.').Append(segment >> 1);
            }
            text.Append(" (").Append(leaf).Append(')');
        }
        return text.ToString();
    }
}
