using System.Numerics;
using System.Text.Json.Nodes;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;
using OpenLedger.Rpc.Backend;

namespace OpenLedger.Rpc.JsonRpc;

/// <summary>
/// Ethereum JSON-RPC objects exactly as go-ethereum prints them and ethers.js v6 parses them: quantities are
/// 0x-hex without leading zeros, data is 0x-hex, addresses are EIP-55, header timestamps are seconds
/// (OpenLedger headers keep milliseconds), and the proof-of-work fields have their post-merge constants.
/// </summary>
public static class EthJsonFormatter
{
    /// <summary>keccak256(RLP([])): the uncles hash of a block without uncles.</summary>
    public const string EmptyUnclesHash = "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347";

    public static JsonObject Block(ChainBlock block, bool fullTransactions)
    {
        var header = block.Header;
        var transactions = new JsonArray();
        for (var i = 0; i < block.Transactions.Count; i++)
        {
            var tx = block.Transactions[i];
            transactions.Add(fullTransactions
                ? Transaction(tx, new TransactionLocation(header.Number, block.Hash, i), header.BaseFeePerGas)
                : JsonValue.Create(tx.Hash.ToString()));
        }
        return new JsonObject
        {
            ["number"] = Quantity(header.Number),
            ["hash"] = block.Hash.ToString(),
            ["parentHash"] = header.ParentHash.ToString(),
            ["nonce"] = "0x0000000000000000",
            ["sha3Uncles"] = EmptyUnclesHash,
            ["logsBloom"] = Hex.Encode(header.LogsBloom.Bytes),
            ["transactionsRoot"] = header.TransactionsRoot.ToString(),
            ["stateRoot"] = header.StateRoot.ToString(),
            ["receiptsRoot"] = header.ReceiptsRoot.ToString(),
            ["miner"] = header.Proposer.ToString(),
            ["difficulty"] = "0x0",
            ["totalDifficulty"] = "0x0",
            ["extraData"] = "0x",
            ["size"] = Quantity(block.SizeBytes),
            ["gasLimit"] = Quantity(header.GasLimit),
            ["gasUsed"] = Quantity(header.GasUsed),
            ["timestamp"] = Quantity(header.TimestampMs / 1000),
            ["baseFeePerGas"] = Quantity(header.BaseFeePerGas),
            ["mixHash"] = Hash256.Zero.ToString(),
            ["transactions"] = transactions,
            ["uncles"] = new JsonArray(),
        };
    }

    /// <summary>A transaction; <paramref name="location"/> null means pending (block fields are null).</summary>
    public static JsonObject Transaction(ChainTransaction tx, TransactionLocation? location, UInt128? blockBaseFee)
    {
        var json = new JsonObject
        {
            ["blockHash"] = location?.BlockHash.ToString(),
            ["blockNumber"] = location is null ? null : Quantity(location.BlockNumber),
            ["from"] = tx.From.ToString(),
            ["gas"] = Quantity(tx.GasLimit),
            ["gasPrice"] = Quantity(GasPriceShown(tx, blockBaseFee)),
        };
        if (tx.Type == 2)
        {
            json["maxFeePerGas"] = Quantity(tx.MaxFeePerGas ?? 0);
            json["maxPriorityFeePerGas"] = Quantity(tx.MaxPriorityFeePerGas ?? 0);
        }
        json["hash"] = tx.Hash.ToString();
        json["input"] = Hex.Encode(tx.Data);
        json["nonce"] = Quantity(tx.Nonce);
        json["to"] = tx.To?.ToString();
        json["transactionIndex"] = location is null ? null : Quantity((ulong)location.Index);
        json["value"] = Quantity(tx.Value);
        json["type"] = Quantity(tx.Type);
        if (tx.Type != 0) json["accessList"] = AccessList(tx.AccessList);
        json["chainId"] = Quantity(tx.ChainId);
        json["v"] = tx.Type == 0 ? Quantity(tx.ChainId * 2 + 35 + tx.YParity) : Quantity(tx.YParity);
        json["r"] = Quantity(tx.R);
        json["s"] = Quantity(tx.S);
        if (tx.Type != 0) json["yParity"] = Quantity(tx.YParity);
        return json;
    }

