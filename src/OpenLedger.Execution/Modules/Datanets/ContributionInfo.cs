using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules.Common;

namespace OpenLedger.Execution.Modules.Datanets;

/// <summary>One contribution to a datanet and its review outcome.</summary>
public sealed record ContributionInfo
{
    public required ulong Id { get; init; }
    public required ulong DatanetId { get; init; }
    public required Address Contributor { get; init; }
    public required Hash256 ContentHash { get; init; }
    public required ulong SizeBytes { get; init; }
    public required string Uri { get; init; }
    public ContributionStatus Status { get; init; }
    public ushort QualityScore { get; init; }
    /// <summary>The bond still held (zero once reviewed).</summary>
    public UInt128 Bond { get; init; }
    public ulong SubmittedAt { get; init; }
    public ulong ReviewedAt { get; init; }
    public Address Reviewer { get; init; }
    /// <summary>The datanet version whose tree first includes this contribution (approved only).</summary>
    public ulong Version { get; init; }
    /// <summary>Its leaf index in the datanet's tree (approved only).</summary>
    public ulong LeafIndex { get; init; }

    public byte[] Encode() => new RecordWriter().U64(Id).U64(DatanetId).Addr(Contributor).Hash(ContentHash).U64(SizeBytes).Str(Uri)
        .U64((byte)Status).U64(QualityScore).U128(Bond).U64(SubmittedAt).U64(ReviewedAt).Addr(Reviewer).U64(Version).U64(LeafIndex).ToArray();

    public static ContributionInfo Decode(byte[] raw)
    {
        var r = new RecordReader(raw);
        return new ContributionInfo
        {
            Id = r.U64(), DatanetId = r.U64(), Contributor = r.Addr(), ContentHash = r.Hash(), SizeBytes = r.U64(), Uri = r.Str(),
            Status = (ContributionStatus)r.U64(), QualityScore = (ushort)r.U64(), Bond = r.U128(), SubmittedAt = r.U64(),
            ReviewedAt = r.U64(), Reviewer = r.Addr(), Version = r.U64(), LeafIndex = r.U64(),
        };
    }
}
