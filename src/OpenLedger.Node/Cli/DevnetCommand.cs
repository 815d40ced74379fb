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
        var initOnly = new Option<bool>("--init-only") { Description = "Only create the node homes, genesis and devnet.json (keep existing ones), and exit" };
        var container = new Option<bool>("--container") { Description = "Homes for docker/docker-compose.yml: listen on 0.0.0.0 at fixed ports, bootnodes by service name (nodeI)" };
        var readyTimeout = new Option<int>("--ready-timeout") { Description = "Seconds the nodes may take to start and commit block 1", DefaultValueFactory = _ => 90 };
        var command = new Command("devnet", "Run a local devnet: N validators as separate processes on loopback from one generated genesis")
        {
            home, validators, accounts, chainId, genesis, writeGenesis, initOnly, container, readyTimeout,
        };
        command.SetAction((r, ct) => CliErrors.RunAsync(() =>
        {
            if (r.GetValue(writeGenesis) is { } path)
            {
                DevnetRunner.CreateGenesis(r.GetValue(validators), r.GetValue(accounts), r.GetValue(chainId)).Save(path);
                Console.WriteLine($"Wrote {path}: {r.GetValue(validators)} devnet validators, {r.GetValue(accounts)} dev accounts (INSECURE deterministic keys)");
                return Task.FromResult(0);
            }
            var runner = new DevnetRunner(r.GetValue(home)!, r.GetValue(validators), r.GetValue(accounts), r.GetValue(chainId), Console.Out, r.GetValue(genesis))
            {
                ContainerLayout = r.GetValue(container),
                ReadyTimeout = TimeSpan.FromSeconds(r.GetValue(readyTimeout)),
            };
            if (r.GetValue(initOnly)) return Task.FromResult(runner.InitOnly());
            if (runner.ContainerLayout)
                throw new CliException("--container homes listen on fixed ports inside containers; use it with --init-only (see docker/docker-compose.yml)");
            return runner.RunAsync(ct);
        }));
        return command;
    }
}