    /// <summary>
    /// go-ethereum shows the price actually paid for a mined EIP-1559 transaction (EIP-1559's definition:
    /// base fee plus the tip, capped by the fee cap) and the fee cap while it is pending.
    /// </summary>
    private static UInt128 GasPriceShown(ChainTransaction tx, UInt128? blockBaseFee)
    {
        if (tx.Type != 2) return tx.GasPrice ?? 0;
        var cap = tx.MaxFeePerGas ?? 0;
        if (blockBaseFee is not { } baseFee) return cap;
        var tip = tx.MaxPriorityFeePerGas ?? 0;
        return tip >= cap || baseFee >= cap - tip ? cap : baseFee + tip;
    }

    public static JsonArray AccessList(IReadOnlyList<AccessListEntry> entries)
    {
        var list = new JsonArray();
        foreach (var entry in entries)
        {
            var keys = new JsonArray();
            foreach (var key in entry.StorageKeys) keys.Add(key.ToString());
            list.Add(new JsonObject { ["address"] = entry.Address.ToString(), ["storageKeys"] = keys });
        }
        return list;
    }

    public static JsonObject Receipt(ReceiptLookup lookup)
    {
        var receipt = lookup.Receipt;
        var location = lookup.Location;
        var logs = new JsonArray();
        for (var i = 0; i < receipt.Logs.Count; i++)
        {
            logs.Add(Log(new LogMatch(receipt.Logs[i], location.BlockNumber, location.BlockHash, receipt.TransactionHash,
                location.Index, lookup.FirstLogIndex + i)));
        }
        return new JsonObject
        {
            ["blockHash"] = location.BlockHash.ToString(),
            ["blockNumber"] = Quantity(location.BlockNumber),
            ["contractAddress"] = null,
            ["cumulativeGasUsed"] = Quantity(receipt.CumulativeGasUsed),
            ["effectiveGasPrice"] = Quantity(receipt.EffectiveGasPrice),
            ["from"] = receipt.From.ToString(),
            ["gasUsed"] = Quantity(receipt.GasUsed),
            ["logs"] = logs,
            ["logsBloom"] = Hex.Encode(receipt.Bloom.Bytes),
            ["status"] = receipt.Success ? "0x1" : "0x0",
            ["to"] = receipt.To?.ToString(),
            ["transactionHash"] = receipt.TransactionHash.ToString(),
            ["transactionIndex"] = Quantity((ulong)location.Index),
            ["type"] = Quantity(receipt.TxType),
        };
    }

    public static JsonObject Log(LogMatch match)
    {
        var topics = new JsonArray();
        foreach (var topic in match.Log.Topics) topics.Add(topic.ToString());
        return new JsonObject
        {
            ["address"] = match.Log.Address.ToString(),
            ["topics"] = topics,
            ["data"] = Hex.Encode(match.Log.Data),
            ["blockNumber"] = Quantity(match.BlockNumber),
            ["transactionHash"] = match.TransactionHash.ToString(),
            ["transactionIndex"] = Quantity((ulong)match.TransactionIndex),
            ["blockHash"] = match.BlockHash.ToString(),
            ["logIndex"] = Quantity((ulong)match.LogIndex),
            ["removed"] = false,
        };
    }

    public static string Quantity(ulong value) => Hex.EncodeQuantity(value);

    public static string Quantity(UInt128 value) => Hex.EncodeQuantity(value);

    /// <summary>A big-endian unsigned integer (signature r, s; storage values) as a quantity.</summary>
    public static string Quantity(ReadOnlySpan<byte> bigEndian) =>
        Hex.EncodeQuantity(new BigInteger(bigEndian, isUnsigned: true, isBigEndian: true));
}
