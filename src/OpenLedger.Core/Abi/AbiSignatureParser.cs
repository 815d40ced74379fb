using System.Globalization;

namespace OpenLedger.Core.Abi;

/// <summary>
/// Reads types and parameter lists in Solidity's human-readable form: canonical types, optional parameter
/// names, "indexed" (events), data locations (memory/calldata/storage, ignored) and free spacing.
/// Every error names the input and the character position.
/// </summary>
internal sealed class AbiSignatureParser(string text)
{
    private static readonly HashSet<string> DataLocations = ["memory", "calldata", "storage"];

    private int _position;

    public string Text => text;

    public bool AtEnd
    {
        get
        {
            SkipSpace();
            return _position >= text.Length;
        }
    }

    public static AbiType ParseType(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new AbiSignatureParser(text);
        parser.SkipSpace();
        var type = parser.ReadType(0);
        parser.ExpectEnd();
        return type;
    }

    public AbiException Error(string message) =>
        new($"invalid ABI signature '{text}' at position {_position}: {message}");

    public void SkipSpace()
    {
        while (_position < text.Length && char.IsWhiteSpace(text[_position])) _position++;
    }

    public bool TryConsume(char c)
    {
        SkipSpace();
        if (_position < text.Length && text[_position] == c)
        {
            _position++;
            return true;
        }
        return false;
    }

    public void Expect(char c)
    {
        if (!TryConsume(c))
            throw Error(_position < text.Length ? $"expected '{c}', found '{text[_position]}'" : $"expected '{c}', found the end");
    }

    public void ExpectEnd()
    {
        if (!AtEnd) throw Error($"unexpected '{text[_position]}'");
    }

    public bool PeekIdentifier()
    {
        SkipSpace();
        return _position < text.Length && IsIdentifierStart(text[_position]);
    }

    /// <summary>Reads the next identifier if it is exactly <paramref name="keyword"/>.</summary>
    public bool TryConsumeKeyword(string keyword)
    {
        SkipSpace();
        var end = _position;
        while (end < text.Length && IsIdentifierPart(text[end])) end++;
        if (text.AsSpan(_position, end - _position).SequenceEqual(keyword))
        {
            _position = end;
            return true;
        }
        return false;
    }

    public string ReadIdentifier(string what)
    {
        SkipSpace();
        if (_position >= text.Length || !IsIdentifierStart(text[_position]))
            throw Error(_position < text.Length ? $"expected {what}, found '{text[_position]}'" : $"expected {what}, found the end");
        var start = _position;
        while (_position < text.Length && IsIdentifierPart(text[_position])) _position++;
        return text[start.._position];
    }

    /// <summary>"(type [indexed] [name], ...)"; an empty list is allowed here, unlike an empty tuple type.</summary>
    public List<AbiParameter> ReadParameterList(bool allowIndexed)
    {
        Expect('(');
        var parameters = new List<AbiParameter>();
        if (TryConsume(')')) return parameters;
        do
        {
            var type = ReadType(0);
            var indexed = false;
            var name = "";
            while (PeekIdentifier())
            {
                var start = _position;
                var word = ReadIdentifier("a parameter name");
                if (word == "indexed" && name.Length == 0)
                {
                    if (!allowIndexed)
                    {
                        _position = start;
                        throw Error("'indexed' only applies to event parameters");
                    }
                    indexed = true;
                }
                else if (DataLocations.Contains(word) && name.Length == 0)
                {
                    // Solidity source style "bytes calldata data": the location does not change the ABI.
                }
                else if (name.Length == 0)
                {
                    name = word;
                }
                else
                {
                    _position = start;
                    throw Error($"unexpected '{word}' after parameter name '{name}'");
                }
            }
            parameters.Add(new AbiParameter(name, type, indexed));
        }
        while (TryConsume(','));
        Expect(')');
        return parameters;
    }

