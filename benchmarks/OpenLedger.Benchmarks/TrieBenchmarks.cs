using BenchmarkDotNet.Attributes;
using OpenLedger.Core.Types;
using OpenLedger.State.Trie;

namespace OpenLedger.Benchmarks;

/// <summary>
/// Merkle Patricia Trie costs that bound block processing: building a root from scratch, and the incremental
/// update a block makes (1,000 changed accounts in a large state) followed by the new root.
/// </summary>
[MemoryDiagnoser]
public class TrieBenchmarks
{
    private const int KeyLength = 32;
    private const int ValueLength = 70;
    private const int InsertCount = 10_000;
    private const int StateSize = 100_000;
    private const int UpdateCount = 1_000;

    private byte[][] _insertKeys = [];
    private byte[][] _insertValues = [];
    private byte[][] _stateKeys = [];
    private byte[][] _updateValues = [];
    private MemoryTrieNodeStore _stateStore = new();
    private Hash256 _stateRoot;
    private PatriciaTrie _warmState = null!;
    private int _round;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20261124);
        _insertKeys = RandomArrays(random, InsertCount, KeyLength);
        _insertValues = RandomArrays(random, InsertCount, ValueLength);
        _stateKeys = RandomArrays(random, StateSize, KeyLength);
        _updateValues = RandomArrays(random, UpdateCount, ValueLength);

        _stateStore = new MemoryTrieNodeStore();
        var state = new PatriciaTrie(_stateStore);
        var values = RandomArrays(random, StateSize, ValueLength);
        for (var i = 0; i < StateSize; i++) state.Set(_stateKeys[i], values[i]);
        _stateRoot = state.Commit(_stateStore);
        _warmState = state;
    }

    [Benchmark(Description = "10k random inserts (32-byte keys, 70-byte values) + RootHash")]
    public Hash256 InsertTenThousandThenRoot()
    {
        var trie = new PatriciaTrie(new MemoryTrieNodeStore());
        for (var i = 0; i < InsertCount; i++) trie.Set(_insertKeys[i], _insertValues[i]);
        return trie.RootHash;
    }

    [Benchmark(Description = "update 1k keys of a 100k-key trie held in memory + RootHash")]
    public Hash256 UpdateThousandInWarmTrieThenRoot()
    {
        // A different last byte each round, so every Set is a real change.
        var round = (byte)++_round;
        for (var i = 0; i < UpdateCount; i++)
        {
            var value = _updateValues[i];
            value[^1] = round;
            _warmState.Set(_stateKeys[i * (StateSize / UpdateCount)], value);
        }
        return _warmState.RootHash;
    }

    [Benchmark(Description = "update 1k keys of a 100k-key trie opened from its node store + RootHash")]
    public Hash256 UpdateThousandInColdTrieThenRoot()
    {
        var trie = new PatriciaTrie(_stateStore, _stateRoot);
        var round = (byte)++_round;
        for (var i = 0; i < UpdateCount; i++)
        {
            var value = _updateValues[i];
            value[^1] = round;
            trie.Set(_stateKeys[i * (StateSize / UpdateCount)], value);
        }
        return trie.RootHash;
    }

    private static byte[][] RandomArrays(Random random, int count, int length)
    {
        var arrays = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            arrays[i] = new byte[length];
            random.NextBytes(arrays[i]);
        }
        return arrays;
    }
}
