using OpenLedger.Core.Abi;
using OpenLedger.Core.Types;

namespace OpenLedger.Execution.Modules.Common;

/// <summary>
/// Solidity-ABI dispatch for a system module: functions are registered with their human-readable signature
/// and a handler; calldata is decoded strictly, value sent to a non-payable function and state changes in a
/// static call are refused, and malformed calldata reverts with the codec's explanation.
/// </summary>
public abstract class SystemModuleBase : ISystemModule
{
    private readonly Dictionary<uint, (AbiFunction Function, Func<ModuleContext, object[], object[]> Handler)> _handlers = new();
    private readonly List<AbiFunction> _functions = new();
    private readonly List<AbiEvent> _events = new();
    private AbiContract? _abi;

    protected SystemModuleBase(Address address, string name)
    {
        Address = address;
        Name = name;
    }

    public Address Address { get; }

    public string Name { get; }

    /// <summary>Every function and event, in declaration order: the source of docs/abi/&lt;name&gt;.json.</summary>
    public AbiContract Abi => _abi ??= new AbiContract(_functions, _events);

    protected void Function(string signature, Func<ModuleContext, object[], object[]> handler)
    {
        var function = AbiFunction.Parse(signature);
        if (!_handlers.TryAdd(function.SelectorValue, (function, handler)))
            throw new InvalidOperationException($"{Name}: selector clash for {function.Signature}");
        _functions.Add(function);
        _abi = null;
    }

    protected AbiEvent Event(string signature)
    {
        var abiEvent = AbiEvent.Parse(signature);
        _events.Add(abiEvent);
        _abi = null;
        return abiEvent;
    }

    public byte[] Call(ModuleCall call)
    {
        // The executor has already charged GasSchedule.ModuleCallBase for dispatching into a module.
        var data = call.Data.Span;
        if (data.Length < 4)
            throw new ModuleRevertException($"{Name} module: calldata must start with a 4-byte function selector (got {data.Length} bytes); plain transfers to a module are refused");
        var selector = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data);
        if (!_handlers.TryGetValue(selector, out var entry))
            throw new ModuleRevertException($"{Name} module has no function with selector 0x{selector:x8}");
        var (function, handler) = entry;
        if (call.Value > 0 && function.StateMutability != AbiStateMutability.Payable)
            throw new ModuleRevertException($"{function.Name} is not payable: send no value (got {Money.Open(call.Value)})");
        object[] args;
        try
        {
            args = function.DecodeArguments(data);
        }
        catch (AbiException e)
        {
            throw new ModuleRevertException($"invalid calldata for {function.Signature}: {e.Message}");
        }
        var context = ModuleContext.ForCall(call, Address);
        var result = handler(context, args);
        return function.EncodeReturn(result);
    }

    public abstract void BeginBlock(BlockHookContext context);

    public abstract void EndBlock(BlockHookContext context);

    protected static ModuleRevertException Revert(string reason) => new(reason);
}
