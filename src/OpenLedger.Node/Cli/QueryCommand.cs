using System.CommandLine;
using OpenLedger.Rpc.V1;

namespace OpenLedger.Node.Cli;

/// <summary>`openledger query account|block|tx|receipt|status` over gRPC (output: the response message as JSON), and the module views `query staking|datanets|models|gov ...`.</summary>
public static class QueryCommand
{
    public static Command Create()
    {
        var command = new Command("query", "Read chain state from a node over gRPC");
        command.Subcommands.Add(Account());
        command.Subcommands.Add(BlockCommand());
        command.Subcommands.Add(Transaction());
        command.Subcommands.Add(Receipt());
        command.Subcommands.Add(Status());
        foreach (var module in Modules.ModuleQueryCommand.CreateAll()) command.Subcommands.Add(module);
        return command;
    }

    private static Command Account()
    {
        var grpc = WalletClient.EndpointOption();
        var address = new Argument<string>("address") { Description = "Account address (0x…)" };
        var command = new Command("account", "Balance (wei) and nonce of an account") { address, grpc };
        command.SetAction((r, ct) => CliErrors.RunAsync(async () =>
        {
            using var client = new WalletClient(r.GetValue(grpc)!);
            WalletClient.Print(await client.Query.GetAccountAsync(new GetAccountRequest { Address = r.GetValue(address) }, cancellationToken: ct));
            return 0;
        }));
        return command;
    }

    private static Command BlockCommand()
    {
        var grpc = WalletClient.EndpointOption();
        var which = new Argument<string>("block") { Description = "Block number, 0x hash, \"latest\" or \"finalized\"", DefaultValueFactory = _ => "latest" };
        var full = new Option<bool>("--full") { Description = "Include full transactions" };
        var command = new Command("block", "A block by number, hash or tag") { which, full, grpc };
        command.SetAction((r, ct) => CliErrors.RunAsync(async () =>
        {
            using var client = new WalletClient(r.GetValue(grpc)!);
            var text = r.GetValue(which)!;
            var reference = text switch
            {
                "latest" => new BlockRef { Tag = BlockTag.Latest },
                "finalized" => new BlockRef { Tag = BlockTag.Finalized },
                "earliest" => new BlockRef { Tag = BlockTag.Earliest },
                _ when text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text.Length == 66 => new BlockRef { Hash = text },
                _ when ulong.TryParse(text, out var number) => new BlockRef { Number = number },
                _ => throw new CliException($"'{text}' is not a block number, a 32-byte 0x hash, or latest/finalized/earliest"),
            };
            WalletClient.Print(await client.Query.GetBlockAsync(new GetBlockRequest { Block = reference, FullTransactions = r.GetValue(full) }, cancellationToken: ct));
            return 0;
        }));
        return command;
    }

    private static Command Transaction()
    {
        var grpc = WalletClient.EndpointOption();
        var hash = new Argument<string>("hash") { Description = "Transaction hash" };
        var command = new Command("tx", "A transaction by hash (committed or pending)") { hash, grpc };
        command.SetAction((r, ct) => CliErrors.RunAsync(async () =>
        {
            using var client = new WalletClient(r.GetValue(grpc)!);
            WalletClient.Print(await client.Tx.GetTransactionAsync(new TxHashRequest { Hash = r.GetValue(hash) }, cancellationToken: ct));
            return 0;
        }));
        return command;
    }

    private static Command Receipt()
    {
        var grpc = WalletClient.EndpointOption();
        var hash = new Argument<string>("hash") { Description = "Transaction hash" };
        var command = new Command("receipt", "The receipt of a committed transaction") { hash, grpc };
        command.SetAction((r, ct) => CliErrors.RunAsync(async () =>
        {
            using var client = new WalletClient(r.GetValue(grpc)!);
            WalletClient.Print(await client.Tx.GetReceiptAsync(new TxHashRequest { Hash = r.GetValue(hash) }, cancellationToken: ct));
            return 0;
        }));
        return command;
    }

    private static Command Status()
    {
        var grpc = WalletClient.EndpointOption();
        var command = new Command("status", "Chain id, height, sync state and peers of the node") { grpc };
        command.SetAction((r, ct) => CliErrors.RunAsync(async () =>
        {
            using var client = new WalletClient(r.GetValue(grpc)!);
            WalletClient.Print(await client.Node.StatusAsync(new StatusRequest(), cancellationToken: ct));
            return 0;
        }));
        return command;
    }
}
