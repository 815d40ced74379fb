using System.Numerics;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules.Common;
using OpenLedger.Execution.Modules.Models;
using OpenLedger.Execution.State;

namespace OpenLedger.Execution.Modules.Datanets;

/// <summary>
/// Datanets (SPEC §4.2): community datasets. Contributors post a bond with each contribution; the datanet's
/// owner or curators review it. Approval returns the bond and appends the contribution to the datanet's Merkle
/// tree (a new version); rejection returns the bond, unless flagged adversarial, when the bond is burned.
/// The module's balance is exactly the bonds of pending contributions.
/// </summary>
public sealed class DatanetsModule : SystemModuleBase, IAccountedModule
{
    public const int MaxNameBytes = 64;
    public const int MaxUriBytes = 512;
    public const ulong MillisecondsPerDay = 86_400_000;
    /// <summary>Quality scores are basis points of a perfect score.</summary>
    public const ushort MaxQualityScore = 10_000;

    private const string BondsHeldKey = "bonds-held";

    public readonly AbiEvent DatanetCreated;
    public readonly AbiEvent CuratorAdded;
    public readonly AbiEvent CuratorRemoved;
    public readonly AbiEvent ContributionSubmitted;
    public readonly AbiEvent ContributionReviewed;
    public readonly AbiEvent DatanetVersionCreated;

    public DatanetsModule() : base(SystemAddresses.Datanets, "Datanets")
    {
        DatanetCreated = Event("DatanetCreated(uint256 indexed datanetId, address indexed owner, string name, string metadataUri, uint8 kind, bool open)");
        CuratorAdded = Event("CuratorAdded(uint256 indexed datanetId, address indexed curator)");
        CuratorRemoved = Event("CuratorRemoved(uint256 indexed datanetId, address indexed curator)");
        ContributionSubmitted = Event("ContributionSubmitted(uint256 indexed contributionId, uint256 indexed datanetId, address indexed contributor, bytes32 contentHash, uint64 sizeBytes, string uri, uint256 bond)");
        ContributionReviewed = Event("ContributionReviewed(uint256 indexed contributionId, uint256 indexed datanetId, address indexed reviewer, uint8 status, uint16 qualityScore, uint256 bondReturned, uint256 bondBurned)");
        DatanetVersionCreated = Event("DatanetVersionCreated(uint256 indexed datanetId, uint64 indexed version, bytes32 root, uint64 approvedCount, uint256 contributionId)");

        Function("createDatanet(string name, string metadataUri, uint8 kind, bool open) returns (uint256 datanetId)",
            (c, a) => [CreateDatanet(c, (string)a[0], (string)a[1], (byte)(BigInteger)a[2], (bool)a[3])]);
        Function("addCurator(uint256 datanetId, address curator)", (c, a) => { AddCurator(c, Id(a[0]), (Address)a[1]); return []; });
        Function("removeCurator(uint256 datanetId, address curator)", (c, a) => { RemoveCurator(c, Id(a[0]), (Address)a[1]); return []; });
        Function("contribute(uint256 datanetId, bytes32 contentHash, uint64 sizeBytes, string uri) payable returns (uint256 contributionId)",
            (c, a) => [Contribute(c, Id(a[0]), new Hash256((byte[])a[1]), (ulong)(BigInteger)a[2], (string)a[3])]);
        Function("review(uint256 contributionId, bool approve, uint16 qualityScore)",
            (c, a) => { Review(c, Id(a[0]), (bool)a[1], (ushort)(BigInteger)a[2], false); return []; });
        Function("review(uint256 contributionId, bool approve, uint16 qualityScore, bool adversarial)",
            (c, a) => { Review(c, Id(a[0]), (bool)a[1], (ushort)(BigInteger)a[2], (bool)a[3]); return []; });

        Function("getDatanet(uint256 datanetId) view returns (address owner, string name, string metadataUri, uint8 kind, bool open, uint64 version, bytes32 root, uint64 contributionCount, uint64 approvedCount)",
            (c, a) =>
            {
                var d = RequireDatanet(c.Store, Id(a[0]));
                return [d.Owner, d.Name, d.MetadataUri, (byte)d.Kind, d.Open, d.Version, d.Root.ToArray(), d.ContributionCount, d.ApprovedCount];
            });
        Function("getVersionRoot(uint256 datanetId, uint64 version) view returns (bytes32 root)",
            (c, a) => [GetVersionRoot(c.Store, Id(a[0]), (ulong)(BigInteger)a[1]).ToArray()]);
        Function("isCurator(uint256 datanetId, address account) view returns (bool)",
            (c, a) => [IsCuratorOrOwner(c.Store, RequireDatanet(c.Store, Id(a[0])), (Address)a[1])]);
        Function("getContribution(uint256 contributionId) view returns (uint256 datanetId, address contributor, bytes32 contentHash, uint64 sizeBytes, string uri, uint8 status, uint16 qualityScore, uint256 bond, uint64 version, uint64 leafIndex)",
            (c, a) =>
            {
                var x = RequireContribution(c.Store, Id(a[0]));
                return [new BigInteger(x.DatanetId), x.Contributor, x.ContentHash.ToArray(), x.SizeBytes, x.Uri, (byte)x.Status, x.QualityScore, x.Bond, x.Version, x.LeafIndex];
            });
        Function("contributorTotals(address contributor) view returns (uint64 contributions, uint64 approved, uint256 bondsHeld, uint256 earned, uint256 claimable, uint256 locked)",
            (c, a) =>
            {
                var t = GetContributorTotals(c, (Address)a[0]);
                return [t.Contributions, t.Approved, t.BondsHeld, t.Earned, t.Claimable, t.Locked];
            });
    }

