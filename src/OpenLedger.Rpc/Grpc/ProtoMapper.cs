using Google.Protobuf;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Encoding;
using OpenLedger.Rpc.Backend;
using OpenLedger.Rpc.Formatting;
using OpenLedger.Rpc.V1;
using System.Numerics;

namespace OpenLedger.Rpc.Grpc;

/// <summary>Backend records to gRPC messages, with the API's conventions (see types.proto).</summary>
public static class ProtoMapper
{
    public static V1.Block Block(ChainBlock block, bool fullTransactions)
    {
        var message = new V1.Block { Header = Header(block.Header), Size = block.SizeBytes };
        foreach (var hash in block.TransactionHashes) message.TransactionHashes.Add(hash.ToString());
        if (fullTransactions)
            for (var i = 0; i < block.Transactions.Count; i++)
                message.Transactions.Add(Transaction(block.Transactions[i], new TransactionLocation(block.Number, block.Hash, i)));
        foreach (var evidence in block.Evidence) message.Evidence.Add(Evidence(evidence));
        return message;
    }

    public static V1.DoubleSignEvidence Evidence(Core.Chain.DuplicateVoteEvidence evidence)
    {
        var encoded = evidence.Encode();
        return new V1.DoubleSignEvidence
        {
            Hash = Core.Crypto.Keccak256.Hash(encoded).ToString(),
            Validator = evidence.First.Validator.ToChecksumString(),
            Height = evidence.First.Height,
            Round = evidence.First.Round,
            VoteType = evidence.First.Type == Core.Chain.VoteType.Prevote ? "prevote" : "precommit",
            FirstBlockHash = evidence.First.BlockHash.ToString(),
            SecondBlockHash = evidence.Second.BlockHash.ToString(),
            Encoded = ByteString.CopyFrom(encoded),
        };
    }

    public static V1.BlockHeader Header(Core.Chain.BlockHeader header) => new()
    {
        Number = header.Number,
        Hash = header.Hash.ToString(),
        ParentHash = header.ParentHash.ToString(),
        TimestampMs = header.TimestampMs,
        Proposer = header.Proposer.ToString(),
        StateRoot = header.StateRoot.ToString(),
        TransactionsRoot = header.TransactionsRoot.ToString(),
        ReceiptsRoot = header.ReceiptsRoot.ToString(),
        LogsBloom = ByteString.CopyFrom(header.LogsBloom.Bytes),
        GasUsed = header.GasUsed,
        GasLimit = header.GasLimit,
        BaseFeePerGas = DecimalAmount.Format(header.BaseFeePerGas),
        ValidatorSetHash = header.ValidatorSetHash.ToString(),
        NextValidatorSetHash = header.NextValidatorSetHash.ToString(),
        LastCommitHash = header.LastCommitHash.ToString(),
        EvidenceHash = header.EvidenceHash.ToString(),
    };

    public static V1.Transaction Transaction(ChainTransaction tx, TransactionLocation? location)
    {
        var message = new V1.Transaction
        {
            Hash = tx.Hash.ToString(),
            Type = tx.Type,
            ChainId = tx.ChainId,
            Nonce = tx.Nonce,
            From = tx.From.ToString(),
            To = tx.To?.ToString() ?? "",
            Value = DecimalAmount.Format(tx.Value),
            GasLimit = tx.GasLimit,
            GasPrice = tx.GasPrice is { } price ? DecimalAmount.Format(price) : "",
            MaxFeePerGas = tx.MaxFeePerGas is { } cap ? DecimalAmount.Format(cap) : "",
            MaxPriorityFeePerGas = tx.MaxPriorityFeePerGas is { } tip ? DecimalAmount.Format(tip) : "",
            Data = ByteString.CopyFrom(tx.Data),
            YParity = tx.YParity,
            R = Hex.Encode(tx.R),
            S = Hex.Encode(tx.S),
            Raw = ByteString.CopyFrom(tx.Encoded),
            Pending = location is null,
        };
        foreach (var entry in tx.AccessList)
        {
            var item = new V1.AccessListEntry { Address = entry.Address.ToString() };
            item.StorageKeys.AddRange(entry.StorageKeys.Select(k => k.ToString()));
            message.AccessList.Add(item);
        }
        if (location is not null)
        {
            message.BlockNumber = location.BlockNumber;
            message.BlockHash = location.BlockHash.ToString();
            message.TransactionIndex = (uint)location.Index;
        }
        return message;
    }

    public static V1.Receipt Receipt(ReceiptLookup lookup)
    {
        var receipt = lookup.Receipt;
        var location = lookup.Location;
        var message = new V1.Receipt
        {
            TransactionHash = receipt.TransactionHash.ToString(),
            Type = receipt.TxType,
            Success = receipt.Success,
            BlockNumber = location.BlockNumber,
            BlockHash = location.BlockHash.ToString(),
            TransactionIndex = (uint)location.Index,
            From = receipt.From.ToString(),
            To = receipt.To?.ToString() ?? "",
            GasUsed = receipt.GasUsed,
            CumulativeGasUsed = receipt.CumulativeGasUsed,
            EffectiveGasPrice = DecimalAmount.Format(receipt.EffectiveGasPrice),
            LogsBloom = ByteString.CopyFrom(receipt.Bloom.Bytes),
            RevertReason = receipt.RevertReason ?? "",
            ReturnData = ByteString.CopyFrom(receipt.ReturnData),
        };
        for (var i = 0; i < receipt.Logs.Count; i++)
        {
            message.Logs.Add(Log(new LogMatch(receipt.Logs[i], location.BlockNumber, location.BlockHash,
                receipt.TransactionHash, location.Index, lookup.FirstLogIndex + i)));
        }
        return message;
    }

    public static V1.Log Log(LogMatch match)
    {
        var message = new V1.Log
        {
            Address = match.Log.Address.ToString(),
            Data = ByteString.CopyFrom(match.Log.Data),
            BlockNumber = match.BlockNumber,
            BlockHash = match.BlockHash.ToString(),
            TransactionHash = match.TransactionHash.ToString(),
            TransactionIndex = (uint)match.TransactionIndex,
            LogIndex = (uint)match.LogIndex,
        };
        message.Topics.AddRange(match.Log.Topics.Select(t => t.ToString()));
        return message;
    }

    public static V1.Proof Proof(AccountProof proof)
    {
        var message = new V1.Proof
        {
            Address = proof.Address.ToString(),
            Balance = DecimalAmount.Format(proof.Balance),
            Nonce = proof.Nonce,
            CodeHash = proof.CodeHash.ToString(),
            StorageHash = proof.StorageHash.ToString(),
            BlockNumber = proof.BlockNumber,
            StateRoot = proof.StateRoot.ToString(),
        };
        message.AccountProof.AddRange(proof.AccountProofNodes.Select(ByteString.CopyFrom));
        foreach (var slot in proof.StorageProofs)
        {
            var item = new V1.StorageProof
            {
                Key = slot.Key.ToString(),
                Value = new BigInteger(slot.Value, isUnsigned: true, isBigEndian: true).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            item.Proof.AddRange(slot.Proof.Select(ByteString.CopyFrom));
            message.StorageProofs.Add(item);
        }
        return message;
    }
}
