using System.Text;

namespace OpenLedger.Core.Abi;

/// <summary>
/// A Solidity ABI type, parsed from its canonical string ("uint256", "bytes32[]", "(address,uint256,bytes)[2]").
/// Instances are immutable; equality is by canonical form (tuple component names do not take part).
/// </summary>
/// <remarks>
/// Values in .NET, as <see cref="AbiCodec"/> decodes them and expects them on encode:
/// <list type="table">
/// <item><term>uint&lt;M&gt;, int&lt;M&gt;</term><description><see cref="System.Numerics.BigInteger"/>;
/// encode also accepts sbyte, byte, short, ushort, int, uint, long, ulong, Int128 and UInt128.</description></item>
/// <item><term>address</term><description><see cref="OpenLedger.Core.Types.Address"/>.</description></item>
/// <item><term>bool</term><description><see cref="bool"/>.</description></item>
/// <item><term>bytes&lt;M&gt;</term><description>byte[] of exactly M bytes; encode also accepts
/// ReadOnlyMemory&lt;byte&gt; and, for bytes32, <see cref="OpenLedger.Core.Types.Hash256"/>.</description></item>
/// <item><term>bytes</term><description>byte[]; encode also accepts ReadOnlyMemory&lt;byte&gt;.</description></item>
/// <item><term>string</term><description><see cref="string"/> (UTF-8 on the wire; invalid UTF-8 is refused).</description></item>
/// <item><term>T[], T[k], tuples</term><description>object[] of the element/component values; encode also
/// accepts any IEnumerable (not a string) and, for tuples, ValueTuple / Tuple.</description></item>
/// </list>
/// </remarks>
public sealed class AbiType : IEquatable<AbiType>
{
    public const int WordSize = 32;

    /// <summary>No static type may encode to more than this; a bigger one is a typo, not a design.</summary>
    public const int MaxStaticSize = 1 << 24;

    /// <summary>How deep types may nest (arrays of tuples of arrays…); bounds the codec's recursion.</summary>
    public const int MaxNesting = 32;

    // Declared before the shared instances below: static initializers run in textual order.
    private static readonly string[] NoNames = [];

    public static readonly AbiType UInt256 = new(AbiTypeKind.UInt, 256);
    public static readonly AbiType Int256 = new(AbiTypeKind.Int, 256);
    public static readonly AbiType UInt8 = new(AbiTypeKind.UInt, 8);
    public static readonly AbiType Address = new(AbiTypeKind.Address, 0);
    public static readonly AbiType Bool = new(AbiTypeKind.Bool, 0);
    public static readonly AbiType Bytes32 = new(AbiTypeKind.FixedBytes, 32);
    public static readonly AbiType Bytes = new(AbiTypeKind.Bytes, 0);
    public static readonly AbiType String = new(AbiTypeKind.String, 0);

    private readonly string _canonical;

    private AbiType(AbiTypeKind kind, int size)
    {
        Kind = kind;
        Components = [];
        ComponentNames = NoNames;
        switch (kind)
        {
            case AbiTypeKind.UInt:
            case AbiTypeKind.Int:
                if (size < 8 || size > 256 || size % 8 != 0)
                    throw new AbiException($"integer types have 8..256 bits in steps of 8, not {size}");
                Bits = size;
                _canonical = (kind == AbiTypeKind.UInt ? "uint" : "int") + size;
                break;
            case AbiTypeKind.FixedBytes:
                if (size < 1 || size > 32) throw new AbiException($"bytes<M> needs M in 1..32, not {size}");
                ByteLength = size;
                _canonical = "bytes" + size;
                break;
            case AbiTypeKind.Address:
                _canonical = "address";
                break;
            case AbiTypeKind.Bool:
                _canonical = "bool";
                break;
            case AbiTypeKind.Bytes:
                _canonical = "bytes";
                IsDynamic = true;
                break;
            case AbiTypeKind.String:
                _canonical = "string";
                IsDynamic = true;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an elementary type");
        }
        HeadSize = WordSize;
        Depth = 1;
    }

    private AbiType(AbiType element, int? fixedLength)
    {
        ElementType = element;
        Components = [];
        ComponentNames = NoNames;
        Depth = element.Depth + 1;
        if (Depth > MaxNesting) throw new AbiException($"ABI types nest at most {MaxNesting} levels deep");
        if (fixedLength is { } length)
        {
            if (length < 1) throw new AbiException($"a fixed-size array needs at least one element: {element}[{length}]");
            Kind = AbiTypeKind.FixedArray;
            FixedLength = length;
            IsDynamic = element.IsDynamic;
            _canonical = $"{element}[{length}]";
            HeadSize = IsDynamic ? WordSize : StaticSize((long)element.HeadSize * length, _canonical);
        }
        else
        {
            Kind = AbiTypeKind.Array;
            IsDynamic = true;
            _canonical = element + "[]";
            HeadSize = WordSize;
        }
    }

    private AbiType(AbiType[] components, string[] names)
    {
        if (components.Length == 0) throw new AbiException("an empty tuple \"()\" is not a valid ABI type");
        if (names.Length != 0 && names.Length != components.Length)
            throw new ArgumentException($"{components.Length} tuple components but {names.Length} names", nameof(names));
        Kind = AbiTypeKind.Tuple;
        Components = components;
        ComponentNames = names.Length == 0 ? NoNames : names;
        var text = new StringBuilder("(");
        long size = 0;
        var depth = 0;
        for (var i = 0; i < components.Length; i++)
        {
            var component = components[i] ?? throw new ArgumentNullException(nameof(components), $"tuple component {i} is null");
            if (i > 0) text.Append(',');
            text.Append(component._canonical);
            IsDynamic |= component.IsDynamic;
            size += component.HeadSize;
            depth = Math.Max(depth, component.Depth);
        }
        _canonical = text.Append(')').ToString();
        Depth = depth + 1;
        if (Depth > MaxNesting) throw new AbiException($"ABI types nest at most {MaxNesting} levels deep");
        HeadSize = IsDynamic ? WordSize : StaticSize(size, _canonical);
    }

