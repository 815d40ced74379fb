using OpenLedger.Core.Abi;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Transactions;
using OpenLedger.Execution.Gas;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.State;

namespace OpenLedger.Execution.Processing;

/// <summary>
/// Runs a call the way a transaction would run it (intrinsic gas, value transfer, module dispatch and gas
/// metering) against a throw-away state, without fees or nonces. Module gas does not depend on the gas limit,
/// so the gas a successful simulation used is exactly the limit the transaction needs.
/// </summary>
public sealed class CallSimulator(ModuleRegistry modules)
{
    public MessageCallResult Run(MessageCall call, BlockContext block, IWorldState state)
    {
        var gas = new GasMeter(call.GasLimit);
        var logs = new List<LogEntry>();
        try
        {
            gas.Charge(IntrinsicGas.Of(call.Data, call.AccessList ?? []));
            if (call.To is not { } to) throw new ModuleRevertException("contract creation is not supported");
            state.Transfer(call.From, to, call.Value);
            byte[] output = [];
            if (modules.TryGet(to, out var module))
            {
                gas.Charge(GasSchedule.ModuleCallBase);
                output = module.Call(new ModuleCall
                {
                    Block = block,
                    Caller = call.From,
                    Value = call.Value,
                    Data = call.Data,
                    IsStatic = false,
                    State = state,
                    Gas = gas,
                    Logs = logs,
                    Modules = modules,
                });
            }
            return new MessageCallResult(true, gas.Used, output, null, logs);
        }
        catch (ModuleRevertException e)
        {
            return new MessageCallResult(false, gas.Used, AbiRevert.EncodeError(e.Reason), e.Reason, []);
        }
        catch (Exception e) when (e is OutOfGasException or InsufficientBalanceException or OverflowException)
        {
            var reason = e is OutOfGasException ? "out of gas" : e.Message;
            return new MessageCallResult(false, gas.Used, [], reason, []);
        }
    }
}
