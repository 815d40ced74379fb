using OpenLedger.Consensus.Messages;
using OpenLedger.Consensus.Proposers;
using OpenLedger.Consensus.Signing;
using OpenLedger.Consensus.Wal;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Consensus.Tests;

/// <summary>Real consensus keys end to end: four engines with secp256k1 signers decide a height and the certificate verifies.</summary>
public sealed class Secp256k1SigningTests
{
    private const ulong ChainId = 161200;

    [Fact]
    public void Four_engines_with_real_keys_decide_a_height_with_a_verifiable_commit()
    {
        var keys = Enumerable.Range(1, 4).Select(i => new PrivateKey(Keccak256.Hash(BitConverter.GetBytes(i)).Bytes)).ToArray();
        var validators = new ValidatorSet(keys.Select(k => new Validator(k.Address, k.PublicKey, k.Address, Wei.FromOpen(10_000))));
        var queue = ProposerPriorityQueue.Create(validators);
        var config = new ConsensusConfig { ChainId = ChainId };
        var engines = keys.Select(k => new TendermintEngine(config, new PrivValidator(new Secp256k1VoteSigner(k), new InMemorySigningStateStore()),
            Secp256k1VoteVerifier.Instance, new InMemoryConsensusWal())).ToArray();

        // Deliver every effect synchronously: broadcasts to all other engines, application requests answered at once.
        var pending = new Queue<(int Engine, ConsensusInput Input)>();
        var decisions = new List<CommitBlock>();
        void Carry(int from, IEnumerable<ConsensusEffect> effects)
        {
            foreach (var effect in effects)
            {
                switch (effect)
                {
                    case BroadcastProposal p:
                        for (var i = 0; i < engines.Length; i++) if (i != from) pending.Enqueue((i, new ProposalReceived(ConsensusMessage.Decode(new ProposalMessage(p.Proposal).Encode()) is ProposalMessage m ? m.Proposal : null!)));
                        break;
                    case BroadcastVote v:
                        for (var i = 0; i < engines.Length; i++) if (i != from) pending.Enqueue((i, new VoteReceived(Vote.Decode(v.Vote.Encode()))));
                        break;
                    case RequestBlock r:
                        var payload = "real keys"u8.ToArray();
                        pending.Enqueue((from, new BlockToPropose(r.Height, r.Round, new ProposedBlock(Keccak256.Hash(payload), payload))));
                        break;
                    case ValidateBlock b:
                        pending.Enqueue((from, new ProposalValidated(b.Height, b.Block.Hash, Keccak256.Hash(b.Block.Payload) == b.Block.Hash)));
                        break;
                    case CommitBlock c:
                        decisions.Add(c);
                        break;
                }
            }
        }
        for (var i = 0; i < engines.Length; i++) Carry(i, engines[i].StartHeight(1, validators, queue));
        while (pending.TryDequeue(out var next)) Carry(next.Engine, engines[next.Engine].Handle(next.Input));

        Assert.Equal(4, decisions.Count);
        Assert.Single(decisions.Select(d => d.Block.Hash).Distinct());
        foreach (var decision in decisions)
        {
            Assert.Null(CommitVerifier.Verify(decision.Commit, validators, ChainId, 1, decision.Block.Hash, Secp256k1VoteVerifier.Instance));
            // Block sync checks certificates with Core's verifier: it must accept what the engine produces.
            Assert.True(CommitVerifier.TryVerify(decision.Commit, validators, ChainId, 1, decision.Block.Hash, out var error), error);
        }
        // The same certificate under another chain id does not verify: the chain id is signed.
        Assert.NotNull(CommitVerifier.Verify(decisions[0].Commit, validators, ChainId + 1, 1, decisions[0].Block.Hash, Secp256k1VoteVerifier.Instance));
    }

    [Fact]
    public void The_verifier_rejects_another_signer_and_malformed_signatures()
    {
        var key = new PrivateKey(Keccak256.Hash("consensus key"u8).Bytes);
        var other = new PrivateKey(Keccak256.Hash("someone else"u8).Bytes);
        var digest = Vote.SigningDigest(ChainId, VoteType.Prevote, 1, 0, Hash256.Zero);
        var signature = new Secp256k1VoteSigner(key).Sign(digest);
        Assert.True(Secp256k1VoteVerifier.Instance.Verify(digest, signature, key.Address));
        Assert.False(Secp256k1VoteVerifier.Instance.Verify(digest, signature, other.Address));
        Assert.False(Secp256k1VoteVerifier.Instance.Verify(Vote.SigningDigest(ChainId, VoteType.Prevote, 1, 1, Hash256.Zero), signature, key.Address));
        Assert.False(Secp256k1VoteVerifier.Instance.Verify(digest, signature[..64], key.Address));
        Assert.False(Secp256k1VoteVerifier.Instance.Verify(digest, new byte[65], key.Address));
    }
}
