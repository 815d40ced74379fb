namespace OpenLedger.Consensus.Wal;

/// <summary>
/// The consensus write-ahead log: every input the engine accepted for the current height, in order, so a
/// restarted node replays them and resumes the round it was in instead of starting the height over.
/// Our own signed votes and proposals are appended with <c>sync: true</c> before they are broadcast; other
/// inputs may be buffered (losing the tail in a crash only costs a few messages, which gossip resends).
/// </summary>
public interface IConsensusWal
{
    /// <summary>The node moved to <paramref name="height"/>: entries of lower heights may be discarded.</summary>
    void StartHeight(ulong height);

    void Append(ConsensusInput input, bool sync);

    /// <summary>Entries recorded for <paramref name="height"/>, oldest first.</summary>
    IReadOnlyList<ConsensusInput> Read(ulong height);
}
