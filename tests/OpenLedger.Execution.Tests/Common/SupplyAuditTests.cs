using OpenLedger.Core.Types;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.Modules.Common;
using OpenLedger.Execution.State;
using Xunit;

namespace OpenLedger.Execution.Tests.Common;

/// <summary>The one supply audit: both halves of the invariant, and what it says when either breaks.</summary>
public sealed class SupplyAuditTests
{
    private static readonly Address Alice = Address.FromUInt64(0xa11ce);
    private static readonly Address ModuleAddress = Address.FromUInt64(0x0a99);

    [Fact]
    public void BalancedSupply_AndSolventModule_PassTheAudit()
    {
        var (backend, state) = State(alice: 70, module: 30);
        var report = SupplyAudit.Check(backend.Accounts.Select(a => a.Account.Balance), 100, state, [new Escrow(30)]);
        Assert.True(report.Ok, report.ToString());
        Assert.Equal(100, (int)report.TotalBalances);
        Assert.Equal("supply audit OK", report.ToString());
    }

    [Fact]
    public void MintedOpen_AndAnInsolventModule_AreBothReportedExactly()
    {
        var (backend, state) = State(alice: 75, module: 30);
        var report = SupplyAudit.Check(backend.Accounts.Select(a => a.Account.Balance), 100, state, [new Escrow(31)]);
        Assert.False(report.Ok);
        Assert.Equal(
            [
                "balances sum to 105 wei, genesis supply is 100 wei (difference +5 wei)",
                "escrow module holds 30 wei but owes 31 wei (escrows 31)",
            ],
            report.Problems);
        Assert.StartsWith("supply invariant broken: balances sum to 105 wei", report.ToString());
    }

    [Fact]
    public void Sum_IsExact_BeyondOneHundredTwentyEightBits()
    {
        // Two balances of UInt128.MaxValue cannot be a real state, but the audit must say so rather than overflow.
        var (backend, state) = State(alice: UInt128.MaxValue, module: UInt128.MaxValue);
        var report = SupplyAudit.Check(backend.Accounts.Select(a => a.Account.Balance), 0, state, []);
        Assert.Equal((System.Numerics.BigInteger)UInt128.MaxValue * 2, report.TotalBalances);
        Assert.Single(report.Problems);
    }

    private static (MemoryStateBackend Backend, WorldState State) State(UInt128 alice, UInt128 module)
    {
        var backend = new MemoryStateBackend();
        var state = new WorldState(backend);
        state.SetBalance(Alice, alice);
        state.SetBalance(ModuleAddress, module);
        state.Commit();
        return (backend, state);
    }

    /// <summary>A module that owes a fixed amount of escrows.</summary>
    private sealed class Escrow(UInt128 owed) : IAccountedModule
    {
        public Address Address => ModuleAddress;

        public string Name => "escrow";

        public IReadOnlyDictionary<string, UInt128> GetLiabilities(IWorldState state) => new Dictionary<string, UInt128> { ["escrows"] = owed };

        public byte[] Call(ModuleCall call) => throw new NotSupportedException();

        public void BeginBlock(BlockHookContext context)
        {
        }

        public void EndBlock(BlockHookContext context)
        {
        }
    }
}
