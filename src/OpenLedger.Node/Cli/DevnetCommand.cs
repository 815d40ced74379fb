using System.CommandLine;
using OpenLedger.Execution;
using OpenLedger.Node.Devnet;

namespace OpenLedger.Node.Cli;

public static class DevnetCommand
{
    public static Command Create()
    {
        var home = new Option<string>("--home") { Description = "Directory for the devnet (node homes, genesis, devnet.json)", DefaultValueFactory = _ => ".devnet" };
        var validators = new Option<int>("--validators") { Description = "Number of validator processes", DefaultValueFactory = _ => 4 };
        var accounts = new Option<int>("--accounts") { Description = "Number of funded dev accounts", DefaultValueFactory = _ => 10 };
        var chainId = new Option<ulong>("--chain-id") { DefaultValueFactory = _ => ChainParameters.DevnetChainId };
        var genesis = new Option<string?>("--genesis") { Description = "Start from this genesis (e.g. genesis/devnet.json) instead of generating one" };
        var writeGenesis = new Option<string?>("--write-genesis") { Description = "Only write the devnet genesis for --validators and --accounts to this file, and exit" };
        var command = new Command("devnet", "Run a local devnet: N validators as separate processes on loopback from one generated genesis")
        {
            home, validators, accounts, chainId, genesis, writeGenesis,
        };
        command.SetAction((r, ct) => CliErrors.RunAsync(() =>
        {
            if (r.GetValue(writeGenesis) is { } path)
            {
                DevnetRunner.CreateGenesis(r.GetValue(validators), r.GetValue(accounts), r.GetValue(chainId)).Save(path);
                Console.WriteLine($"Wrote {path}: {r.GetValue(validators)} devnet validators, {r.GetValue(accounts)} dev accounts (INSECURE deterministic keys)");
                return Task.FromResult(0);
            }
            return new DevnetRunner(r.GetValue(home)!, r.GetValue(validators), r.GetValue(accounts), r.GetValue(chainId), Console.Out, r.GetValue(genesis))
                .RunAsync(ct);
        }));
        return command;
    }
}
