using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules.Common;

namespace OpenLedger.Execution.Modules.Models;

/// <summary>
/// The split of one settled fee (SPEC §4.3), in exact integers:
/// <code>
/// net              = fee − platformFee          (platformFee is capped at fee)
/// modelShare       = floor(net × ModelShareBps / 10000)          → model owner
///   royalty        = floor(modelShare × base.adapterRoyaltyBps / 10000) → base owner (adapters only)
///   adapter owner  = modelShare − royalty
/// stakerShare      = floor(net × StakerShareBps / 10000)         → validator reward pool
/// contributorShare = floor(net × ContributorShareBps / 10000)
///   each           = floor(contributorShare × weight_i / Σ weight) (influence, or training weights)
/// dust             = net − modelShare − stakerShare − Σ each      → treasury (with platformFee)
/// </code>
/// Payouts to the same account in the same role are merged. The parts always add up to the fee exactly.
/// </summary>
public sealed record FeeSplit
{
    public required UInt128 Fee { get; init; }
    public required UInt128 PlatformFee { get; init; }
    public required UInt128 ModelShare { get; init; }
    public required UInt128 StakerShare { get; init; }
    public required UInt128 ContributorShare { get; init; }
    public required UInt128 Dust { get; init; }
    public required IReadOnlyList<(Address Account, PayoutRole Role, UInt128 Amount)> Payouts { get; init; }

    public static FeeSplit Compute(UInt128 fee, ChainParameters p, ModelInfo? baseModel, ModelInfo model,
        IReadOnlyList<(Address Account, UInt128 Weight)> contributors)
    {
        var platformFee = fee < p.PlatformFee ? fee : p.PlatformFee;
        var net = fee - platformFee;
        var modelShare = Money.Bps(net, p.ModelShareBps);
        var stakerShare = Money.Bps(net, p.StakerShareBps);
        var contributorShare = Money.Bps(net, p.ContributorShareBps);
        var payouts = new List<(Address Account, PayoutRole Role, UInt128 Amount)>();

        void Add(Address account, PayoutRole role, UInt128 amount)
        {
            if (amount == 0) return;
            var index = payouts.FindIndex(x => x.Account == account && x.Role == role);
            if (index >= 0) payouts[index] = (account, role, payouts[index].Amount + amount);
            else payouts.Add((account, role, amount));
        }

        var royalty = baseModel is null ? 0 : Money.Bps(modelShare, baseModel.AdapterRoyaltyBps);
        if (baseModel is not null) Add(baseModel.Owner, PayoutRole.BaseModelRoyalty, royalty);
        Add(model.Owner, PayoutRole.ModelOwner, modelShare - royalty);

        var (shares, _) = Money.ProRata(contributorShare, contributors.Select(x => x.Weight).ToArray());
        UInt128 contributorsPaid = 0;
        for (var i = 0; i < contributors.Count; i++)
        {
            Add(contributors[i].Account, PayoutRole.Contributor, shares[i]);
            contributorsPaid += shares[i];
        }
        var dust = net - modelShare - stakerShare - contributorsPaid;
        return new FeeSplit
        {
            Fee = fee, PlatformFee = platformFee, ModelShare = modelShare, StakerShare = stakerShare,
            ContributorShare = contributorShare, Dust = dust, Payouts = payouts,
        };
    }
}
