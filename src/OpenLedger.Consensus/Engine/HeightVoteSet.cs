using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Engine;

/// <summary>All prevotes and precommits of one height, by round, plus who voted at all in each round (for round skipping).</summary>
public sealed class HeightVoteSet
{
    private readonly ValidatorSet _validators;
    private readonly ulong _height;
    private readonly SortedDictionary<int, RoundVotes> _rounds = [];

    public HeightVoteSet(ValidatorSet validators, ulong height)
    {
        _validators = validators;
        _height = height;
    }

    public IEnumerable<int> Rounds => _rounds.Keys;

    /// <summary>True when some vote of <paramref name="round"/> is held (looking does not create the round).</summary>
    public bool HasRound(int round) => _rounds.ContainsKey(round);

    public VoteSet Prevotes(int round) => GetRound(round).Prevotes;

    public VoteSet Precommits(int round) => GetRound(round).Precommits;

    public VoteSet Of(VoteType type, int round) => type == VoteType.Prevote ? Prevotes(round) : Precommits(round);

    public VoteAddResult Add(Vote vote, out Vote? existing)
    {
        var round = GetRound(vote.Round);
        var result = round.Of(vote.Type).Add(vote, out existing);
        if (result == VoteAddResult.Added && round.AnyVoters.Add(vote.Validator))
            round.AnyVotePower += _validators.Find(vote.Validator)!.Power;
        return result;
    }

    /// <summary>Power of the distinct validators that sent any vote in <paramref name="round"/>.</summary>
    public UInt128 AnyVotePower(int round) => _rounds.TryGetValue(round, out var r) ? r.AnyVotePower : 0;

    private RoundVotes GetRound(int round)
    {
        if (!_rounds.TryGetValue(round, out var votes))
        {
            votes = new RoundVotes(new VoteSet(_validators, VoteType.Prevote, _height, round), new VoteSet(_validators, VoteType.Precommit, _height, round));
            _rounds.Add(round, votes);
        }
        return votes;
    }

    private sealed class RoundVotes(VoteSet prevotes, VoteSet precommits)
    {
        public VoteSet Prevotes { get; } = prevotes;
        public VoteSet Precommits { get; } = precommits;
        public HashSet<Address> AnyVoters { get; } = [];
        public UInt128 AnyVotePower { get; set; }
        public VoteSet Of(VoteType type) => type == VoteType.Prevote ? Prevotes : Precommits;
    }
}
