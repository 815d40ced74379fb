using OpenLedger.Core.Abi;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Gas;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.State;

namespace OpenLedger.Execution.Processing;

/// <summary>
/// Applies one transaction (SPEC §3): buys gas at the effective price, bumps the nonce, runs the transfer or
/// module call under a snapshot, refunds unused gas, burns base fee × gas used and pays the tip to the
/// proposer's fee recipient. A failing call reverts its state changes but is still charged and included.
/// </summary>
public sealed class TransactionProcessor(ModuleRegistry modules)
{
    private static readonly IReadOnlyList<LogEntry> NoLogs = Array.Empty<LogEntry>();

    public TransactionReceipt Apply(
        Transaction tx,
        Address sender,
        BlockContext block,
        Address feeRecipient,
        IWorldState state,
        ulong blockGasUsed,
        int index)
    {
        CheckIncludable(tx, sender, block, state, blockGasUsed);

        // CheckIncludable refused amounts above 128 bits, so this view exists and nothing is truncated.
        var amounts = tx.Amounts;
        var price = amounts.EffectiveGasPrice(block.BaseFee);
        var tip = price - block.BaseFee;
        state.SubtractBalance(sender, price * tx.GasLimit);
        state.SetNonce(sender, tx.Nonce + 1);

        var gas = new GasMeter(tx.GasLimit);
        gas.Charge(IntrinsicGas.Of(tx));
        // Only module calls log; a plain transfer's receipt shares the empty list.
        List<LogEntry>? logs = null;
        var snapshot = state.TakeSnapshot();
        var success = true;
        string? reason = null;
        byte[] returnData = [];
        try
        {
            var to = tx.To!.Value;
            if (modules.TryGet(to, out var module))
            {
                gas.Charge(GasSchedule.ModuleCallBase);
                state.Transfer(sender, to, amounts.Value);
                logs = new List<LogEntry>();
                returnData = module.Call(new ModuleCall
                {
                    Block = block,
                    Caller = sender,
                    Value = amounts.Value,
                    Data = tx.Data.ToArray(),
                    IsStatic = false,
                    State = state,
                    Gas = gas,
                    Logs = logs,
                    Modules = modules,
                    TransactionHash = tx.Hash,
                });
            }
            else
            {
                if (tx.Data.Length > 0 && SystemAddresses.IsModule(to))
                    throw new ModuleRevertException($"module {to} is not enabled on this chain");
                state.Transfer(sender, to, amounts.Value);
            }
        }
        catch (Exception e) when (e is ModuleRevertException or OutOfGasException or InsufficientBalanceException or OverflowException)
        {
            state.RevertToSnapshot(snapshot);
            logs = null;
            success = false;
            reason = e switch
            {
                ModuleRevertException r => r.Reason,
                OutOfGasException => "out of gas",
                _ => e.Message,
            };
            returnData = e is ModuleRevertException ? AbiRevert.EncodeError(reason) : [];
        }

        var gasUsed = gas.Used;
        state.AddBalance(sender, price * (tx.GasLimit - gasUsed));
        state.AddBalance(SystemAddresses.Burn, block.BaseFee * gasUsed);
        state.AddBalance(feeRecipient, tip * gasUsed);

        var bloom = Bloom.Empty;
        if (logs is { Count: > 0 })
        {
            bloom = new Bloom();
            foreach (var log in logs) bloom.Add(log);
        }
        return new TransactionReceipt
        {
            TxType = (byte)tx.Type,
            Success = success,
            CumulativeGasUsed = blockGasUsed + gasUsed,
            Bloom = bloom,
            Logs = logs is null || logs.Count == 0 ? NoLogs : logs,
            TransactionHash = tx.Hash,
            TransactionIndex = index,
            From = sender,
            To = tx.To,
            GasUsed = gasUsed,
            EffectiveGasPrice = price,
            RevertReason = reason,
            ReturnData = returnData,
        };
    }


    /// <summary>
    /// The checks that decide whether a transaction can be in this block at all. <paramref name="sender"/> is the one
    /// recovered from <paramref name="tx"/>'s signature (<see cref="SenderCache"/>), so the signature rule is not
    /// checked again here: a follower's block holds fresh objects for transactions it recovered from gossip, and
    /// re-checking would recover every one of them a second time.
    /// </summary>
    public static void CheckIncludable(Transaction tx, Address sender, BlockContext block, IWorldState state, ulong blockGasUsed)
    {
        var rejection = TransactionRules.CheckStatelessBeforeRecovery(tx, block.ChainId, block.Parameters.BlockGasLimit);
        if (rejection is not null) throw new InvalidTransactionException(TxInvalidReason.Stateless, rejection.Message);
        if (SystemAddresses.IsSystem(sender))
            throw new InvalidTransactionException(TxInvalidReason.SystemAccountSender, $"{sender} is a system account and cannot send transactions");
        var nonce = state.GetNonce(sender);
        if (tx.Nonce < nonce)
            throw new InvalidTransactionException(TxInvalidReason.NonceTooLow, $"nonce too low: address {sender}, tx: {tx.Nonce} state: {nonce}");
        if (tx.Nonce > nonce)
            throw new InvalidTransactionException(TxInvalidReason.NonceTooHigh, $"nonce too high: address {sender}, tx: {tx.Nonce} state: {nonce}");
        // The stateless rules above refused value and fees above 128 bits (SPEC §2), so the money view exists.
        var amounts = tx.Amounts;
        if (amounts.MaxFeePerGas < block.BaseFee)
            throw new InvalidTransactionException(TxInvalidReason.FeeCapBelowBaseFee,
                $"max fee per gas less than block base fee: address {sender}, maxFeePerGas: {amounts.MaxFeePerGas}, baseFee: {block.BaseFee}");
        var balance = state.GetBalance(sender);
        if (!tx.TryMaxCost(out var cost) || balance < cost)
        {
            throw new InvalidTransactionException(TxInvalidReason.InsufficientFunds,
                $"insufficient funds for gas * price + value: address {sender} have {balance} want {tx.MaxCostExact()}");
        }
        if (blockGasUsed + tx.GasLimit > block.Parameters.BlockGasLimit)
            throw new InvalidTransactionException(TxInvalidReason.BlockGasExhausted, "gas limit reached");
    }
}
