using System.Buffers.Binary;
using OpenLedger.Core.Encoding;
using OpenLedger.Storage;

namespace OpenLedger.Consensus.Wal;

/// <summary>
/// The WAL in the node database, column <see cref="DbColumn.Consensus"/>, keys "wal" + height (8 bytes,
/// big-endian) + sequence (4 bytes, big-endian) so iteration returns a height's entries in order.
/// A synced append (fsync) also makes every earlier append of the store durable.
/// </summary>
public sealed class KeyValueConsensusWal : IConsensusWal
{
    private static readonly byte[] Prefix = "wal"u8.ToArray();
    private readonly IKeyValueStore _store;
    private ulong _height;
    private uint _nextSequence;
    private bool _started;
    private RlpWriter? _writer;
    private const int MaxRetainedWriter = 8 * 1024 * 1024;

    public KeyValueConsensusWal(IKeyValueStore store) => _store = store;

    public void StartHeight(ulong height)
    {
        using (var batch = _store.CreateBatch())
        {
            if (!_started)
            {
                // Whatever an earlier run of the node left below this height.
                foreach (var (key, _) in _store.Iterate(DbColumn.Consensus, Prefix))
                    if (key.Length == Prefix.Length + 12 && BinaryPrimitives.ReadUInt64BigEndian(key.AsSpan(Prefix.Length)) < height)
                        batch.Delete(DbColumn.Consensus, key);
            }
            else if (height > _height)
            {
                // Since then only this instance has appended, and only at its height: delete exactly those entries.
                // Scanning from the prefix instead would read every value again (a full proposal among them) and
                // step over the deletions of every earlier height the store has not compacted away yet.
                for (uint sequence = 0; sequence < _nextSequence; sequence++) batch.Delete(DbColumn.Consensus, Key(_height, sequence));
            }
            if (batch.Count > 0) _store.Write(batch);
        }
        if (_started && height == _height) return;
        _started = true;
        _height = height;
        _nextSequence = 0;
        foreach (var (key, _) in _store.Iterate(DbColumn.Consensus, HeightPrefix(height)))
            _nextSequence = Math.Max(_nextSequence, BinaryPrimitives.ReadUInt32BigEndian(key.AsSpan(Prefix.Length + 8)) + 1);
    }

    public void Append(ConsensusInput input, bool sync)
    {
        if (input.InputHeight != _height)
            throw new InvalidOperationException($"WAL is at height {_height}; cannot append an input of height {input.InputHeight}");
        // One writer for every entry: a proposal's entry is as large as its block, and encoding it into a fresh array
        // (a large-object allocation per proposal) is what brought the next full collection closer.
        var writer = _writer ??= new RlpWriter(4096);
        writer.Reset();
        input.Encode(writer);
        _store.Put(DbColumn.Consensus, Key(_height, _nextSequence++), writer.WrittenSpan, sync);
        if (writer.Length > MaxRetainedWriter) _writer = null;
    }

    public IReadOnlyList<ConsensusInput> Read(ulong height) =>
        _store.Iterate(DbColumn.Consensus, HeightPrefix(height)).Select(e => ConsensusInput.Decode(e.Value)).ToArray();

    private static byte[] Key(ulong height, uint sequence)
    {
        var key = HeightPrefix(height);
        Array.Resize(ref key, key.Length + 4);
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(key.Length - 4), sequence);
        return key;
    }

    private static byte[] HeightPrefix(ulong height)
    {
        var key = new byte[Prefix.Length + 8];
        Prefix.CopyTo(key, 0);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(Prefix.Length), height);
        return key;
    }
}