    private static ulong Id(object value) => Money.ToU64(value, "id");

    // ---- transactions ----

    public ulong CreateDatanet(ModuleContext c, string name, string metadataUri, byte kind, bool open)
    {
        if (string.IsNullOrWhiteSpace(name)) throw Revert("a datanet needs a name");
        if (System.Text.Encoding.UTF8.GetByteCount(name) > MaxNameBytes) throw Revert($"datanet name is longer than {MaxNameBytes} bytes");
        if (System.Text.Encoding.UTF8.GetByteCount(metadataUri) > MaxUriBytes) throw Revert($"metadata URI is longer than {MaxUriBytes} bytes");
        if (kind > (byte)DatanetKind.Audio) throw Revert($"datanet kind {kind} is unknown (0 = text, 1 = image, 2 = audio)");
        var id = c.Store.NextId("datanet");
        var datanet = new DatanetInfo
        {
            Id = id, Owner = c.Caller, Name = name, MetadataUri = metadataUri, Kind = (DatanetKind)kind, Open = open,
            CreatedAt = c.Block.Number, Root = ContributionTree.Root(new Hash256[ContributionTree.Depth], 0),
        };
        Save(c.Store, datanet);
        c.Emit(DatanetCreated, new BigInteger(id), c.Caller, name, metadataUri, kind, open);
        return id;
    }

    public void AddCurator(ModuleContext c, ulong datanetId, Address curator)
    {
        var datanet = RequireDatanet(c.Store, datanetId);
        if (c.Caller != datanet.Owner) throw Revert($"only the owner of datanet {datanetId} ({datanet.Owner}) can add curators");
        if (curator.IsZero) throw Revert("the zero address cannot be a curator");
        c.Store.SetU64(StorageKey.Of("curator", datanetId, curator), 1);
        c.Emit(CuratorAdded, new BigInteger(datanetId), curator);
    }

    public void RemoveCurator(ModuleContext c, ulong datanetId, Address curator)
    {
        var datanet = RequireDatanet(c.Store, datanetId);
        if (c.Caller != datanet.Owner) throw Revert($"only the owner of datanet {datanetId} ({datanet.Owner}) can remove curators");
        if (c.Store.GetU64(StorageKey.Of("curator", datanetId, curator)) == 0) throw Revert($"{curator} is not a curator of datanet {datanetId}");
        c.Store.Delete(StorageKey.Of("curator", datanetId, curator));
        c.Emit(CuratorRemoved, new BigInteger(datanetId), curator);
    }

