namespace OpenLedger.Consensus.Wal;

/// <summary>
/// A WAL in memory for tests and simulations; the instance is the "disk" that survives a simulated crash.
/// <see cref="LoseUnsyncedTail"/> models a crash: entries appended without sync after the last synced one
/// are lost, as they might be from an OS page cache; <see cref="DropLastEntry"/> models a torn last write.
/// </summary>
public sealed class InMemoryConsensusWal : IConsensusWal
{
    private readonly List<ConsensusInput> _entries = [];
    private ulong _height;
    private int _syncedCount;

    public int Count => _entries.Count;

    public void StartHeight(ulong height)
    {
        if (height == _height) return;
        _entries.RemoveAll(e => e.InputHeight < height);
        _syncedCount = _entries.Count;
        _height = height;
    }

    public void Append(ConsensusInput input, bool sync)
    {
        _entries.Add(input);
        if (sync) _syncedCount = _entries.Count;
    }

    public IReadOnlyList<ConsensusInput> Read(ulong height) => _entries.Where(e => e.InputHeight == height).ToArray();

    public void LoseUnsyncedTail()
    {
        if (_syncedCount < _entries.Count) _entries.RemoveRange(_syncedCount, _entries.Count - _syncedCount);
    }

    /// <summary>Models a torn last write: the newest entry is lost even if it was synced.</summary>
    public void DropLastEntry()
    {
        if (_entries.Count == 0) return;
        _entries.RemoveAt(_entries.Count - 1);
        _syncedCount = Math.Min(_syncedCount, _entries.Count);
    }
}
