using OpenLedger.Consensus.Messages;
using OpenLedger.Consensus.Signing;
using OpenLedger.Consensus.Tests.Support;
using OpenLedger.Consensus.Wal;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Tests.Simulation;

/// <summary>
/// One validator of the simulation. The signing-state store, the WAL and the block store are its "disk" and
/// survive a crash; the engine, its timers and pending application answers do not (a new
/// <see cref="Incarnation"/> makes every event of the old one stale).
/// </summary>
public sealed class SimulatedNode
{
    public SimulatedNode(int index, Address address, bool isEquivocator)
    {
        Index = index;
        Address = address;
        IsEquivocator = isEquivocator;
        Key = new FakeVoteSigner(address);
    }

    public int Index { get; }
    public Address Address { get; }
    public bool IsEquivocator { get; }
    public FakeVoteSigner Key { get; }

    // Durable state.
    public InMemorySigningStateStore SigningState { get; } = new();
    public InMemoryConsensusWal Wal { get; } = new();
    public List<CommittedBlock> Chain { get; } = [];

    // Volatile state.
    public TendermintEngine? Engine { get; set; }
    public bool IsUp => Engine is not null;
    public int Incarnation { get; set; }
    public long ProposalCounter { get; set; }
    public (ulong Height, int Round, RoundStep Step) LastAnnounced { get; set; }

    public ulong CommittedHeight => (ulong)Chain.Count;

    public Hash256 StateRoot => Chain.Count == 0 ? HashChainApplication.GenesisRoot : Chain[^1].StateRoot;
}

public sealed record CommittedBlock(ulong Height, ProposedBlock Block, Commit Commit, Hash256 StateRoot);
