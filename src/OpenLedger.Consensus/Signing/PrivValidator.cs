using OpenLedger.Consensus.Messages;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Signing;

/// <summary>
/// The validator's guard against double signing. It remembers the last (height, round, step) it signed and
/// refuses to sign anything at an earlier position, or different data at the same position; the memory is
/// saved (fsynced) through <see cref="ISigningStateStore"/> before the signature is returned, so the guard
/// holds across crashes. Signing the same data again returns the same signature.
/// </summary>
public sealed class PrivValidator
{
    private readonly IVoteSigner _signer;
    private readonly ISigningStateStore _store;
    private LastSignState? _last;

    public PrivValidator(IVoteSigner signer, ISigningStateStore store)
    {
        _signer = signer;
        _store = store;
        _last = store.Load();
    }

    public Address Address => _signer.Address;

    public LastSignState? LastSigned => _last;

    public SignOutcome<Vote> SignVote(ulong chainId, VoteType type, ulong height, int round, Hash256 blockHash)
    {
        var step = type == VoteType.Prevote ? RoundStep.Prevote : RoundStep.Precommit;
        var digest = Vote.SigningDigest(chainId, type, height, round, blockHash);
        var signature = SignAt(height, round, step, digest, out var refusal);
        if (signature is null) return new SignOutcome<Vote>(null, refusal);
        return new SignOutcome<Vote>(new Vote
        {
            Type = type, Height = height, Round = round, BlockHash = blockHash, Validator = _signer.Address, Signature = signature,
        }, null);
    }

    public SignOutcome<Proposal> SignProposal(ulong chainId, ulong height, int round, int polRound, ProposedBlock block)
    {
        var digest = Proposal.SigningDigest(chainId, height, round, polRound, block.Hash);
        var signature = SignAt(height, round, RoundStep.Propose, digest, out var refusal);
        if (signature is null) return new SignOutcome<Proposal>(null, refusal);
        return new SignOutcome<Proposal>(new Proposal
        {
            Height = height, Round = round, PolRound = polRound, Block = block, Proposer = _signer.Address, Signature = signature,
        }, null);
    }

    private byte[]? SignAt(ulong height, int round, RoundStep step, Hash256 digest, out string? refusal)
    {
        refusal = null;
        if (_last is { } last)
        {
            var order = LastSignState.Compare(height, round, step, last.Height, last.Round, last.Step);
            if (order < 0)
            {
                refusal = $"refusing to sign {step} at height {height} round {round}: already signed {last.Step} at height {last.Height} round {last.Round}";
                return null;
            }
            if (order == 0)
            {
                if (last.Digest == digest) return (byte[])last.Signature.Clone();
                refusal = $"refusing to sign conflicting {step} at height {height} round {round}: different data was already signed there";
                return null;
            }
        }
        var signature = _signer.Sign(digest);
        var state = new LastSignState(height, round, step, digest, signature);
        _store.Save(state);
        _last = state;
        return (byte[])signature.Clone();
    }
}
