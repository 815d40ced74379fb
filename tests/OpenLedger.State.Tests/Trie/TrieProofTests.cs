using OpenLedger.Core.Types;
using OpenLedger.State.Trie;
using Xunit;

namespace OpenLedger.State.Tests.Trie;

public class TrieProofTests
{
    private static readonly Hash256 PuppyRoot = Hash256.Parse("0x5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84");

    private static PatriciaTrie Puppy()
    {
        // ethereum/tests trieanyorder.json "puppy": its root is known independently.
        var trie = new PatriciaTrie(new MemoryTrieNodeStore());
        trie.Set("do"u8, "verb"u8);
        trie.Set("horse"u8, "stallion"u8);
        trie.Set("doge"u8, "coin"u8);
        trie.Set("dog"u8, "puppy"u8);
        return trie;
    }

    [Fact]
    public void EmptyTrie_HasAnEmptyProofThatProvesAbsence()
    {
        var trie = new PatriciaTrie(new MemoryTrieNodeStore());
        var proof = trie.GetProof("anything"u8);
        Assert.Empty(proof);
        Assert.True(TrieProof.TryVerify(Hash256.EmptyTrieRoot, "anything"u8, proof, out var value, out var error), error);
        Assert.Null(value);
    }

    [Fact]
    public void EmptyProof_ForANonEmptyRoot_IsRejected()
    {
        Assert.False(TrieProof.TryVerify(PuppyRoot, "dog"u8, [], out var value, out var error));
        Assert.Null(value);
        Assert.Contains("proof ends", error);
    }

    [Fact]
    public void Proof_StartsAtTheRootNode_AndProvesValuesStoredInBranches()
    {
        var trie = Puppy();
        Assert.Equal(PuppyRoot, trie.RootHash);
        var proof = trie.GetProof("do"u8);
        Assert.Equal(PuppyRoot, OpenLedger.Core.Crypto.Keccak256.Hash(proof[0]));
        Assert.True(TrieProof.TryVerify(PuppyRoot, "do"u8, proof, out var value, out var error), error);
        Assert.Equal("verb"u8.ToArray(), value);

        foreach (var absent in new[] { "d", "dogs", "horses", "cat", "" })
        {
            var key = System.Text.Encoding.UTF8.GetBytes(absent);
            Assert.True(TrieProof.TryVerify(PuppyRoot, key, trie.GetProof(key), out var none, out var absentError), absentError);
            Assert.Null(none);
        }
    }

    [Fact]
    public void ProofForOneKey_DoesNotProveADifferentValue()
    {
        var trie = Puppy();
        var proof = trie.GetProof("horse"u8);
        Assert.True(TrieProof.TryVerify(PuppyRoot, "horse"u8, proof, out var value, out _));
        Assert.Equal("stallion"u8.ToArray(), value);
        // Same nodes, other key whose path needs nodes the proof does not have.
        Assert.False(TrieProof.TryVerify(PuppyRoot, "doge"u8, proof, out _, out var error));
        Assert.NotEmpty(error);
        // Against another root nothing verifies.
        Assert.False(TrieProof.TryVerify(Hash256.Parse("0x" + new string('1', 64)), "horse"u8, proof, out _, out var rootError));
        Assert.Contains("hashes to", rootError);
    }
}