    private AbiType ReadType(int depth)
    {
        if (depth > AbiType.MaxNesting) throw Error($"types nest at most {AbiType.MaxNesting} levels deep");
        SkipSpace();
        AbiType type;
        if (_position < text.Length && text[_position] == '(')
        {
            type = ReadTupleBody(depth);
        }
        else
        {
            var start = _position;
            var word = ReadIdentifier("a type");
            if (word == "tuple" && TryPeek('('))
            {
                type = ReadTupleBody(depth);
            }
            else
            {
                type = Elementary(word) ?? throw ErrorAt(start, UnknownTypeMessage(word));
            }
        }
        // Array suffixes follow the type directly ("uint256[2][]"), outermost last.
        while (TryPeek('['))
        {
            var open = _position++;
            var digitsStart = _position;
            while (_position < text.Length && char.IsAsciiDigit(text[_position])) _position++;
            var digits = text.AsSpan(digitsStart, _position - digitsStart);
            if (_position >= text.Length || text[_position] != ']') throw Error("expected ']' closing the array dimension");
            _position++;
            try
            {
                if (digits.Length == 0)
                {
                    type = AbiType.ArrayOf(type);
                }
                else
                {
                    if ((digits.Length > 1 && digits[0] == '0') ||
                        !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
                        throw ErrorAt(digitsStart, $"array length '{digits}' is not a plain decimal number up to {int.MaxValue}");
                    type = AbiType.FixedArrayOf(type, length);
                }
            }
            catch (AbiException e) when (!e.Message.StartsWith("invalid ABI signature", StringComparison.Ordinal))
            {
                throw ErrorAt(open, e.Message);
            }
        }
        return type;
    }

    private AbiType ReadTupleBody(int depth)
    {
        var open = _position;
        Expect('(');
        if (TryConsume(')')) throw ErrorAt(open, "an empty tuple \"()\" is not a valid ABI type");
        var components = new List<AbiType>();
        var names = new List<string>();
        do
        {
            components.Add(ReadType(depth + 1));
            var name = "";
            while (PeekIdentifier())
            {
                var start = _position;
                var word = ReadIdentifier("a component name");
                if (DataLocations.Contains(word) && name.Length == 0) continue;
                if (name.Length != 0)
                {
                    _position = start;
                    throw Error($"unexpected '{word}' after component name '{name}'");
                }
                name = word;
            }
            names.Add(name);
        }
        while (TryConsume(','));
        Expect(')');
        try
        {
            return names.All(n => n.Length == 0) ? AbiType.Tuple([.. components]) : AbiType.Tuple(components, names);
        }
        catch (AbiException e)
        {
            throw ErrorAt(open, e.Message);
        }
    }

    private bool TryPeek(char c)
    {
        SkipSpace();
        return _position < text.Length && text[_position] == c;
    }

    private AbiException ErrorAt(int position, string message)
    {
        _position = position;
        return Error(message);
    }

    private static AbiType? Elementary(string word)
    {
        switch (word)
        {
            case "address": return AbiType.Address;
            case "bool": return AbiType.Bool;
            case "string": return AbiType.String;
            case "bytes": return AbiType.Bytes;
            case "uint": return AbiType.UInt256;
            case "int": return AbiType.Int256;
        }
        if (word.StartsWith("uint", StringComparison.Ordinal) && TrySize(word.AsSpan(4), out var bits) && bits % 8 == 0 && bits is >= 8 and <= 256)
            return AbiType.UInt(bits);
        if (word.StartsWith("int", StringComparison.Ordinal) && TrySize(word.AsSpan(3), out bits) && bits % 8 == 0 && bits is >= 8 and <= 256)
            return AbiType.Int(bits);
        if (word.StartsWith("bytes", StringComparison.Ordinal) && TrySize(word.AsSpan(5), out var length) && length is >= 1 and <= 32)
            return AbiType.FixedBytes(length);
        return null;
    }

    private static string UnknownTypeMessage(string word)
    {
        if (word.StartsWith("uint", StringComparison.Ordinal) || word.StartsWith("int", StringComparison.Ordinal))
            return $"'{word}': integer types have 8..256 bits in steps of 8";
        if (word.StartsWith("bytes", StringComparison.Ordinal))
            return $"'{word}': fixed-size byte types are bytes1..bytes32";
        if (word.StartsWith("fixed", StringComparison.Ordinal) || word.StartsWith("ufixed", StringComparison.Ordinal))
            return $"'{word}': fixed-point types are not supported";
        return $"unknown ABI type '{word}'";
    }

    // Sizes are written without leading zeros ("uint08" is not a type).
    private static bool TrySize(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        if (digits.Length == 0 || digits.Length > 3 || digits[0] == '0') return false;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_' || c == '$';

    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '$';
}
