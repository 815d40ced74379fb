using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;
using OpenLedger.Rpc.Backend;
using static OpenLedger.Rpc.JsonRpc.EthJsonFormatter;

namespace OpenLedger.Rpc.JsonRpc;

/// <summary>
/// The Ethereum JSON-RPC methods (SPEC §8). Each one parses its positional parameters, asks the backend and
/// formats the answer; none of them applies a chain rule.
/// </summary>
public sealed class EthJsonRpcMethods
{
    private delegate ValueTask<JsonNode?> Method(EthParams parameters, CancellationToken cancellationToken);

    private readonly INodeBackend _backend;
    private readonly RpcOptions _options;
    private readonly Dictionary<string, Method> _methods;

    public EthJsonRpcMethods(INodeBackend backend, RpcOptions options)
    {
        _backend = backend;
        _options = options;
        _methods = new Dictionary<string, Method>(StringComparer.Ordinal)
        {
            ["web3_clientVersion"] = NoParams(() => "openledger/v" + _backend.GetStatus().Version + "/dotnet"),
            ["net_version"] = NoParams(() => _backend.ChainId.ToString(CultureInfo.InvariantCulture)),
            ["net_listening"] = NoParams(() => true),
            ["net_peerCount"] = NoParams(() => Quantity((ulong)_backend.GetStatus().PeerCount)),
            ["eth_chainId"] = NoParams(() => Quantity(_backend.ChainId)),
            ["eth_blockNumber"] = NoParams(() => Quantity(_backend.HeadBlockNumber)),
            ["eth_accounts"] = NoParams(() => new JsonArray()),
            ["eth_syncing"] = NoParams(() => Syncing()),
            ["eth_getBalance"] = Sync(GetBalance),
            ["eth_getTransactionCount"] = Sync(GetTransactionCount),
            ["eth_getCode"] = Sync(GetCode),
            ["eth_gasPrice"] = NoParams(() => GasPrice()),
            ["eth_maxPriorityFeePerGas"] = NoParams(() => Quantity(_backend.GetFeeSuggestion().SuggestedPriorityFee)),
            ["eth_feeHistory"] = Sync(FeeHistory),
            ["eth_call"] = Sync(Call),
            ["eth_estimateGas"] = Sync(EstimateGas),
            [SendRawTransactionMethod] = SendRawTransaction,
            ["eth_getTransactionByHash"] = Sync(GetTransactionByHash),
            ["eth_getTransactionReceipt"] = Sync(GetTransactionReceipt),
            ["eth_getBlockByNumber"] = Sync(GetBlockByNumber),
            ["eth_getBlockByHash"] = Sync(GetBlockByHash),
            ["eth_getLogs"] = Sync(GetLogs),
            ["eth_getProof"] = Sync(GetProof),
        };
    }

    public IReadOnlyCollection<string> MethodNames => _methods.Keys;

    public bool Exists(string method) => _methods.ContainsKey(method);

    /// <summary>Runs a method; throws <see cref="JsonRpcException"/> or <see cref="NodeBackendException"/> on failure.</summary>
    public ValueTask<JsonNode?> InvokeAsync(string method, EthParams parameters, CancellationToken cancellationToken)
    {
        if (!_methods.TryGetValue(method, out var handler))
            throw new JsonRpcException(JsonRpcErrorCodes.MethodNotFound, $"the method {method} does not exist/is not available");
        return handler(parameters, cancellationToken);
    }

    private static Method Sync(Func<EthParams, JsonNode?> body) => (parameters, _) => ValueTask.FromResult(body(parameters));

    private static Method NoParams(Func<JsonNode?> body) => (parameters, _) =>
    {
        parameters.ExpectAtMost(0);
        return ValueTask.FromResult(body());
    };

    private JsonNode Syncing()
    {
        var status = _backend.GetStatus();
        if (!status.Syncing) return false;
        return new JsonObject
        {
            ["startingBlock"] = Quantity(status.SyncStartingHeight),
            ["currentBlock"] = Quantity(status.HeadNumber),
            ["highestBlock"] = Quantity(Math.Max(status.SyncTargetHeight, status.HeadNumber)),
        };
    }

