using BenchmarkDotNet.Attributes;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;

namespace OpenLedger.Benchmarks;

/// <summary>
/// Sender recovery of a signed transaction (ECDSA public key recovery + keccak of the key), libsecp256k1 versus
/// the managed BouncyCastle fallback. The signing hash is computed once, as a node does after decoding.
/// </summary>
[MemoryDiagnoser]
public class RecoveryBenchmarks
{
    private static readonly ISecp256k1 Native = NativeSecp256k1.TryCreate(out var native)
        ? native!
        : throw new InvalidOperationException("libsecp256k1 is not installed; apt-get install libsecp256k1-1");

    private static readonly ISecp256k1 Managed = new ManagedSecp256k1();

    private Hash256 _signingHash;
    private Signature _signature;
    private Address _expected;

    [GlobalSetup]
    public void Setup()
    {
        var key = new PrivateKey(Keccak256.Hash("key-1"u8).Bytes);
        var tx = TransactionSigner.Sign(new UnsignedTransaction
        {
            Type = TxType.DynamicFee, ChainId = 161200, Nonce = 1, MaxPriorityFeePerGas = 1, MaxFeePerGas = 2,
            GasLimit = 21_000, To = Address.FromUInt64(0xa01), Value = 5,
        }, key);
        _signingHash = tx.SigningHash;
        _signature = tx.Signature;
        _expected = key.Address;
    }

    [Benchmark(Baseline = true)]
    public Address RecoverNative() => Recover(Native);

    [Benchmark]
    public Address RecoverManaged() => Recover(Managed);

    private Address Recover(ISecp256k1 backend)
    {
        if (!Secp256k1.TryRecoverAddress(backend, _signingHash, _signature, out var sender) || sender != _expected)
            throw new InvalidOperationException($"{backend.Name} recovered the wrong sender");
        return sender;
    }
}
