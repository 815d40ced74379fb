using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;
using OpenLedger.Rpc.Backend;

namespace OpenLedger.Rpc.Tests.Support;

/// <summary>
/// EIP-2718 encoding of the fake chain's seeded transactions, whose signatures are made up (no key recovers from
/// them); submitted transactions are decoded with Core's codec.
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

    private static byte[] Trim(byte[] bigEndian)
    {
        var first = Array.FindIndex(bigEndian, b => b != 0);
        return first < 0 ? [] : bigEndian[first..];
    }
}