    public ulong Contribute(ModuleContext c, ulong datanetId, Hash256 contentHash, ulong sizeBytes, string uri)
    {
        var p = c.Params;
        var datanet = RequireDatanet(c.Store, datanetId);
        if (!datanet.Open && !IsCuratorOrOwner(c.Store, datanet, c.Caller))
            throw Revert($"datanet {datanetId} is closed: only its owner and curators can contribute");
        if (c.Value != p.ContributionBond)
            throw Revert($"a contribution needs a bond of exactly {Money.Open(p.ContributionBond)} (sent {Money.Open(c.Value)})");
        if (contentHash.IsZero) throw Revert("contentHash must be the hash of the contributed data, not zero");
        if (sizeBytes == 0) throw Revert("sizeBytes must be greater than zero");
        if (System.Text.Encoding.UTF8.GetByteCount(uri) > MaxUriBytes) throw Revert($"contribution URI is longer than {MaxUriBytes} bytes");
        var contentKey = StorageKey.Of("content", datanetId, contentHash);
        var existing = c.Store.GetU64(contentKey);
        if (existing != 0) throw Revert($"this content is already contribution {existing} of datanet {datanetId}");
        var day = c.Block.TimestampMs / MillisecondsPerDay;
        var dailyKey = StorageKey.Of("daily-bytes", datanetId, c.Caller, day);
        var usedToday = c.Store.GetU64(dailyKey);
        if (sizeBytes > p.DailyContributionLimitBytes || usedToday + sizeBytes > p.DailyContributionLimitBytes)
            throw Revert($"daily limit: {c.Caller} already contributed {usedToday} of {p.DailyContributionLimitBytes} bytes to datanet {datanetId} today (UTC day {day}); {sizeBytes} more would exceed it");
        c.Store.SetU64(dailyKey, usedToday + sizeBytes);

        var id = c.Store.NextId("contribution");
        var contribution = new ContributionInfo
        {
            Id = id, DatanetId = datanetId, Contributor = c.Caller, ContentHash = contentHash, SizeBytes = sizeBytes, Uri = uri,
            Status = ContributionStatus.Pending, Bond = c.Value, SubmittedAt = c.Block.Number,
        };
        Save(c.Store, contribution);
        c.Store.SetU64(contentKey, id);
        c.Store.AddU128(StorageKey.Of(BondsHeldKey), c.Value);
        c.Store.AddU128(StorageKey.Of("contributor-bonds", c.Caller), c.Value);
        new StoredList(c.Store, "contributions-of", c.Caller).AddU64(id);
        Save(c.Store, datanet with { ContributionCount = datanet.ContributionCount + 1 });
        c.Emit(ContributionSubmitted, new BigInteger(id), new BigInteger(datanetId), c.Caller, contentHash.ToArray(), sizeBytes, uri, c.Value);
        return id;
    }

