using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;
using OpenLedger.Execution.State;

namespace OpenLedger.Execution.Modules;

/// <summary>What genesis needs from the staking module: bonding the genesis validators and reading the active set.</summary>
public interface IStakingGenesis
{
    void CreateGenesisValidator(IWorldState state, BlockContext block, Address operatorAddress, byte[] consensusPublicKey,
        UInt128 selfBond, ushort commissionBps, string moniker);

    ValidatorSet GetActiveValidatorSet(IWorldState state);
}