    private JsonNode GetBalance(EthParams p)
    {
        p.ExpectAtMost(2);
        var address = p.Address(0);
        return Quantity(_backend.GetAccount(address, StateBlock(p.Block(1, BlockSpec.Latest), 1)).Balance);
    }

    private JsonNode GetTransactionCount(EthParams p)
    {
        p.ExpectAtMost(2);
        var address = p.Address(0);
        var block = p.Block(1, BlockSpec.Latest);
        if (block.Kind == BlockSpecKind.Pending) return Quantity(_backend.GetPendingNonce(address));
        return Quantity(_backend.GetAccount(address, StateBlock(block, 1)).Nonce);
    }

    /// <summary>Accounts have no code; modules answer with a single INVALID opcode so tools treat them as contracts.</summary>
    private JsonNode GetCode(EthParams p)
    {
        p.ExpectAtMost(2);
        var address = p.Address(0);
        return _backend.GetAccount(address, StateBlock(p.Block(1, BlockSpec.Latest), 1)).IsModule ? "0xfe" : "0x";
    }

    private JsonNode GasPrice()
    {
        var fees = _backend.GetFeeSuggestion();
        return Quantity(fees.NextBaseFee + fees.SuggestedPriorityFee);
    }

    private JsonNode FeeHistory(EthParams p)
    {
        p.ExpectAtMost(3);
        var requested = ParseBlockCount(p.Required(0));
        var newestSpec = p.Block(1, BlockSpec.Latest);
        var percentiles = p.Has(2) ? ParsePercentiles(p.Required(2)) : null;
        var head = _backend.HeadBlockNumber;
        var newest = ResolveNumber(newestSpec, 1);
        var count = (ulong)Math.Min(requested, (ulong)_options.MaxFeeHistoryBlocks);
        count = Math.Min(count, newest + 1);
        var oldest = newest + 1 - count;

        var baseFees = new JsonArray();
        var ratios = new JsonArray();
        var rewards = new JsonArray();
        for (var number = oldest; number <= newest && count > 0; number++)
        {
            var block = _backend.GetBlock(number)
                ?? throw new JsonRpcException(JsonRpcErrorCodes.ServerError, $"block {number} is not available");
            var header = block.Header;
            baseFees.Add(Quantity(header.BaseFeePerGas));
            ratios.Add(header.GasLimit == 0 ? 0.0 : (double)header.GasUsed / header.GasLimit);
            if (percentiles is not null) rewards.Add(BlockRewards(block, percentiles));
        }
        var next = newest >= head ? _backend.GetFeeSuggestion().NextBaseFee
            : (_backend.GetBlock(newest + 1)?.Header.BaseFeePerGas ?? _backend.GetFeeSuggestion().NextBaseFee);
        if (count > 0) baseFees.Add(Quantity(next));

        var result = new JsonObject
        {
            ["oldestBlock"] = Quantity(count == 0 ? newest : oldest),
            ["baseFeePerGas"] = baseFees,
            ["gasUsedRatio"] = ratios,
        };
        if (percentiles is not null) result["reward"] = rewards;
        return result;
    }

    /// <summary>
    /// The tips paid at each percentile of the block's gas, as go-ethereum computes them: transactions sorted
    /// by tip, weighted by the gas they used. Tips come from the receipts' effective gas price.
    /// </summary>
    private JsonArray BlockRewards(ChainBlock block, double[] percentiles)
    {
        var rewards = new JsonArray();
        var receipts = _backend.GetBlockReceipts(block.Number) ?? [];
        if (receipts.Count == 0 || block.Header.GasUsed == 0)
        {
            foreach (var _ in percentiles) rewards.Add("0x0");
            return rewards;
        }
        var baseFee = block.Header.BaseFeePerGas;
        var sorted = receipts
            .Select(r => (Tip: r.EffectiveGasPrice > baseFee ? r.EffectiveGasPrice - baseFee : UInt128.Zero, Gas: r.GasUsed))
            .OrderBy(t => t.Tip)
            .ToArray();
        var index = 0;
        var cumulative = sorted[0].Gas;
        foreach (var percentile in percentiles)
        {
            var threshold = (ulong)(block.Header.GasUsed * percentile / 100);
            while (cumulative < threshold && index < sorted.Length - 1)
            {
                index++;
                cumulative += sorted[index].Gas;
            }
            rewards.Add(Quantity(sorted[index].Tip));
        }
        return rewards;
    }

