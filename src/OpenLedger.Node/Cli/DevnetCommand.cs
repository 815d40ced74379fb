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
        var command = new Command("devnet", "Run a local devnet: N validators as separate processes on loopback from one generated genesis")
        {
            home, validators, accounts, chainId,
        };
        command.SetAction((r, ct) => CliErrors.RunAsync(() =>
            new DevnetRunner(r.GetValue(home)!, r.GetValue(validators), r.GetValue(accounts), r.GetValue(chainId), Console.Out).RunAsync(ct)));
        return command;
    }
}