    public AbiTypeKind Kind { get; }

    /// <summary>Bit width of uint&lt;M&gt;/int&lt;M&gt;; 0 otherwise.</summary>
    public int Bits { get; }

    /// <summary>M of bytes&lt;M&gt;; 0 otherwise.</summary>
    public int ByteLength { get; }

    /// <summary>The element type of T[] and T[k]; null otherwise.</summary>
    public AbiType? ElementType { get; }

    /// <summary>k of T[k]; 0 otherwise.</summary>
    public int FixedLength { get; }

    /// <summary>The component types of a tuple; empty otherwise.</summary>
    public IReadOnlyList<AbiType> Components { get; }

    /// <summary>Names of the tuple's components (kept for the JSON ABI), or empty when unnamed.</summary>
    public IReadOnlyList<string> ComponentNames { get; }

    /// <summary>Dynamic types (bytes, string, T[], and anything containing one) are encoded out of line.</summary>
    public bool IsDynamic { get; }

    /// <summary>Bytes the type takes in the head of its enclosing tuple: 32 for dynamic types (an offset),
    /// otherwise its whole static encoding.</summary>
    public int HeadSize { get; }

    /// <summary>1 for an elementary type, 1 + the deepest component/element otherwise.</summary>
    public int Depth { get; }

    public static AbiType UInt(int bits) => bits == 256 ? UInt256 : bits == 8 ? UInt8 : new AbiType(AbiTypeKind.UInt, bits);

    public static AbiType Int(int bits) => bits == 256 ? Int256 : new AbiType(AbiTypeKind.Int, bits);

    public static AbiType FixedBytes(int length) => length == 32 ? Bytes32 : new AbiType(AbiTypeKind.FixedBytes, length);

    public static AbiType ArrayOf(AbiType element) => new(element ?? throw new ArgumentNullException(nameof(element)), null);

    public static AbiType FixedArrayOf(AbiType element, int length) =>
        new(element ?? throw new ArgumentNullException(nameof(element)), length);

    public static AbiType Tuple(params AbiType[] components) => new((AbiType[])components.Clone(), NoNames);

    /// <summary>A tuple whose components carry names (as a Solidity struct's fields do).</summary>
    public static AbiType Tuple(IReadOnlyList<AbiType> components, IReadOnlyList<string> names) =>
        new(components.ToArray(), names.ToArray());

    /// <summary>
    /// Parses a type: the canonical form, plus "uint"/"int" for their 256-bit forms, "tuple(...)", spaces, and
    /// component names inside tuples ("(address to, uint256 amount)[]").
    /// </summary>
    public static AbiType Parse(string text) => AbiSignatureParser.ParseType(text);

    public static bool TryParse(string? text, out AbiType? type, out string error)
    {
        type = null;
        error = "";
        if (text is null)
        {
            error = "ABI type is missing";
            return false;
        }
        try
        {
            type = Parse(text);
            return true;
        }
        catch (AbiException e)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>The canonical form used in signatures: no spaces, no names, "uint256" not "uint".</summary>
    public override string ToString() => _canonical;

    /// <summary>The form with tuple component names, e.g. "(address to,uint256 amount)[]".</summary>
    public string ToStringWithNames()
    {
        if (!HasComponentNames()) return _canonical;
        return Kind switch
        {
            AbiTypeKind.Array => ElementType!.ToStringWithNames() + "[]",
            AbiTypeKind.FixedArray => $"{ElementType!.ToStringWithNames()}[{FixedLength}]",
            _ => "(" + string.Join(",", Components.Select((c, i) =>
                ComponentNames.Count == 0 || ComponentNames[i].Length == 0
                    ? c.ToStringWithNames()
                    : c.ToStringWithNames() + " " + ComponentNames[i])) + ")",
        };
    }

    /// <summary>The tuple underneath any array dimensions ("(a,b)[2][]" → "(a,b)"), or null.</summary>
    public AbiType? InnermostTuple()
    {
        var type = this;
        while (type.ElementType is { } element) type = element;
        return type.Kind == AbiTypeKind.Tuple ? type : null;
    }

    public bool Equals(AbiType? other) => other is not null && other._canonical == _canonical;

    public override bool Equals(object? obj) => obj is AbiType other && Equals(other);

    public override int GetHashCode() => _canonical.GetHashCode(StringComparison.Ordinal);

    public static bool operator ==(AbiType? left, AbiType? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(AbiType? left, AbiType? right) => !(left == right);

    private bool HasComponentNames() => Kind switch
    {
        AbiTypeKind.Array or AbiTypeKind.FixedArray => ElementType!.HasComponentNames(),
        AbiTypeKind.Tuple => ComponentNames.Count > 0 || Components.Any(c => c.HasComponentNames()),
        _ => false,
    };

    private static int StaticSize(long size, string canonical)
    {
        if (size > MaxStaticSize)
            throw new AbiException($"ABI type {canonical} is {size} bytes; static types are limited to {MaxStaticSize} bytes");
        return (int)size;
    }
}
