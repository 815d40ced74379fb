using System.Runtime.CompilerServices;
using System.Threading.Channels;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Rpc.Backend;

namespace OpenLedger.Rpc.Tests.Support;

/// <summary>
/// An in-memory chain for the RPC tests: three blocks (genesis; two transfers; a module call that logs and a
/// module call that reverted), a mempool, and block subscriptions. It applies only the few rules the tests
/// need to reach every RPC path; the real rules live in the node.
/// </summary>
public sealed class FakeNodeBackend : INodeBackend
{
    public const ulong Chain = 161200;
    public static readonly UInt128 Gwei = 1_000_000_000;
    public static readonly Address Alice = Address.Parse("0x1111111111111111111111111111111111111111");
    public static readonly Address Bob = Address.Parse("0x2222222222222222222222222222222222222222");
    public static readonly Address Staking = Address.FromUInt64(0x0a01);
    /// <summary>Asking for a proof of this address makes the fake throw an unexpected exception (internal errors).</summary>
    public static readonly Address Broken = Address.Parse("0x000000000000000000000000000000000000dEaD");
    public static readonly Address Proposer = Address.Parse("0x9999999999999999999999999999999999999999");
    public static readonly Hash256 DelegatedTopic = Keccak256.Hash("Delegated(address,address,uint256)"u8);
    public static readonly byte[] RevertSelector = [0xde, 0xad, 0xbe, 0xef];
    public const ulong GenesisTimeMs = 1_700_000_000_123;

    private readonly Lock _lock = new();
    private readonly List<ChainBlock> _blocks = [];
    private readonly List<IReadOnlyList<TransactionReceipt>> _receipts = [];
    private readonly Dictionary<Address, AccountState> _accounts = [];
    private readonly List<ChainTransaction> _pending = [];
    private readonly List<Channel<ChainBlock>> _subscribers = [];
    private readonly Queue<(TxRejectionReason Reason, string Detail)> _rejections = new();

    public FakeNodeBackend()
    {
        _accounts[Alice] = new AccountState(3, 100 * Wei.PerOpen, false);
        _accounts[Bob] = new AccountState(1, 50 * Wei.PerOpen, false);
        _accounts[Staking] = new AccountState(0, 10_000 * Wei.PerOpen, true);
        AppendBlock([], [], Gwei);

        TransferAliceToBob = FakeTransactionCodec.Seal(NewTransaction(2, Alice, Bob, 0, Wei.PerOpen) with
        {
            MaxFeePerGas = 2 * Gwei, MaxPriorityFeePerGas = Gwei,
        });
        TransferBobToAlice = FakeTransactionCodec.Seal(NewTransaction(0, Bob, Alice, 0, Wei.PerOpen / 2) with { GasPrice = 3 * Gwei });
        AppendBlock([TransferAliceToBob, TransferBobToAlice],
            [Receipt(TransferAliceToBob, true, 21_000, 2 * Gwei, []), Receipt(TransferBobToAlice, true, 21_000, 3 * Gwei, [])], Gwei);

        Delegate = FakeTransactionCodec.Seal(NewTransaction(1, Alice, Staking, 1, 5 * Wei.PerOpen) with
        {
            GasPrice = 2 * Gwei,
            Data = [0x5c, 0x19, 0xa9, 0x5c, .. new byte[32]],
            AccessList = [new AccessListEntry(Staking, [Hash256.Zero])],
        });
        FailedCall = FakeTransactionCodec.Seal(NewTransaction(2, Alice, Staking, 2, 0) with
        {
            MaxFeePerGas = 3 * Gwei, MaxPriorityFeePerGas = 2 * Gwei, Data = RevertSelector,
        });
        DelegatedLog = new LogEntry(Staking, [DelegatedTopic, Word(Alice), Word(Proposer)], Word(5 * Wei.PerOpen).ToArray());
        AppendBlock([Delegate, FailedCall],
        [
            Receipt(Delegate, true, 45_000, 2 * Gwei, [DelegatedLog]),
            Receipt(FailedCall, false, 30_000, Gwei * 875 / 1000 + 2 * Gwei, [], "stake below minimum"),
        ], Gwei * 875 / 1000);
    }

