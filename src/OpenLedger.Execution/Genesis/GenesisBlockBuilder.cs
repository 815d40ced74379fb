using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.State;
using OpenLedger.Execution.StateTrie;
using OpenLedger.State.Trie;

namespace OpenLedger.Execution.Genesis;

/// <summary>Turns a validated genesis document into block 0 and its state.</summary>
public static class GenesisBlockBuilder
{
    public sealed record Result(Block Block, TrieStateBackend State, ValidatorSet Validators);

    public static Result Build(GenesisDocument genesis, ModuleRegistry modules, ITrieNodeStore nodes)
    {
        var problems = GenesisRules.Validate(genesis);
        if (problems.Count > 0) throw new GenesisException("invalid genesis: " + string.Join("; ", problems));

        var backend = new TrieStateBackend(nodes, Hash256.EmptyTrieRoot);
        var state = new WorldState(backend);
        foreach (var account in genesis.Accounts) state.AddBalance(account.Address, account.Balance);
        state.AddBalance(SystemAddresses.RewardReserve, genesis.RewardReserve);
        state.AddBalance(SystemAddresses.Treasury, genesis.Treasury);

        var context = new BlockContext(0, genesis.GenesisTimeMs, Address.Zero, genesis.Params.InitialBaseFee, genesis.Params);
        ValidatorSet validators;
        if (modules.All.OfType<IStakingGenesis>().FirstOrDefault() is { } staking)
        {
            foreach (var v in genesis.Validators)
                staking.CreateGenesisValidator(state, context, v.Operator, v.ConsensusPublicKey, v.SelfBond, v.CommissionBps, v.Moniker);
            validators = staking.GetActiveValidatorSet(state);
        }
        else
        {
            // Without the staking module (unit tests of the bare chain) the genesis validators keep their
            // self-bond as balance and vote with it.
            validators = new ValidatorSet(genesis.Validators.Select(v => new Validator(v.ConsensusAddress, v.ConsensusPublicKey, v.Operator, v.SelfBond)));
        }
        var stateRoot = state.Commit();

        var header = new BlockHeader
        {
            ParentHash = Hash256.Zero,
            Number = 0,
            TimestampMs = genesis.GenesisTimeMs,
            Proposer = Address.Zero,
            StateRoot = stateRoot,
            TransactionsRoot = Hash256.EmptyTrieRoot,
            ReceiptsRoot = Hash256.EmptyTrieRoot,
            LogsBloom = new Bloom(),
            GasUsed = 0,
            GasLimit = genesis.Params.BlockGasLimit,
            BaseFeePerGas = genesis.Params.InitialBaseFee,
            ValidatorSetHash = validators.Hash,
            NextValidatorSetHash = validators.Hash,
            LastCommitHash = Commit.Empty.Hash,
            EvidenceHash = Block.ComputeEvidenceHash([]),
        };
        return new Result(new Block { Header = header, Transactions = [], LastCommit = Commit.Empty }, backend, validators);
    }
}
