using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Engine;

/// <summary>
/// The votes of one type for one (height, round), with the exact power (wei) behind each block hash.
/// A validator's first vote is its vote "for anything" (counted once in <see cref="VotedPower"/>). A second,
/// conflicting vote is kept and also counted for the block it names, as the paper counts every signed
/// message: otherwise nodes that saw an equivocator's votes in different orders would disagree forever on
/// whether a block had +2/3 prevotes (its proof-of-lock), and a locked honest validator could never convince
/// the others. Quorum intersection still holds because equivocators have less than 1/3 of the power.
/// Further votes of an equivocator are ignored, which bounds memory. Signatures are checked by the caller.
/// </summary>
public sealed class VoteSet
{
    private readonly ValidatorSet _validators;
    private readonly Dictionary<Address, Vote> _votes = [];
    private readonly Dictionary<Address, Vote> _conflicting = [];
    private readonly Dictionary<Hash256, UInt128> _powerByBlock = [];

    public VoteSet(ValidatorSet validators, VoteType type, ulong height, int round)
    {
        _validators = validators;
        Type = type;
        Height = height;
        Round = round;
    }

    public VoteType Type { get; }
    public ulong Height { get; }
    public int Round { get; }

    /// <summary>Power of all validators that voted here, whatever they voted for (nil included).</summary>
    public UInt128 VotedPower { get; private set; }

    public int Count => _votes.Count;

    /// <summary>Every vote held: each validator's first vote, then the second votes of equivocators.</summary>
    public IEnumerable<Vote> Votes => _votes.Values.Concat(_conflicting.Values);

    /// <summary>True when <see cref="Add"/> would change nothing: the same vote is held, or the validator already equivocated here.</summary>
    public bool IsKnownOrIgnored(Vote vote) =>
        (_votes.TryGetValue(vote.Validator, out var first) && first.BlockHash == vote.BlockHash) || _conflicting.ContainsKey(vote.Validator);

    /// <summary>
    /// Adds a vote. <see cref="VoteAddResult.Conflicting"/> means it contradicts <paramref name="existing"/> (a
    /// double sign); the first conflicting vote is still counted for its block, later ones are not.
    /// </summary>
    public VoteAddResult Add(Vote vote, out Vote? existing)
    {
        existing = null;
        if (vote.Type != Type || vote.Height != Height || vote.Round != Round) return VoteAddResult.Rejected;
        var validator = _validators.Find(vote.Validator);
        if (validator is null) return VoteAddResult.Rejected;
        if (_votes.TryGetValue(vote.Validator, out existing))
        {
            if (existing.BlockHash == vote.BlockHash) return VoteAddResult.Duplicate;
            if (_conflicting.TryGetValue(vote.Validator, out var second))
                return second.BlockHash == vote.BlockHash ? VoteAddResult.Duplicate : VoteAddResult.Conflicting;
            _conflicting.Add(vote.Validator, vote);
            _powerByBlock[vote.BlockHash] = _powerByBlock.GetValueOrDefault(vote.BlockHash) + validator.Power;
            return VoteAddResult.Conflicting;
        }
        _votes.Add(vote.Validator, vote);
        VotedPower += validator.Power;
        _powerByBlock[vote.BlockHash] = _powerByBlock.GetValueOrDefault(vote.BlockHash) + validator.Power;
        return VoteAddResult.Added;
    }

    public Vote? VoteOf(Address validator) => _votes.GetValueOrDefault(validator);

    /// <summary>Power behind <paramref name="blockHash"/> (zero hash = nil).</summary>
    public UInt128 PowerFor(Hash256 blockHash) => _powerByBlock.GetValueOrDefault(blockHash);

    /// <summary>More than 2/3 of the power voted for <paramref name="blockHash"/> (zero hash = nil).</summary>
    public bool HasQuorumFor(Hash256 blockHash) => _validators.IsQuorum(PowerFor(blockHash));

    /// <summary>More than 2/3 of the power voted, for anything.</summary>
    public bool HasQuorumAny => _validators.IsQuorum(VotedPower);

    /// <summary>The block (or nil = zero hash) with more than 2/3 of the power, if there is one.</summary>
    public Hash256? QuorumBlock
    {
        get
        {
            foreach (var (hash, power) in _powerByBlock)
                if (_validators.IsQuorum(power)) return hash;
            return null;
        }
    }

    /// <summary>The votes for <paramref name="blockHash"/>, at most one per validator.</summary>
    public IEnumerable<Vote> VotesFor(Hash256 blockHash) => Votes.Where(v => v.BlockHash == blockHash);
}
