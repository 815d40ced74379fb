using OpenLedger.Core.Types;

namespace OpenLedger.Core.Abi;

/// <summary>
/// The functions and events of one contract or module, with lookup by selector and topic for dispatch and
/// log decoding. Two functions with the same selector (or events with the same topic) are refused.
/// </summary>
public sealed class AbiContract
{
    private readonly Dictionary<uint, AbiFunction> _functionsBySelector = [];
    private readonly Dictionary<Hash256, AbiEvent> _eventsByTopic = [];

    public AbiContract(IEnumerable<AbiFunction> functions, IEnumerable<AbiEvent>? events = null)
    {
        ArgumentNullException.ThrowIfNull(functions);
        Functions = [.. functions];
        Events = [.. events ?? []];
        foreach (var function in Functions)
        {
            if (!_functionsBySelector.TryAdd(function.SelectorValue, function))
            {
                var other = _functionsBySelector[function.SelectorValue];
                throw new AbiException(other.Signature == function.Signature
                    ? $"function {function.Signature} is defined twice"
                    : $"functions {other.Signature} and {function.Signature} share selector 0x{function.SelectorValue:x8}");
            }
        }
        foreach (var abiEvent in Events.Where(e => !e.Anonymous))
        {
            if (!_eventsByTopic.TryAdd(abiEvent.Topic0, abiEvent))
                throw new AbiException($"event {abiEvent.Signature} is defined twice");
        }
    }

    public IReadOnlyList<AbiFunction> Functions { get; }

    public IReadOnlyList<AbiEvent> Events { get; }

    public bool TryGetFunction(uint selector, out AbiFunction function) =>
        _functionsBySelector.TryGetValue(selector, out function!);

    /// <summary>The function whose selector starts <paramref name="calldata"/>.</summary>
    public bool TryGetFunction(ReadOnlySpan<byte> calldata, out AbiFunction function)
    {
        function = null!;
        return calldata.Length >= 4 &&
               TryGetFunction(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(calldata), out function);
    }

    /// <summary>By canonical signature ("transfer(address,uint256)") or by name when the name is not overloaded.</summary>
    public AbiFunction GetFunction(string nameOrSignature)
    {
        var matches = Functions.Where(f => f.Signature == nameOrSignature || f.Name == nameOrSignature).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new KeyNotFoundException($"no function '{nameOrSignature}'"),
            _ => throw new KeyNotFoundException(
                $"'{nameOrSignature}' is overloaded; use a signature: {string.Join(", ", matches.Select(f => f.Signature))}"),
        };
    }

    public bool TryGetEvent(Hash256 topic0, out AbiEvent abiEvent) => _eventsByTopic.TryGetValue(topic0, out abiEvent!);

    /// <summary>By canonical signature or by name when the name is not overloaded.</summary>
    public AbiEvent GetEvent(string nameOrSignature)
    {
        var matches = Events.Where(e => e.Signature == nameOrSignature || e.Name == nameOrSignature).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new KeyNotFoundException($"no event '{nameOrSignature}'"),
            _ => throw new KeyNotFoundException(
                $"'{nameOrSignature}' is overloaded; use a signature: {string.Join(", ", matches.Select(e => e.Signature))}"),
        };
    }
}
