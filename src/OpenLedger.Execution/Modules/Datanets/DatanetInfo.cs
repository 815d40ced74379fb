using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules.Common;

namespace OpenLedger.Execution.Modules.Datanets;

/// <summary>A datanet as stored: its owner, description, and the latest version of its approved-contribution tree.</summary>
public sealed record DatanetInfo
{
    public required ulong Id { get; init; }
    public required Address Owner { get; init; }
    public required string Name { get; init; }
    public required string MetadataUri { get; init; }
    public required DatanetKind Kind { get; init; }
    public required bool Open { get; init; }
    public ulong CreatedAt { get; init; }
    /// <summary>0 until the first approval; each approval creates the next version.</summary>
    public ulong Version { get; init; }
    public Hash256 Root { get; init; }
    public ulong ContributionCount { get; init; }
    public ulong ApprovedCount { get; init; }

    public byte[] Encode() => new RecordWriter().U64(Id).Addr(Owner).Str(Name).Str(MetadataUri).U64((byte)Kind).Bool(Open)
        .U64(CreatedAt).U64(Version).Hash(Root).U64(ContributionCount).U64(ApprovedCount).ToArray();

    public static DatanetInfo Decode(byte[] raw)
    {
        var r = new RecordReader(raw);
        return new DatanetInfo
        {
            Id = r.U64(), Owner = r.Addr(), Name = r.Str(), MetadataUri = r.Str(), Kind = (DatanetKind)r.U64(), Open = r.Bool(),
            CreatedAt = r.U64(), Version = r.U64(), Root = r.Hash(), ContributionCount = r.U64(), ApprovedCount = r.U64(),
        };
    }
}