    public ChainTransaction TransferAliceToBob { get; }
    public ChainTransaction TransferBobToAlice { get; }
    public ChainTransaction Delegate { get; }
    public ChainTransaction FailedCall { get; }
    public LogEntry DelegatedLog { get; }

    public bool Syncing { get; set; }

    public UInt128 NextBaseFee { get; set; } = Gwei * 8 / 10;

    public ulong ChainId => Chain;

    public ulong HeadBlockNumber
    {
        get { lock (_lock) return (ulong)_blocks.Count - 1; }
    }

    public ulong FinalizedBlockNumber => HeadBlockNumber;

    public int PendingCount
    {
        get { lock (_lock) return _pending.Count; }
    }

    /// <summary>Makes the next submission fail with this reason (to exercise the error mapping).</summary>
    public void RejectNext(TxRejectionReason reason, string detail)
    {
        lock (_lock) _rejections.Enqueue((reason, detail));
    }

    /// <summary>Puts every pending transaction into a new block (all succeed) and notifies subscribers.</summary>
    public ChainBlock Mine()
    {
        ChainBlock block;
        Channel<ChainBlock>[] subscribers;
        lock (_lock)
        {
            var txs = _pending.ToList();
            _pending.Clear();
            var baseFee = NextBaseFee;
            var receipts = txs.Select(tx => Receipt(tx, true, 21_000, tx.GasPrice ?? baseFee + (tx.MaxPriorityFeePerGas ?? 0), [])).ToList();
            block = AppendBlock(txs, receipts, baseFee);
            subscribers = [.. _subscribers];
        }
        foreach (var subscriber in subscribers) subscriber.Writer.TryWrite(block);
        return block;
    }

    public int SubscriberCount
    {
        get { lock (_lock) return _subscribers.Count; }
    }

    public ChainBlock? GetBlock(ulong number)
    {
        lock (_lock) return number < (ulong)_blocks.Count ? _blocks[(int)number] : null;
    }

    public ChainBlock? GetBlock(Hash256 hash)
    {
        lock (_lock) return _blocks.FirstOrDefault(b => b.Hash == hash);
    }

    public IReadOnlyList<TransactionReceipt>? GetBlockReceipts(ulong number)
    {
        lock (_lock) return number < (ulong)_receipts.Count ? _receipts[(int)number] : null;
    }

    public TransactionLookup? GetTransaction(Hash256 hash)
    {
        lock (_lock)
        {
            if (Locate(hash) is { } found)
                return new TransactionLookup(found.Block.Transactions[found.Index], new TransactionLocation(found.Block.Number, found.Block.Hash, found.Index), found.Block.Header.BaseFeePerGas);
            var pending = _pending.FirstOrDefault(t => t.Hash == hash);
            return pending is null ? null : new TransactionLookup(pending, null, null);
        }
    }

    public ReceiptLookup? GetReceipt(Hash256 hash)
    {
        lock (_lock)
        {
            if (Locate(hash) is not { } found) return null;
            var receipts = _receipts[(int)found.Block.Number];
            var firstLog = receipts.Take(found.Index).Sum(r => r.Logs.Count);
            return new ReceiptLookup(receipts[found.Index], new TransactionLocation(found.Block.Number, found.Block.Hash, found.Index), firstLog);
        }
    }

    public AccountState GetAccount(Address address, ulong? blockNumber)
    {
        if (blockNumber is { } number)
            throw new NodeBackendException(BackendErrorKind.StateUnavailable,
                $"the state of block {number} is not kept: this node keeps only the latest state; query \"latest\"");
        lock (_lock) return _accounts.GetValueOrDefault(address) ?? new AccountState(0, 0, false);
    }

    public ulong GetPendingNonce(Address address)
    {
        lock (_lock)
        {
            var nonce = _accounts.GetValueOrDefault(address)?.Nonce ?? 0;
            return nonce + (ulong)_pending.Count(t => t.From == address);
        }
    }

