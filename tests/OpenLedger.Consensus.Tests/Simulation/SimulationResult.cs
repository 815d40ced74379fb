using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Tests.Simulation;

public sealed record SimulationResult(
    int Seed,
    IReadOnlyList<string> Failures,
    ulong LowestCommittedHeight,
    long SimulatedMs,
    long LivenessMs,
    int MaxDecidedRound,
    int EvidenceDetections,
    int EvidencePending,
    int Restarts,
    int Partitions,
    int BlockSyncBatches,
    int SigningRefusals,
    long Delivered,
    long Dropped,
    Hash256 TraceHash)
{
    public override string ToString() =>
        $"seed {Seed}: height {LowestCommittedHeight} in {SimulatedMs} simulated ms, liveness after heal {LivenessMs} ms, max decided round {MaxDecidedRound}, " +
        $"evidence {EvidenceDetections} ({EvidencePending} distinct), restarts {Restarts}, partitions {Partitions}, block-sync batches {BlockSyncBatches}, " +
        $"signing refusals {SigningRefusals}, delivered {Delivered}, dropped {Dropped}";
}
