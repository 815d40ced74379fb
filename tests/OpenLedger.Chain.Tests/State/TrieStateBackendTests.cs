using OpenLedger.Core.Types;
using OpenLedger.Execution.State;
using OpenLedger.Execution.StateTrie;
using OpenLedger.State.Trie;
using Xunit;

namespace OpenLedger.Chain.Tests.State;

public class TrieStateBackendTests
{
    private static readonly Address Alice = Address.FromUInt64(0xa11ce);
    private static readonly Address Bob = Address.FromUInt64(0xb0b);
    private static readonly Hash256 Slot = new(Enumerable.Repeat((byte)7, 32).ToArray());

    [Fact]
    public void CommittedState_ReadsBackAtItsRoot_AndOldRootsStillReadOldState()
    {
        var nodes = new MemoryTrieNodeStore();
        var backend = new TrieStateBackend(nodes, Hash256.EmptyTrieRoot);
        var state = new WorldState(backend);
        state.AddBalance(Alice, 1_000);
        state.SetStorage(Bob, Slot, [1, 2, 3]);
        var root1 = state.Commit();
        backend.CommitTo(nodes);

        var state2 = new WorldState(new TrieStateBackend(nodes, root1));
        state2.Transfer(Alice, Bob, 400);
        state2.SetNonce(Alice, 1);
        var backend2 = (TrieStateBackend)state2.Backend;
        var root2 = state2.Commit();
        backend2.CommitTo(nodes);

        Assert.NotEqual(root1, root2);
        var at1 = new TrieStateBackend(nodes, root1);
        var at2 = new TrieStateBackend(nodes, root2);
        Assert.Equal((UInt128)1_000, at1.GetAccount(Alice)!.Value.Balance);
        Assert.Equal((UInt128)600, at2.GetAccount(Alice)!.Value.Balance);
        Assert.Equal(1UL, at2.GetAccount(Alice)!.Value.Nonce);
        Assert.Equal((UInt128)400, at2.GetAccount(Bob)!.Value.Balance);
        Assert.Equal(new byte[] { 1, 2, 3 }, at2.GetStorage(Bob, Slot));
    }

    [Fact]
    public void Revert_UndoesBalancesAndStorage_AndTheRootIsAsIfNothingHappened()
    {
        var reference = new WorldState(new TrieStateBackend(new MemoryTrieNodeStore(), Hash256.EmptyTrieRoot));
        reference.AddBalance(Alice, 50);
        var expected = reference.Commit();

        var state = new WorldState(new TrieStateBackend(new MemoryTrieNodeStore(), Hash256.EmptyTrieRoot));
        state.AddBalance(Alice, 50);
        var snapshot = state.TakeSnapshot();
        state.Transfer(Alice, Bob, 20);
        state.SetStorage(Bob, Slot, [9]);
        state.RevertToSnapshot(snapshot);
        Assert.Equal((UInt128)50, state.GetBalance(Alice));
        Assert.Empty(state.GetStorage(Bob, Slot));
        Assert.Equal(expected, state.Commit());
    }

    [Fact]
    public void ForgettingUndoHistory_KeepsEveryChangeForCommit_ButOlderSnapshotsCanNoLongerBeRevertedTo()
    {
        var reference = new WorldState(new TrieStateBackend(new MemoryTrieNodeStore(), Hash256.EmptyTrieRoot));
        reference.AddBalance(Alice, 50);
        reference.Transfer(Alice, Bob, 20);
        reference.SetStorage(Bob, Slot, [9]);
        var expected = reference.Commit();

        var state = new WorldState(new TrieStateBackend(new MemoryTrieNodeStore(), Hash256.EmptyTrieRoot));
        state.AddBalance(Alice, 50);
        var beforeTransfer = state.TakeSnapshot();
        state.Transfer(Alice, Bob, 20);
        state.SetStorage(Bob, Slot, [9]);
        state.ForgetUndoHistory();
        // A later failed call still reverts only its own changes, back to values written before the history was dropped.
        var snapshot = state.TakeSnapshot();
        state.Transfer(Bob, Alice, 5);
        state.SetStorage(Bob, Slot, [1]);
        state.RevertToSnapshot(snapshot);
        Assert.Throws<ArgumentOutOfRangeException>(() => state.RevertToSnapshot(beforeTransfer + 10));
        Assert.Equal((UInt128)30, state.GetBalance(Alice));
        Assert.Equal(new byte[] { 9 }, state.GetStorage(Bob, Slot));
        Assert.Equal(expected, state.Commit());
    }

    [Fact]
    public void AccountProof_VerifiesAgainstTheStateRoot()
    {
        var nodes = new MemoryTrieNodeStore();
        var backend = new TrieStateBackend(nodes, Hash256.EmptyTrieRoot);
        var state = new WorldState(backend);
        for (ulong i = 1; i <= 50; i++) state.AddBalance(Address.FromUInt64(i), i * 10);
        var root = state.Commit();
        var proof = backend.GetAccountProof(Address.FromUInt64(7));
        var key = OpenLedger.Core.Crypto.Keccak256.HashToArray(Address.FromUInt64(7).Bytes);
        Assert.True(TrieProof.TryVerify(root, key, proof, out var value, out var error), error);
        Assert.Equal((UInt128)70, StateAccount.Decode(value!).Balance);
    }

    [Fact]
    public void InsufficientBalance_IsAnErrorNotAWrap()
    {
        var state = new WorldState(new MemoryStateBackend());
        state.AddBalance(Alice, 5);
        var error = Assert.Throws<InsufficientBalanceException>(() => state.Transfer(Alice, Bob, 6));
        Assert.Contains("insufficient balance", error.Message);
        Assert.Equal((UInt128)5, state.GetBalance(Alice));
        Assert.Throws<OverflowException>(() => state.AddBalance(Alice, UInt128.MaxValue));
    }
}