    public void Review(ModuleContext c, ulong contributionId, bool approve, ushort qualityScore, bool adversarial)
    {
        var contribution = RequireContribution(c.Store, contributionId);
        var datanet = RequireDatanet(c.Store, contribution.DatanetId);
        if (!IsCuratorOrOwner(c.Store, datanet, c.Caller))
            throw Revert($"only the owner or a curator of datanet {datanet.Id} can review its contributions");
        if (contribution.Status != ContributionStatus.Pending)
            throw Revert($"contribution {contributionId} was already reviewed ({contribution.Status.ToString().ToLowerInvariant()})");
        if (qualityScore > MaxQualityScore) throw Revert($"qualityScore {qualityScore} is above the maximum of {MaxQualityScore}");
        if (approve && adversarial) throw Revert("a contribution cannot be approved and flagged adversarial at once");

        var bond = contribution.Bond;
        c.Store.SubU128(StorageKey.Of(BondsHeldKey), bond, "bonds held");
        c.Store.SubU128(StorageKey.Of("contributor-bonds", contribution.Contributor), bond, "contributor bonds");
        UInt128 returned = 0, burned = 0;
        ContributionStatus status;
        var updated = contribution with { Bond = 0, QualityScore = qualityScore, ReviewedAt = c.Block.Number, Reviewer = c.Caller };
        if (approve)
        {
            status = ContributionStatus.Approved;
            var frontier = LoadFrontier(c.Store, datanet.Id);
            var leafIndex = datanet.ApprovedCount;
            var version = datanet.Version + 1;
            updated = updated with { Status = status, Version = version, LeafIndex = leafIndex };
            ContributionTree.Append(frontier, leafIndex, ContributionTree.Leaf(updated));
            var root = ContributionTree.Root(frontier, leafIndex + 1);
            SaveFrontier(c.Store, datanet.Id, frontier);
            c.Store.Set(StorageKey.Of("version-root", datanet.Id, version), root.Bytes);
            new StoredList(c.Store, "approved", datanet.Id).AddU64(contributionId);
            Save(c.Store, datanet with { Version = version, Root = root, ApprovedCount = leafIndex + 1 });
            c.Store.SetU64(StorageKey.Of("contributor-approved", contribution.Contributor), c.Store.GetU64(StorageKey.Of("contributor-approved", contribution.Contributor)) + 1);
            returned = bond;
            c.Pay(contribution.Contributor, bond);
            c.Emit(DatanetVersionCreated, new BigInteger(datanet.Id), version, root.ToArray(), leafIndex + 1, new BigInteger(contributionId));
        }
        else if (adversarial)
        {
            status = ContributionStatus.Adversarial;
            updated = updated with { Status = status };
            burned = bond;
            c.Burn(bond);
        }
        else
        {
            status = ContributionStatus.Rejected;
            updated = updated with { Status = status };
            returned = bond;
            c.Pay(contribution.Contributor, bond);
        }
        Save(c.Store, updated);
        c.Emit(ContributionReviewed, new BigInteger(contributionId), new BigInteger(datanet.Id), c.Caller, (byte)status, qualityScore, returned, burned);
    }

    public override void BeginBlock(BlockHookContext context) { }

    public override void EndBlock(BlockHookContext context) { }

    // ---- typed reads (RPC layer, other modules) ----

    public static DatanetInfo? GetDatanet(ModuleStore store, ulong id)
    {
        var raw = store.For(SystemAddresses.Datanets).Get(StorageKey.Of("datanet", id));
        return raw.Length == 0 ? null : DatanetInfo.Decode(raw);
    }

    public static ContributionInfo? GetContribution(ModuleStore store, ulong id)
    {
        var raw = store.For(SystemAddresses.Datanets).Get(StorageKey.Of("contribution", id));
        return raw.Length == 0 ? null : ContributionInfo.Decode(raw);
    }

    public static DatanetInfo? GetDatanet(IWorldState state, ulong id) => GetDatanet(ReadStore(state), id);

    public static ContributionInfo? GetContribution(IWorldState state, ulong id) => GetContribution(ReadStore(state), id);

    public static Hash256 GetVersionRoot(ModuleStore store, ulong datanetId, ulong version)
    {
        var datanet = RequireDatanet(store, datanetId);
        if (version == 0 || version > datanet.Version)
            throw Revert($"datanet {datanetId} has versions 1..{datanet.Version}; there is no version {version}");
        return new Hash256(store.For(SystemAddresses.Datanets).Get(StorageKey.Of("version-root", datanetId, version)));
    }

    /// <summary>Approved contribution ids of a datanet in leaf order (to rebuild the tree and proofs).</summary>
    public static IReadOnlyList<ulong> GetApprovedContributions(IWorldState state, ulong datanetId)
    {
        var list = new StoredList(ReadStore(state), "approved", datanetId);
        var ids = new List<ulong>();
        for (ulong i = 0; i < list.Count; i++) ids.Add(list.GetU64(i));
        return ids;
    }

