using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;
using OpenLedger.Rpc.Backend;

namespace OpenLedger.Rpc.Tests.Support;

/// <summary>
/// EIP-2718 encoding and decoding of transactions for the fake chain. It does not recover senders (that is the
/// real node's job); decoded transactions get the sender the test names, or the zero address.
/// </summary>
public static class FakeTransactionCodec
{
    public static byte[] Encode(ChainTransaction tx)
    {
        var writer = new RlpWriter();
        if (tx.Type != 0) writer.WriteEncoded([tx.Type]);
        var start = writer.BeginList();
        if (tx.Type != 0) writer.WriteUInt64(tx.ChainId);
        writer.WriteUInt64(tx.Nonce);
        if (tx.Type == 2)
        {
            writer.WriteUInt128(tx.MaxPriorityFeePerGas ?? 0);
            writer.WriteUInt128(tx.MaxFeePerGas ?? 0);
        }
        else
        {
            writer.WriteUInt128(tx.GasPrice ?? 0);
        }
        writer.WriteUInt64(tx.GasLimit);
        writer.WriteBytes(tx.To is { } to ? to.Bytes : []);
        writer.WriteUInt128(tx.Value);
        writer.WriteBytes(tx.Data);
        if (tx.Type != 0)
        {
            var list = writer.BeginList();
            foreach (var entry in tx.AccessList)
            {
                var item = writer.BeginList();
                writer.WriteBytes(entry.Address.Bytes);
                var keys = writer.BeginList();
                foreach (var key in entry.StorageKeys) writer.WriteBytes(key.Bytes);
                writer.EndList(keys);
                writer.EndList(item);
            }
            writer.EndList(list);
            writer.WriteUInt64(tx.YParity);
        }
        else
        {
            writer.WriteUInt64(tx.ChainId * 2 + 35 + tx.YParity);
        }
        writer.WriteBytes(Trim(tx.R));
        writer.WriteBytes(Trim(tx.S));
        writer.EndList(start);
        return writer.ToArray();
    }

    /// <summary>Builds a transaction with its encoding and hash filled in.</summary>
    public static ChainTransaction Seal(ChainTransaction tx)
    {
        var encoded = Encode(tx);
        return tx with { Encoded = encoded, Hash = Keccak256.Hash(encoded) };
    }

    /// <summary>Decodes a signed transaction; throws <see cref="RlpException"/> or <see cref="FormatException"/> on bad input.</summary>
    public static ChainTransaction Decode(ReadOnlySpan<byte> raw, Address from)
    {
        if (raw.Length == 0) throw new FormatException("empty input");
        byte type = 0;
        var body = raw;
        if (raw[0] < 0x80)
        {
            type = raw[0];
            if (type is not (1 or 2)) throw new FormatException($"transaction type {type} is not supported");
            body = raw[1..];
        }
        var reader = new RlpReader(body);
        var list = reader.ReadList();
        reader.EnsureEnd("transaction");
        ulong chainId = type == 0 ? 0 : list.ReadUInt64("chain id");
        var nonce = list.ReadUInt64("nonce");
        UInt128? gasPrice = null, maxTip = null, maxFee = null;
        if (type == 2)
        {
            maxTip = list.ReadUInt128("max priority fee");
            maxFee = list.ReadUInt128("max fee");
        }
        else
        {
            gasPrice = list.ReadUInt128("gas price");
        }
        var gas = list.ReadUInt64("gas limit");
        var toBytes = list.ReadBytes();
        var value = list.ReadUInt128("value");
        var data = list.ReadBytes().ToArray();
        var accessList = new List<AccessListEntry>();
        byte yParity;
        if (type != 0)
        {
            var entries = list.ReadList();
            while (entries.HasMore)
            {
                var entry = entries.ReadList();
                var address = new Address(entry.ReadBytes(20, "access list address"));
                var keysReader = entry.ReadList();
                var keys = new List<Hash256>();
                while (keysReader.HasMore) keys.Add(new Hash256(keysReader.ReadBytes(32, "storage key")));
                accessList.Add(new AccessListEntry(address, keys));
            }
            yParity = (byte)list.ReadUInt64("y parity");
        }
        else
        {
            var v = list.ReadUInt64("v");
            if (v < 35) throw new FormatException("legacy transaction without EIP-155 replay protection");
            chainId = (v - 35) / 2;
            yParity = (byte)((v - 35) % 2);
        }
        var r = Pad32(list.ReadBytes());
        var s = Pad32(list.ReadBytes());
        list.EnsureEnd("transaction");
        return new ChainTransaction
        {
            Hash = Keccak256.Hash(raw),
            Type = type,
            ChainId = chainId,
            Nonce = nonce,
            From = from,
            To = toBytes.Length == 0 ? null : new Address(toBytes),
            Value = value,
            GasLimit = gas,
            GasPrice = gasPrice,
            MaxFeePerGas = maxFee,
            MaxPriorityFeePerGas = maxTip,
            Data = data,
            AccessList = accessList,
            YParity = yParity,
            R = r,
            S = s,
            Encoded = raw.ToArray(),
        };
    }

    private static byte[] Trim(byte[] bigEndian)
    {
        var first = Array.FindIndex(bigEndian, b => b != 0);
        return first < 0 ? [] : bigEndian[first..];
    }

    private static byte[] Pad32(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 32) throw new FormatException("signature value longer than 32 bytes");
        var padded = new byte[32];
        bytes.CopyTo(padded.AsSpan(32 - bytes.Length));
        return padded;
    }
}
