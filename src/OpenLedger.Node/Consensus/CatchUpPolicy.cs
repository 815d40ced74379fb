using OpenLedger.Consensus.Messages;
using OpenLedger.Network.Identity;

namespace OpenLedger.Node.Consensus;

/// <summary>
/// When a validator answers a peer's position announcement with the proposal and votes it has for that
/// height and round. Answering every announcement floods the topic: each of n validators announces every
/// second and n - 1 others would re-publish the proposal (with its whole block) and every vote, so the traffic
/// grows with n³; with seven validators on a busy machine that starved consensus. A peer is answered when it is
/// behind (an earlier height or round), or when it announces the same position twice in a row — it made no
/// progress for an announcement interval, so it probably missed messages. Peers that keep up get nothing.
/// </summary>
public sealed class CatchUpPolicy
{
    private readonly Dictionary<PeerId, NewRoundStepMessage> _lastPosition = new();

    public bool ShouldAnswer(PeerId peer, NewRoundStepMessage position, ulong height, int round)
    {
        var stuck = _lastPosition.TryGetValue(peer, out var previous) && previous == position;
        _lastPosition[peer] = position;
        if (position.Height != height) return position.Height < height;
        return position.Round < round || stuck;
    }
}