    private static ulong ParseBlockCount(JsonElement element)
    {
        ulong count;
        if (element.ValueKind == JsonValueKind.Number)
        {
            if (!element.TryGetUInt64(out count)) throw JsonRpcException.InvalidArgument(0, "block count must be a whole number");
        }
        else if (element.ValueKind == JsonValueKind.String && element.GetString()!.StartsWith("0x", StringComparison.Ordinal))
        {
            count = EthParams.ParseUInt64(element, 0);
        }
        else if (element.ValueKind == JsonValueKind.String && ulong.TryParse(element.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            count = parsed;
        }
        else
        {
            throw JsonRpcException.InvalidArgument(0, $"block count must be a number or 0x-hex quantity, got {element.GetRawText()}");
        }
        if (count == 0) throw JsonRpcException.InvalidArgument(0, "block count must be at least 1");
        return count;
    }

    private static double[] ParsePercentiles(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array) throw JsonRpcException.InvalidArgument(2, "reward percentiles must be an array of numbers");
        var values = new List<double>();
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetDouble(out var value) || value < 0 || value > 100)
                throw JsonRpcException.InvalidArgument(2, $"invalid reward percentile {item.GetRawText()}: must be a number from 0 to 100");
            if (values.Count > 0 && value < values[^1])
                throw JsonRpcException.InvalidArgument(2, $"invalid reward percentile {item.GetRawText()}: percentiles must be in increasing order");
            values.Add(value);
        }
        if (values.Count > 100) throw JsonRpcException.InvalidArgument(2, "at most 100 reward percentiles");
        return [.. values];
    }

    private JsonNode Call(EthParams p)
    {
        p.ExpectAtMost(3);
        var request = ParseCallObject(p.Required(0));
        var result = _backend.Call(request, StateBlock(p.Block(1, BlockSpec.Latest), 1));
        if (!result.Success) throw CallFailed(result);
        return Hex.Encode(result.ReturnData);
    }

    private JsonNode EstimateGas(EthParams p)
    {
        p.ExpectAtMost(3);
        var request = ParseCallObject(p.Required(0));
        var result = _backend.EstimateGas(request, StateBlock(p.Block(1, BlockSpec.Latest), 1));
        if (!result.Success) throw CallFailed(result);
        return Quantity(result.GasUsed);
    }

    /// <summary>
    /// go-ethereum: a revert is code 3 "execution reverted: reason" with the revert bytes as data (ethers decodes
    /// them); any other failure (out of gas, insufficient funds) is -32000 with the reason.
    /// </summary>
    private static JsonRpcException CallFailed(CallResult result)
    {
        if (result.ReturnData.Length > 0 || result.RevertReason is null)
        {
            var reason = result.RevertReason ?? Formatting.RevertReasons.TryDecode(result.ReturnData);
            var message = string.IsNullOrEmpty(reason) ? "execution reverted" : "execution reverted: " + reason;
            return new JsonRpcException(JsonRpcErrorCodes.ExecutionReverted, message, Hex.Encode(result.ReturnData));
        }
        return new JsonRpcException(JsonRpcErrorCodes.ServerError, result.RevertReason);
    }

    private static CallRequest ParseCallObject(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw JsonRpcException.InvalidArgument(0, "expected a call object {from, to, gas, gasPrice, value, data}");
        Address? Addr(string name) => element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? EthParams.ParseAddress(v, 0) : null;
        UInt128? Amount(string name) => element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? EthParams.ParseUInt128(v, 0) : null;
        byte[]? Bytes(string name) => element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? EthParams.ParseData(v, 0) : null;

        var data = Bytes("data");
        var input = Bytes("input");
        if (data is not null && input is not null && !data.AsSpan().SequenceEqual(input))
            throw JsonRpcException.InvalidArgument(0, "both \"data\" and \"input\" are set and not equal. Please use \"input\" to pass transaction call data");
        ulong? gas = element.TryGetProperty("gas", out var g) && g.ValueKind != JsonValueKind.Null ? EthParams.ParseUInt64(g, 0) : null;
        if (Amount("gasPrice") is not null && (Amount("maxFeePerGas") is not null || Amount("maxPriorityFeePerGas") is not null))
            throw JsonRpcException.InvalidArgument(0, "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified");
        return new CallRequest
        {
            From = Addr("from"),
            To = Addr("to"),
            Value = Amount("value") ?? 0,
            Data = input ?? data ?? [],
            GasLimit = gas,
            GasPrice = Amount("gasPrice"),
            MaxFeePerGas = Amount("maxFeePerGas"),
            MaxPriorityFeePerGas = Amount("maxPriorityFeePerGas"),
            AccessList = ParseAccessList(element),
        };
    }

    private static List<AccessListEntry> ParseAccessList(JsonElement call)
    {
        if (!call.TryGetProperty("accessList", out var list) || list.ValueKind == JsonValueKind.Null) return [];
        if (list.ValueKind != JsonValueKind.Array)
            throw JsonRpcException.InvalidArgument(0, "accessList must be an array of {address, storageKeys}");
        var entries = new List<AccessListEntry>();
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("address", out var address))
                throw JsonRpcException.InvalidArgument(0, "accessList items must be objects {address, storageKeys}");
            var keys = item.TryGetProperty("storageKeys", out var k) && k.ValueKind == JsonValueKind.Array
                ? k.EnumerateArray().Select(key => EthParams.ParseHash(key, 0)).ToList()
                : new List<Hash256>();
            entries.Add(new AccessListEntry(EthParams.ParseAddress(address, 0), keys));
        }
        return entries;
    }

    private async ValueTask<JsonNode?> SendRawTransaction(EthParams p, CancellationToken cancellationToken)
    {
        var raw = RawTransactionArgument(p);
        return SubmitAnswer(await _backend.SubmitTransactionAsync(raw, cancellationToken));
    }

    public const string SendRawTransactionMethod = "eth_sendRawTransaction";

    /// <summary>The signed transaction bytes of an eth_sendRawTransaction request; <see cref="JsonRpcException"/> when they are not usable.</summary>
    public static byte[] RawTransactionArgument(EthParams p)
    {
        p.ExpectAtMost(1);
        var raw = p.Data(0);
        if (raw.Length == 0) throw JsonRpcException.InvalidArgument(0, "empty transaction: expected the signed transaction bytes");
        return raw;
    }

    /// <summary>
    /// Admits the transactions of several eth_sendRawTransaction requests as one batch (the backend recovers their
    /// senders in parallel and admits them in order): one result per transaction, in the order given.
    /// </summary>
    public ValueTask<IReadOnlyList<SubmitResult>> SubmitRawTransactionsAsync(IReadOnlyList<ReadOnlyMemory<byte>> rawTransactions, CancellationToken cancellationToken) =>
        _backend.SubmitTransactionsAsync(rawTransactions, cancellationToken);

    /// <summary>eth_sendRawTransaction's answer to an admission result: the hash, or <see cref="JsonRpcException"/> with go-ethereum's text.</summary>
    public static JsonNode SubmitAnswer(SubmitResult result)
    {
        if (!result.Accepted) throw new JsonRpcException(JsonRpcErrorCodes.ServerError, TxRejections.FullMessage(result));
        return result.Hash?.ToString() ?? throw new InvalidOperationException("the backend accepted a transaction without a hash");
    }

    private JsonNode? GetTransactionByHash(EthParams p)
    {
        p.ExpectAtMost(1);
        var found = _backend.GetTransaction(p.Hash(0));
        return found is null ? null : Transaction(found.Transaction, found.Location, found.BlockBaseFee);
    }

    private JsonNode? GetTransactionReceipt(EthParams p)
    {
        p.ExpectAtMost(1);
        var found = _backend.GetReceipt(p.Hash(0));
        return found is null ? null : Receipt(found);
    }

    private JsonNode? GetBlockByNumber(EthParams p)
    {
        p.ExpectAtMost(2);
        var spec = EthParams.ParseBlock(p.Required(0), 0);
        var full = p.Bool(1, false);
        var number = spec.Kind switch
        {
            BlockSpecKind.Latest or BlockSpecKind.Pending => _backend.HeadBlockNumber,
            BlockSpecKind.Safe or BlockSpecKind.Finalized => _backend.FinalizedBlockNumber,
            BlockSpecKind.Earliest => 0UL,
            BlockSpecKind.Number => spec.Number,
            _ => throw JsonRpcException.InvalidArgument(0, "eth_getBlockByNumber takes a number or tag; use eth_getBlockByHash for hashes"),
        };
        var block = number > _backend.HeadBlockNumber ? null : _backend.GetBlock(number);
        return block is null ? null : Block(block, full);
    }

    private JsonNode? GetBlockByHash(EthParams p)
    {
        p.ExpectAtMost(2);
        var block = _backend.GetBlock(p.Hash(0));
        return block is null ? null : Block(block, p.Bool(1, false));
    }

    private JsonNode GetLogs(EthParams p)
    {
        p.ExpectAtMost(1);
        var filter = p.Required(0);
        if (filter.ValueKind != JsonValueKind.Object)
            throw JsonRpcException.InvalidArgument(0, "expected a filter object {fromBlock, toBlock, address, topics} or {blockHash, address, topics}");
        var head = _backend.HeadBlockNumber;
        ulong from, to;
        if (filter.TryGetProperty("blockHash", out var hashElement) && hashElement.ValueKind != JsonValueKind.Null)
        {
            if (HasValue(filter, "fromBlock") || HasValue(filter, "toBlock"))
                throw JsonRpcException.InvalidParams("invalid argument 0: cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other");
            var block = _backend.GetBlock(EthParams.ParseHash(hashElement, 0))
                ?? throw new JsonRpcException(JsonRpcErrorCodes.ServerError, "unknown block");
            from = to = block.Number;
        }
        else
        {
            from = FilterBound(filter, "fromBlock", head);
            to = FilterBound(filter, "toBlock", head);
            if (from > to) throw JsonRpcException.InvalidParams("invalid block range params: fromBlock is after toBlock");
            if (from > head) return new JsonArray();
            to = Math.Min(to, head);
            if (to - from + 1 > _options.MaxLogsBlockRange)
                throw new JsonRpcException(JsonRpcErrorCodes.LimitExceeded,
                    $"query exceeds max block range {_options.MaxLogsBlockRange}: ask for blocks {from}..{to} in smaller ranges");
        }
        var logFilter = new LogFilter(from, to, ParseAddresses(filter), ParseTopics(filter));
        var matches = _backend.GetLogs(logFilter);
        if (matches.Count > _options.MaxLogsResults)
            throw new JsonRpcException(JsonRpcErrorCodes.LimitExceeded,
                $"query returned more than {_options.MaxLogsResults} results: narrow the block range or the addresses/topics");
        var result = new JsonArray();
        foreach (var match in matches) result.Add(Log(match));
        return result;
    }

    private static bool HasValue(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    private ulong FilterBound(JsonElement filter, string name, ulong head)
    {
        if (!HasValue(filter, name)) return head;
        var spec = EthParams.ParseBlock(filter.GetProperty(name), 0);
        return spec.Kind switch
        {
            BlockSpecKind.Latest or BlockSpecKind.Pending => head,
            BlockSpecKind.Safe or BlockSpecKind.Finalized => _backend.FinalizedBlockNumber,
            BlockSpecKind.Earliest => 0,
            BlockSpecKind.Number => spec.Number,
            _ => throw JsonRpcException.InvalidArgument(0, $"{name} must be a block number or tag; use blockHash for a hash"),
        };
    }

    private static IReadOnlyList<Address> ParseAddresses(JsonElement filter)
    {
        if (!filter.TryGetProperty("address", out var element) || element.ValueKind == JsonValueKind.Null) return [];
        if (element.ValueKind == JsonValueKind.String) return [EthParams.ParseAddress(element, 0)];
        if (element.ValueKind != JsonValueKind.Array) throw JsonRpcException.InvalidArgument(0, "address must be an address or an array of addresses");
        return element.EnumerateArray().Select(a => EthParams.ParseAddress(a, 0)).ToArray();
    }

    private static IReadOnlyList<IReadOnlyList<Hash256>?> ParseTopics(JsonElement filter)
    {
        if (!filter.TryGetProperty("topics", out var element) || element.ValueKind == JsonValueKind.Null) return [];
        if (element.ValueKind != JsonValueKind.Array) throw JsonRpcException.InvalidArgument(0, "topics must be an array");
        var topics = new List<IReadOnlyList<Hash256>?>();
        foreach (var position in element.EnumerateArray())
        {
            topics.Add(position.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => [EthParams.ParseHash(position, 0)],
                JsonValueKind.Array => position.EnumerateArray().Select(t => EthParams.ParseHash(t, 0)).ToArray(),
                _ => throw JsonRpcException.InvalidArgument(0, "each topic must be null, a hash, or an array of hashes"),
            });
        }
        if (topics.Count > 4) throw JsonRpcException.InvalidArgument(0, "too many topics: a log has at most 4");
        return topics;
    }

    private JsonNode GetProof(EthParams p)
    {
        p.ExpectAtMost(3);
        var address = p.Address(0);
        var keysElement = p.Required(1);
        if (keysElement.ValueKind != JsonValueKind.Array) throw JsonRpcException.InvalidArgument(1, "storage keys must be an array of 32-byte hex values");
        var keys = new List<Hash256>();
        foreach (var key in keysElement.EnumerateArray())
        {
            var bytes = EthParams.ParseData(key, 1);
            if (bytes.Length > 32) throw JsonRpcException.InvalidArgument(1, $"storage key is {bytes.Length} bytes, at most 32");
            var padded = new byte[32];
            bytes.CopyTo(padded, 32 - bytes.Length);
            keys.Add(new Hash256(padded));
        }
        var proof = _backend.GetProof(address, keys, StateBlock(p.Block(2, BlockSpec.Latest), 2));
        var storage = new JsonArray();
        foreach (var slot in proof.StorageProofs)
        {
            storage.Add(new JsonObject
            {
                ["key"] = slot.Key.ToString(),
                ["value"] = Quantity(slot.Value),
                ["proof"] = Nodes(slot.Proof),
            });
        }
        return new JsonObject
        {
            ["address"] = proof.Address.ToString(),
            ["accountProof"] = Nodes(proof.AccountProofNodes),
            ["balance"] = Quantity(proof.Balance),
            ["codeHash"] = proof.CodeHash.ToString(),
            ["nonce"] = Quantity(proof.Nonce),
            ["storageHash"] = proof.StorageHash.ToString(),
            ["storageProof"] = storage,
        };
    }

    private static JsonArray Nodes(IReadOnlyList<byte[]> nodes)
    {
        var array = new JsonArray();
        foreach (var node in nodes) array.Add(Hex.Encode(node));
        return array;
    }

    /// <summary>A block for a state query as a number; go-ethereum says "header not found" for future blocks.</summary>
    private ulong ResolveNumber(BlockSpec spec, int index)
    {
        var head = _backend.HeadBlockNumber;
        switch (spec.Kind)
        {
            case BlockSpecKind.Latest:
            case BlockSpecKind.Pending:
                return head;
            case BlockSpecKind.Safe:
            case BlockSpecKind.Finalized:
                return _backend.FinalizedBlockNumber;
            case BlockSpecKind.Earliest:
                return 0;
            case BlockSpecKind.Number:
                if (spec.Number > head)
                    throw new JsonRpcException(JsonRpcErrorCodes.ServerError, $"header not found: block {spec.Number} is above the head {head}");
                return spec.Number;
            case BlockSpecKind.Hash:
                return (_backend.GetBlock(spec.Hash)
                    ?? throw new JsonRpcException(JsonRpcErrorCodes.ServerError, $"header for hash {spec.Hash} not found")).Number;
            default:
                throw JsonRpcException.InvalidArgument(index, $"unknown block {spec}");
        }
    }

    /// <summary>The backend's block argument: null for the head (every backend has the latest state).</summary>
    private ulong? StateBlock(BlockSpec spec, int index)
    {
        var number = ResolveNumber(spec, index);
        return number == _backend.HeadBlockNumber ? null : number;
    }
}