    public ValueTask<SubmitResult> SubmitTransactionAsync(ReadOnlyMemory<byte> rawTransaction, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (Syncing) return ValueTask.FromResult(SubmitResult.Reject(TxRejectionReason.Syncing, "wait until the node has caught up"));
            if (_rejections.TryDequeue(out var forced)) return ValueTask.FromResult(SubmitResult.Reject(forced.Reason, forced.Detail));
            ChainTransaction tx;
            try
            {
                var decoded = Transaction.Decode(rawTransaction.Span);
                // The seeded test transactions carry made-up signatures; those show the zero address as sender.
                tx = ChainTransaction.FromCore(decoded, decoded.TryRecoverSender(out var sender, out _) ? sender : Address.Zero);
            }
            catch (FormatException e)
            {
                return ValueTask.FromResult(SubmitResult.Reject(TxRejectionReason.Malformed, e.Message));
            }
            if (tx.ChainId != Chain)
                return ValueTask.FromResult(SubmitResult.Reject(TxRejectionReason.WrongChainId,
                    $"transaction is signed for chain {tx.ChainId}, this chain is {Chain}", tx.Hash));
            if (_pending.Any(t => t.Hash == tx.Hash) || Locate(tx.Hash) is not null)
                return ValueTask.FromResult(SubmitResult.Reject(TxRejectionReason.AlreadyKnown, "", tx.Hash));
            _pending.Add(tx);
            return ValueTask.FromResult(SubmitResult.Accept(tx.Hash));
        }
    }

    public CallResult Call(CallRequest request, ulong? blockNumber)
    {
        if (request.To == Staking && request.Data.AsSpan().StartsWith(RevertSelector))
            return new CallResult(false, 25_000, ErrorString("stake below minimum"), "stake below minimum");
        var needed = 21_000UL + 16UL * (ulong)request.Data.Length;
        if (request.GasLimit is { } limit && limit < needed)
            return new CallResult(false, limit, [], $"out of gas: the call needs {needed} gas, the limit is {limit}");
        return new CallResult(true, needed, Keccak256.HashToArray(request.Data), null);
    }

    public CallResult EstimateGas(CallRequest request, ulong? blockNumber) => Call(request, blockNumber);

    public FeeSuggestion GetFeeSuggestion() => new(NextBaseFee, Gwei * 3 / 2);

    public IReadOnlyList<LogMatch> GetLogs(LogFilter filter)
    {
        var matches = new List<LogMatch>();
        lock (_lock)
        {
            for (var number = filter.FromBlock; number <= filter.ToBlock && number < (ulong)_blocks.Count; number++)
            {
                var block = _blocks[(int)number];
                var logIndex = 0;
                foreach (var receipt in _receipts[(int)number])
                {
                    foreach (var log in receipt.Logs)
                    {
                        if (filter.Matches(log))
                            matches.Add(new LogMatch(log, number, block.Hash, receipt.TransactionHash, receipt.TransactionIndex, logIndex));
                        logIndex++;
                    }
                }
            }
        }
        return matches;
    }

    public AccountProof GetProof(Address address, IReadOnlyList<Hash256> storageKeys, ulong? blockNumber)
    {
        if (address == Broken) throw new InvalidOperationException("the trie node store is corrupt");
        var account = GetAccount(address, blockNumber);
        var head = GetBlock(HeadBlockNumber)!;
        var node = new RlpWriter();
        var start = node.BeginList();
        node.WriteBytes(address.Bytes);
        node.WriteUInt64(account.Nonce);
        node.WriteUInt128(account.Balance);
        node.EndList(start);
        return new AccountProof(address, account.Balance, account.Nonce, Hash256.EmptyCodeHash, Hash256.EmptyTrieRoot,
            [node.ToArray()],
            storageKeys.Select(k => new StorageProof(k, [k.Bytes[31]], [k.ToArray()])).ToArray(),
            head.Number, head.Header.StateRoot);
    }

    public NodeStatus GetStatus()
    {
        var head = GetBlock(HeadBlockNumber)!;
        return new NodeStatus
        {
            ChainId = Chain,
            HeadNumber = head.Number,
            HeadHash = head.Hash,
            HeadTimestampMs = head.Header.TimestampMs,
            FinalizedNumber = head.Number,
            Syncing = Syncing,
            SyncStartingHeight = Syncing ? 1UL : 0UL,
            SyncTargetHeight = Syncing ? head.Number + 100 : head.Number,
            PeerCount = 2,
            NodeId = "12D3KooWPqT2nMDSiXUSx5D7fasaxhxKigVhcqfkKqrLghCq9jxz",
            ListenAddresses = ["/ip4/127.0.0.1/tcp/26656"],
            Version = "0.1.0-test",
        };
    }

    public IReadOnlyList<PeerInfo> GetPeers() =>
    [
        new("12D3KooWA", "/ip4/127.0.0.1/tcp/30001", true, 2),
        new("12D3KooWB", "/ip4/127.0.0.1/tcp/30002", false, 0),
    ];

    public async IAsyncEnumerable<ChainBlock> SubscribeBlocks([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<ChainBlock>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_lock) _subscribers.Add(channel);
        try
        {
            await foreach (var block in channel.Reader.ReadAllAsync(cancellationToken))
                yield return block;
        }
        finally
        {
            lock (_lock) _subscribers.Remove(channel);
        }
    }

    public string? GetModuleView(string module, string query, IReadOnlyDictionary<string, string> arguments) => (module, query) switch
    {
        ("staking", "validators") => $$"""
            {"validators":[{"operatorAddress":"{{Alice}}","consensusAddress":"{{Proposer}}","consensusPublicKey":"AgEC",
             "moniker":"alice-node","commissionBps":500,"selfBond":"10000000000000000000000",
             "bondedStake":"15000000000000000000000","active":true,"jailed":false,"missedBlocks":"2"}],
             "epoch":"1","nextEpochHeight":"20","totalBonded":"15000000000000000000000"}
            """,
        ("staking", "delegator") => arguments["address"] == Alice.ToString()
            ? $$"""{"address":"{{Alice}}","delegations":[{"validator":"{{Alice}}","amount":"5000000000000000000","pendingRewards":"7"}],"totalDelegated":"5000000000000000000","totalPendingRewards":"7"}"""
            : null,
        ("datanets", "datanet") => arguments["id"] == "1"
            ? $$"""{"id":"1","owner":"{{Bob}}","name":"medical-notes","metadataUri":"ipfs://meta","kind":"DATANET_KIND_TEXT","open":true,"contributionCount":"3","approvedCount":"2","currentVersion":"2","versions":[{"version":"1","root":"{{Hash256.EmptyTrieRoot}}","height":"1"}],"unknownFutureField":1}"""
            : null,
        ("datanets", "contribution") => arguments["id"] == "1"
            ? $$"""{"id":"1","datanetId":"1","contributor":"{{Alice}}","contentHash":"{{DelegatedTopic}}","sizeBytes":"1024","uri":"ipfs://c1","status":"CONTRIBUTION_STATUS_APPROVED","qualityScore":90,"bond":"1000000000000000000"}"""
            : null,
        ("models", "model") => arguments["id"] switch
        {
            "1" => $$"""{"id":"1","owner":"{{Alice}}","name":"summarizer","tier":1,"datanetIds":["1"],"trainingWeightsBps":[10000],"priceInPerK":"1000","priceOutPerK":"2000","stake":"10000000000000000000000","feesInFlight":"0"}""",
            "99" => "{\"id\": \"not a number\"}",
            _ => null,
        },
        ("models", "inference") => arguments["id"] == "1"
            ? $$"""{"id":"1","modelId":"1","requester":"{{Bob}}","maxFee":"5000000000000000","status":"INFERENCE_STATUS_SETTLED","fee":"3000000000000000","inputTokens":100,"outputTokens":200,"platformFee":"1000000000000000","stakerShare":"200000000000000","dust":"0","payouts":[{"recipient":"{{Alice}}","amount":"1800000000000000","role":"PAYOUT_ROLE_CONTRIBUTOR"}]}"""
            : null,
        ("rewards", "rewards") => arguments["address"] == Alice.ToString()
            ? $$"""{"address":"{{Alice}}","claimable":"123","locked":"45","earnedAsContributor":"100","earnedAsModelOwner":"68","stakingRewards":"7"}"""
            : null,
        _ => throw new NodeBackendException(BackendErrorKind.InvalidArgument, $"unknown module view {module}/{query}"),
    };

    private (ChainBlock Block, int Index)? Locate(Hash256 hash)
    {
        foreach (var block in _blocks)
        {
            for (var i = 0; i < block.Transactions.Count; i++)
                if (block.Transactions[i].Hash == hash) return (block, i);
        }
        return null;
    }

    private ChainBlock AppendBlock(List<ChainTransaction> txs, List<TransactionReceipt> receipts, UInt128 baseFee)
    {
        var number = (ulong)_blocks.Count;
        var bloom = new Bloom();
        ulong cumulative = 0;
        var indexed = new List<TransactionReceipt>();
        for (var i = 0; i < receipts.Count; i++)
        {
            cumulative += receipts[i].GasUsed;
            bloom.Merge(receipts[i].Bloom);
            indexed.Add(receipts[i] with { TransactionIndex = i, CumulativeGasUsed = cumulative });
        }
        foreach (var tx in txs)
        {
            var account = _accounts.GetValueOrDefault(tx.From) ?? new AccountState(0, 0, false);
            if (tx.From != Address.Zero && number > 2) _accounts[tx.From] = account with { Nonce = account.Nonce + 1 };
        }
        var header = new BlockHeader
        {
            ParentHash = number == 0 ? Hash256.Zero : _blocks[^1].Hash,
            Number = number,
            TimestampMs = GenesisTimeMs + number * 500,
            Proposer = Proposer,
            StateRoot = Keccak256.Hash(BitConverter.GetBytes(number)),
            TransactionsRoot = txs.Count == 0 ? Hash256.EmptyTrieRoot : Keccak256.Hash(txs.SelectMany(t => t.Hash.ToArray()).ToArray()),
            ReceiptsRoot = txs.Count == 0 ? Hash256.EmptyTrieRoot : Keccak256.Hash(indexed.SelectMany(r => r.EncodeConsensus()).ToArray()),
            LogsBloom = bloom,
            GasUsed = cumulative,
            GasLimit = 60_000_000,
            BaseFeePerGas = baseFee,
            ValidatorSetHash = Hash256.Zero,
            NextValidatorSetHash = Hash256.Zero,
            LastCommitHash = Hash256.Zero,
            EvidenceHash = Hash256.EmptyTrieRoot,
        };
        var size = (ulong)(header.Encode().Length + txs.Sum(t => t.Encoded.Length));
        var block = new ChainBlock(header, txs, size);
        _blocks.Add(block);
        _receipts.Add(indexed);
        return block;
    }

    private static ChainTransaction NewTransaction(byte type, Address from, Address to, ulong nonce, UInt128 value) => new()
    {
        Hash = Hash256.Zero,
        Type = type,
        ChainId = Chain,
        Nonce = nonce,
        From = from,
        To = to,
        Value = value,
        GasLimit = 100_000,
        Data = [],
        YParity = 1,
        R = Enumerable.Repeat((byte)0x11, 32).ToArray(),
        S = [0x00, .. Enumerable.Repeat((byte)0x22, 31)],
        Encoded = [],
    };

    private static TransactionReceipt Receipt(ChainTransaction tx, bool success, ulong gasUsed, UInt128 price, List<LogEntry> logs, string? reason = null)
    {
        var bloom = new Bloom();
        foreach (var log in logs) bloom.Add(log);
        return new TransactionReceipt
        {
            TxType = tx.Type,
            Success = success,
            CumulativeGasUsed = 0,
            Bloom = bloom,
            Logs = logs,
            TransactionHash = tx.Hash,
            TransactionIndex = 0,
            From = tx.From,
            To = tx.To,
            GasUsed = gasUsed,
            EffectiveGasPrice = price,
            RevertReason = reason,
            ReturnData = reason is null ? [] : ErrorString(reason),
        };
    }

    /// <summary>ABI encoding of Error(string).</summary>
    public static byte[] ErrorString(string reason)
    {
        var text = System.Text.Encoding.UTF8.GetBytes(reason);
        var padded = (text.Length + 31) / 32 * 32;
        var data = new byte[4 + 32 + 32 + padded];
        new byte[] { 0x08, 0xc3, 0x79, 0xa0 }.CopyTo(data, 0);
        data[4 + 31] = 0x20;
        data[4 + 32 + 31] = (byte)text.Length;
        text.CopyTo(data, 4 + 64);
        return data;
    }

    public static Hash256 Word(Address address)
    {
        var word = new byte[32];
        address.Bytes.CopyTo(word.AsSpan(12));
        return new Hash256(word);
    }

    public static Hash256 Word(UInt128 value)
    {
        var word = new byte[32];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(word.AsSpan(16), value);
        return new Hash256(word);
    }
}
