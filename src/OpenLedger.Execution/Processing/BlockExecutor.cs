using OpenLedger.Core.Chain;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.State;
using OpenLedger.State.Trie;

namespace OpenLedger.Execution.Processing;

/// <summary>
/// Executes a block: module begin-block hooks (emission, maturities), the transactions in order, end-block hooks
/// (epochs), then commits the state changes and computes the header's roots. Deterministic: the same parent
/// state and input always give the same result.
/// </summary>
/// <param name="senders">Where senders recovered at admission are found again; a block's uncached senders are
/// recovered in parallel before its transactions run in order.</param>
public sealed class BlockExecutor(ModuleRegistry modules, SenderCache? senders = null)
{
    private readonly TransactionProcessor _processor = new(modules);

    public ModuleRegistry Modules => modules;

    public SenderCache Senders { get; } = senders ?? new SenderCache();

    /// <param name="dropInvalid">
    /// True when building a block: transactions that cannot be included are dropped and reported. False when
    /// validating someone else's block: any such transaction makes the whole block invalid.
    /// </param>
    public BlockExecutionResult Execute(WorldState state, BlockExecutionInput input, bool dropInvalid)
    {
        Senders.RecoverAll(input.Transactions);
        state.Backend.PrefetchAccounts(AccountsRead(input));
        var hookLogs = new List<LogEntry>();
        var hooks = new BlockHookContext
        {
            Block = input.Block,
            State = state,
            LastCommitSigners = input.LastCommitSigners,
            LastValidators = input.LastValidators,
            Evidence = input.Evidence,
            Logs = hookLogs,
            Modules = modules,
        };
        modules.BeginBlock(hooks);

        var included = new List<Transaction>(input.Transactions.Count);
        var receipts = new List<TransactionReceipt>(input.Transactions.Count);
        var dropped = new List<(Transaction, InvalidTransactionException)>();
        ulong gasUsed = 0;
        foreach (var tx in input.Transactions)
        {
            try
            {
                if (!Senders.TryGetSender(tx, out var sender, out var error))
                    throw new InvalidTransactionException(TxInvalidReason.Stateless, error);
                var receipt = _processor.Apply(tx, sender, input.Block, input.FeeRecipient, state, gasUsed, included.Count);
                gasUsed = receipt.CumulativeGasUsed;
                state.ForgetUndoHistory();
                included.Add(tx);
                receipts.Add(receipt);
            }
            catch (InvalidTransactionException e)
            {
                if (!dropInvalid) throw new InvalidBlockException($"transaction {tx.Hash} cannot be included: {e.Message}");
                dropped.Add((tx, e));
            }
        }

        modules.EndBlock(hooks);

        var bloom = new Bloom();
        foreach (var receipt in receipts)
            if (receipt.Logs.Count > 0) bloom.Merge(receipt.Bloom);

        // The state root and the two ordered roots are independent: hash them side by side.
        Hash256 stateRoot = default, transactionsRoot = default, receiptsRoot = default;
        // Kept for the block store, which wraps each in the receipt's storage encoding (no second encoding).
        var receiptEncodings = new byte[receipts.Count][];
        RunSideBySide(
            () => stateRoot = state.Commit(),
            () => transactionsRoot = ComputeOrderedRoot(included, static tx => tx.Encoded),
            () =>
            {
                for (var i = 0; i < receipts.Count; i++) receiptEncodings[i] = receipts[i].EncodeConsensus();
                receiptsRoot = ComputeOrderedRoot(receiptEncodings, static encoded => encoded);
            });
        return new BlockExecutionResult(
            included,
            receipts,
            dropped,
            gasUsed,
            bloom,
            stateRoot,
            transactionsRoot,
            receiptsRoot,
            hooks.NextValidatorSet,
            receiptEncodings);
    }

    /// <summary>The accounts the transactions read first, in order: fee recipient, then each sender and recipient.</summary>
    private List<Address> AccountsRead(BlockExecutionInput input)
    {
        var addresses = new List<Address>(2 * input.Transactions.Count + 1) { input.FeeRecipient };
        foreach (var tx in input.Transactions)
        {
            if (Senders.TryGetSender(tx, out var sender, out _)) addresses.Add(sender);
            if (tx.To is { } to) addresses.Add(to);
        }
        return addresses;
    }

    /// <summary>Runs independent deterministic computations in parallel; an exception surfaces as itself.</summary>
    private static void RunSideBySide(params Action[] actions)
    {
        try
        {
            Parallel.Invoke(actions);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    /// <summary>The ordered root of items whose encoding is already at hand (no copy per item).</summary>
    public static Hash256 ComputeOrderedRoot<T>(IReadOnlyList<T> items, Func<T, ReadOnlySpan<byte>> encoded)
    {
        var trie = new PatriciaTrie(new MemoryTrieNodeStore(), Hash256.EmptyTrieRoot);
        var key = new RlpWriter(16);
        for (var i = 0; i < items.Count; i++)
        {
            key.Reset();
            key.WriteUInt64((ulong)i);
            trie.Set(key.WrittenSpan, encoded(items[i]));
        }
        return trie.RootHash;
    }

    /// <summary>Ethereum's transactions/receipts root: a trie keyed by RLP(index).</summary>
    public static Hash256 ComputeOrderedRoot(IEnumerable<byte[]> items)
    {
        var trie = new PatriciaTrie(new MemoryTrieNodeStore(), Hash256.EmptyTrieRoot);
        var index = 0UL;
        var key = new RlpWriter(16);
        foreach (var item in items)
        {
            key.Reset();
            key.WriteUInt64(index++);
            trie.Set(key.WrittenSpan, item);
        }
        return trie.RootHash;
    }
}
