using BenchmarkDotNet.Attributes;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;

namespace OpenLedger.Benchmarks;

/// <summary>Strict decoding of a typical EIP-1559 transfer with a small access list, and its signing hash (no sender recovery).</summary>
[MemoryDiagnoser]
public class RlpBenchmarks
{
    private byte[] _encoded = [];

    [GlobalSetup]
    public void Setup()
    {
        var key = new PrivateKey(Keccak256.Hash("key-0"u8).Bytes);
        var unsigned = new UnsignedTransaction
        {
            Type = TxType.DynamicFee,
            ChainId = 161200,
            Nonce = 42,
            MaxPriorityFeePerGas = 2_000_000_000,
            MaxFeePerGas = 30_000_000_000,
            GasLimit = 60_000,
            To = Address.FromUInt64(0xa01),
            Value = 1_000_000_000_000_000_000,
            Data = new byte[68],
            AccessList = [new AccessListItem(Address.FromUInt64(0xa02), [Hash256.Zero, Hash256.EmptyTrieRoot])],
        };
        _encoded = TransactionSigner.Sign(unsigned, key).Encoded.ToArray();
    }

    [Benchmark]
    public Transaction DecodeDynamicFeeTransaction() => Transaction.Decode(_encoded);

    /// <summary>
    /// What recovery needs first: the signing hash of a transaction just decoded from the wire, built from the
    /// encoding's own bytes (type byte, a new list header, the signed fields as they lie, keccak).
    /// </summary>
    [Benchmark]
    public Hash256 DecodeThenSigningHash() => Transaction.Decode(_encoded).SigningHash;

    /// <summary>The same digest the way it was computed until session 9: the fields copied out and encoded again.</summary>
    [Benchmark(Baseline = true)]
    public Hash256 DecodeThenSigningHashByReEncoding() => Transaction.Decode(_encoded).ToUnsigned().SigningHash;

}
