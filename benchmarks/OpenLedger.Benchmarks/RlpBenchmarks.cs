using BenchmarkDotNet.Attributes;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;

namespace OpenLedger.Benchmarks;

/// <summary>Strict decoding of a typical EIP-1559 transfer with a small access list (no sender recovery).</summary>
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

}