    public static IReadOnlyList<ulong> GetContributionsOf(IWorldState state, Address contributor)
    {
        var list = new StoredList(ReadStore(state), "contributions-of", contributor);
        var ids = new List<ulong>();
        for (ulong i = 0; i < list.Count; i++) ids.Add(list.GetU64(i));
        return ids;
    }

    public sealed record ContributorTotals(ulong Contributions, ulong Approved, UInt128 BondsHeld, UInt128 Earned, UInt128 Claimable, UInt128 Locked);

    /// <summary>Contribution counts and bonds from this module; earnings from the models module's accounts.</summary>
    public static ContributorTotals GetContributorTotals(ModuleContext c, Address contributor)
    {
        var store = c.Store.For(SystemAddresses.Datanets);
        var count = new StoredList(store, "contributions-of", contributor).Count;
        var approved = store.GetU64(StorageKey.Of("contributor-approved", contributor));
        var bonds = store.GetU128(StorageKey.Of("contributor-bonds", contributor));
        var earnings = ModelsModule.GetEarnings(c.Store, contributor);
        return new ContributorTotals(count, approved, bonds, earnings.ContributorEarned, earnings.Claimable, earnings.Locked);
    }

    public static ContributorTotals GetContributorTotals(IWorldState state, Address contributor) =>
        GetContributorTotals(ModuleContext.ForState(state, SystemAddresses.Datanets, new BlockContext(0, 0, Address.Zero, 0, new ChainParameters())), contributor);

    /// <summary>The storage slot of a contribution record (for proofs against the state root).</summary>
    public static Hash256 ContributionSlot(ulong contributionId) => StorageKey.Of("contribution", contributionId);

    public IReadOnlyDictionary<string, UInt128> GetLiabilities(IWorldState state) =>
        new Dictionary<string, UInt128> { ["contribution bonds"] = ReadStore(state).GetU128(StorageKey.Of(BondsHeldKey)) };

    // ---- helpers ----

    private static ModuleStore ReadStore(IWorldState state) => new(state, SystemAddresses.Datanets, null, true);

    private static DatanetInfo RequireDatanet(ModuleStore store, ulong id) =>
        GetDatanet(store, id) ?? throw Revert($"datanet {id} does not exist");

    private static ContributionInfo RequireContribution(ModuleStore store, ulong id) =>
        GetContribution(store, id) ?? throw Revert($"contribution {id} does not exist");

    private static bool IsCuratorOrOwner(ModuleStore store, DatanetInfo datanet, Address account) =>
        account == datanet.Owner || store.For(SystemAddresses.Datanets).GetU64(StorageKey.Of("curator", datanet.Id, account)) != 0;

    private static void Save(ModuleStore store, DatanetInfo datanet) => store.Set(StorageKey.Of("datanet", datanet.Id), datanet.Encode());

    private static void Save(ModuleStore store, ContributionInfo contribution) =>
        store.Set(StorageKey.Of("contribution", contribution.Id), contribution.Encode());

    private static Hash256[] LoadFrontier(ModuleStore store, ulong datanetId)
    {
        var frontier = new Hash256[ContributionTree.Depth];
        var raw = store.Get(StorageKey.Of("frontier", datanetId));
        if (raw.Length == 0) return frontier;
        var reader = new RlpReader(raw);
        var list = reader.ReadList();
        for (var i = 0; i < ContributionTree.Depth && list.HasMore; i++) frontier[i] = new Hash256(list.ReadBytes(Hash256.Length, "frontier hash"));
        return frontier;
    }

    private static void SaveFrontier(ModuleStore store, ulong datanetId, Hash256[] frontier)
    {
        // Only up to the highest non-zero entry: most datanets are small, so the record stays short.
        var used = frontier.Length;
        while (used > 0 && frontier[used - 1].IsZero) used--;
        var writer = new RlpWriter(40 * used + 8);
        var start = writer.BeginList();
        for (var i = 0; i < used; i++) writer.WriteBytes(frontier[i].Bytes);
        writer.EndList(start);
        store.Set(StorageKey.Of("frontier", datanetId), writer.WrittenSpan);
    }
}
