using OpenLedger.Consensus.Messages;
using OpenLedger.Core.Chain;

namespace OpenLedger.Consensus;

/// <summary>What the engine asks its host to do, in order, after each call.</summary>
public abstract record ConsensusEffect;

/// <summary>Gossip a proposal (ours, or a re-proposal of the valid block in a later round).</summary>
public sealed record BroadcastProposal(Proposal Proposal) : ConsensusEffect;

/// <summary>Gossip one of our votes. The signing state was fsynced before this effect was produced.</summary>
public sealed record BroadcastVote(Vote Vote) : ConsensusEffect;

/// <summary>Call back with <see cref="TimeoutFired"/>(height, round, step) after <paramref name="Duration"/>. Stale timeouts are ignored, so never cancel.</summary>
public sealed record ScheduleTimeout(ulong Height, int Round, RoundStep Step, TimeSpan Duration) : ConsensusEffect;

/// <summary>We propose at (height, round): build a block and answer with <see cref="BlockToPropose"/>.</summary>
public sealed record RequestBlock(ulong Height, int Round) : ConsensusEffect;

/// <summary>Check the proposed block (hash matches payload, transactions valid on the parent state) and answer with <see cref="ProposalValidated"/>.</summary>
public sealed record ValidateBlock(ulong Height, ProposedBlock Block) : ConsensusEffect;

/// <summary>
/// The height is decided: execute and store <paramref name="Block"/> with its certificate, then call
/// <c>StartHeight(height + 1, ...)</c> (after the block interval the chain wants).
/// </summary>
public sealed record CommitBlock(ulong Height, int Round, ProposedBlock Block, Commit Commit) : ConsensusEffect;

/// <summary>A validator signed two different votes for one (height, round, type): gossip and include in a block.</summary>
public sealed record EvidenceDetected(DuplicateVoteEvidence Evidence) : ConsensusEffect;

/// <summary>Our signer refused to sign (it already signed something at or after that position); logged, not fatal.</summary>
public sealed record SigningRefused(string Reason) : ConsensusEffect;
