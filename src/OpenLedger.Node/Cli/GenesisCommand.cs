using System.CommandLine;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Genesis;

namespace OpenLedger.Node.Cli;

/// <summary>Gentx-style genesis tooling: new, add-account, add-validator (signed by the operator), validate.</summary>
public static class GenesisCommand
{
    public static Command Create()
    {
        var command = new Command("genesis", "Create and edit genesis files");
        command.Subcommands.Add(New());
        command.Subcommands.Add(AddAccount());
        command.Subcommands.Add(AddValidator());
        command.Subcommands.Add(Validate());
        return command;
    }

    private static Option<string> FileOption() => new("--genesis") { Description = "Genesis file", Required = true };

    private static Command New()
    {
        var file = new Option<string>("--out") { Description = "Where to write the new genesis file", Required = true };
        var chainId = new Option<ulong>("--chain-id") { Description = "161200 devnet, 161201 testnet, 1612 mainnet", DefaultValueFactory = _ => ChainParameters.DevnetChainId };
        var time = new Option<ulong?>("--genesis-time-ms") { Description = "Block 0 timestamp (ms since the Unix epoch); default now" };
        var command = new Command("new", "Start a genesis: the supply in the reward reserve and the treasury, no accounts or validators yet") { file, chainId, time };
        command.SetAction(r => CliErrors.Run(() =>
        {
            var path = r.GetValue(file)!;
            if (File.Exists(path)) throw new InvalidOperationException($"{path} already exists");
            var genesis = GenesisBuilder.New(r.GetValue(chainId), r.GetValue(time) ?? (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            genesis.Save(path);
            Console.WriteLine($"Wrote {path}: chain {genesis.ChainId}, reserve {Wei.FormatOpen(genesis.RewardReserve)} OPEN, unallocated treasury {Wei.FormatOpen(genesis.Treasury)} OPEN");
            return 0;
        }));
        return command;
    }

    private static Command AddAccount()
    {
        var file = FileOption();
        var address = new Option<string>("--address") { Description = "Account address", Required = true };
        var balance = new Option<string>("--balance") { Description = "Amount: \"1000\" or \"1000 OPEN\" (OPEN, up to 18 decimals) or \"5wei\"", Required = true };
        var command = new Command("add-account", "Allocate OPEN to an account, out of the unallocated treasury") { file, address, balance };
        command.SetAction(r => CliErrors.Run(() =>
        {
            var path = r.GetValue(file)!;
            var genesis = GenesisDocument.Load(path);
            if (!Address.TryParse(r.GetValue(address), out var account, out var addressError)) throw new FormatException(addressError);
            if (!Wei.TryParseOpen(r.GetValue(balance), out var amount, out var amountError)) throw new FormatException(amountError);
            genesis = GenesisBuilder.AddAccount(genesis, account, amount);
            genesis.Save(path);
            Console.WriteLine($"Allocated {Wei.FormatOpen(amount)} OPEN to {account}; {Wei.FormatOpen(genesis.Treasury)} OPEN remain unallocated");
            return 0;
        }));
        return command;
    }

    private static Command AddValidator()
    {
        var file = FileOption();
        var operatorKey = new Option<string>("--operator-keyfile") { Description = "The operator's account key file (signs the entry)", Required = true };
        var consensusKey = new Option<string?>("--consensus-keyfile") { Description = "The node's consensus key file (HOME/keys/consensus_key.json)" };
        var consensusPub = new Option<string?>("--consensus-pubkey") { Description = "Or the consensus public key (65 bytes hex)" };
        var bond = new Option<string>("--self-bond") { Description = "Self-bond in OPEN (at least min_self_bond)", DefaultValueFactory = _ => "10000" };
        var commission = new Option<ushort>("--commission-bps") { Description = "Commission in basis points", DefaultValueFactory = _ => 500 };
        var moniker = new Option<string>("--moniker") { Description = "Validator name", Required = true };
        var command = new Command("add-validator", "Add a validator entry signed by its operator") { file, operatorKey, consensusKey, consensusPub, bond, commission, moniker };
        command.SetAction(r => CliErrors.Run(() =>
        {
            var path = r.GetValue(file)!;
            var genesis = GenesisDocument.Load(path);
            var op = KeyFile.Read(r.GetValue(operatorKey)!);
            byte[] pub;
            if (r.GetValue(consensusKey) is { } keyFile) pub = KeyFile.Read(keyFile).PublicKey;
            else if (r.GetValue(consensusPub) is { } hex) pub = Hex.Decode(hex);
            else throw new ArgumentException("give --consensus-keyfile or --consensus-pubkey");
            if (!Wei.TryParseOpen(r.GetValue(bond), out var selfBond, out var bondError)) throw new FormatException(bondError);
            genesis = GenesisBuilder.AddValidator(genesis, op, pub, selfBond, r.GetValue(commission), r.GetValue(moniker)!);
            genesis.Save(path);
            Console.WriteLine($"Added validator '{r.GetValue(moniker)}' (operator {op.Address}, self-bond {Wei.FormatOpen(selfBond)} OPEN)");
            return 0;
        }));
        return command;
    }

    private static Command Validate()
    {
        var file = new Argument<string>("file") { Description = "Genesis file to check" };
        var command = new Command("validate", "Check a genesis file and explain every problem") { file };
        command.SetAction(r => CliErrors.Run(() =>
        {
            var path = r.GetValue(file)!;
            var genesis = GenesisDocument.Load(path);
            var problems = GenesisRules.Validate(genesis);
            if (problems.Count > 0)
            {
                Console.Error.WriteLine($"{path} is invalid:");
                foreach (var problem in problems) Console.Error.WriteLine($"  - {problem}");
                return 1;
            }
            UInt128 bonded = 0;
            foreach (var v in genesis.Validators) bonded += v.SelfBond;
            Console.WriteLine($"{path} is valid: chain {genesis.ChainId}, {genesis.Accounts.Count} accounts, {genesis.Validators.Count} validators " +
                              $"({Wei.FormatOpen(bonded)} OPEN bonded), reserve {Wei.FormatOpen(genesis.RewardReserve)} OPEN, treasury {Wei.FormatOpen(genesis.Treasury)} OPEN");
            return 0;
        }));
        return command;
    }
}
