using System.CommandLine;
using System.Runtime.InteropServices;
using OpenLedger.Execution.Genesis;
using OpenLedger.Node.Config;
using OpenLedger.Node.Hosting;

namespace OpenLedger.Node.Cli;

/// <summary>
/// `openledger node --home DIR`: runs one node until SIGINT / SIGTERM, then shuts down cleanly. With
/// `--genesis FILE` and a home that does not exist yet, it first creates a full-node home (node key, no
/// consensus key), so `node --genesis FILE --bootnodes ADDRS --home DIR` joins a network in one command.
/// Listener and bootnode options override the home's config.json for this run.
/// </summary>
public static class NodeCommand
{
    public static Command Create()
    {
        var home = new Option<string>("--home") { Description = "Node home directory (see `openledger init`)", Required = true };
        var genesis = new Option<string?>("--genesis")
        {
            Description = "Genesis file: creates a full-node home if DIR has none yet; otherwise must equal DIR's genesis",
        };
        var settings = new NodeConfigOptions();
        var command = new Command("node", "Run a node (a validator if its consensus key is in the validator set, otherwise a full node)") { home, genesis };
        settings.AddTo(command);
        command.SetAction((result, ct) => CliErrors.RunAsync(() =>
        {
            var dir = Path.GetFullPath(result.GetValue(home)!);
            var config = PrepareHome(dir, result.GetValue(genesis), c => settings.Apply(result, c));
            return RunAsync(dir, config, ct);
        }));
        return command;
    }

    /// <summary>The config to run with: the home's (created as a full node from <paramref name="genesisFile"/> if missing) with the overrides applied.</summary>
    public static NodeConfig PrepareHome(string home, string? genesisFile, Func<NodeConfig, NodeConfig> overrides)
    {
        if (!File.Exists(Path.Combine(home, NodeConfig.FileName)) && genesisFile is not null)
        {
            var fresh = overrides(new NodeConfig { Moniker = Path.GetFileName(home), ConsensusKeyFile = null });
            var created = InitCommand.Initialize(home, fresh.Moniker, genesisFile, force: false, fresh);
            Console.WriteLine($"Created a full-node home (no consensus key): {created}");
            return fresh;
        }
        var config = NodeConfig.Load(home);
        if (genesisFile is not null)
        {
            var mine = config.Resolve(home, config.GenesisFile);
            // The content digest (what block 0 is made of; notes and formatting aside) rather than re-serialized JSON:
            // a million-account genesis would otherwise be serialized twice more on every start.
            if (GenesisDocument.Load(genesisFile).ContentDigest() != GenesisDocument.Load(mine).ContentDigest())
                throw new NodeConfigException($"{genesisFile} is not the genesis of {home} ({mine}); a home belongs to one chain — use another --home");
        }
        return overrides(config);
    }

    public static Task<int> RunAsync(string home, CancellationToken ct) => RunAsync(Path.GetFullPath(home), NodeConfig.Load(Path.GetFullPath(home)), ct);

    public static async Task<int> RunAsync(string home, NodeConfig config, CancellationToken ct)
    {
        var log = LoggingSetup.Create(config.LogLevel, config.JsonLogFile is null ? null : config.Resolve(home, config.JsonLogFile));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        NodeHost host;
        try
        {
            host = await NodeHost.StartAsync(home, log, stop.Token, config);
        }
        catch (Exception e) when (CliErrors.IsUserError(e))
        {
            log.Fatal("Cannot start: {Reason}", e.Message);
            throw;
        }
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        log.Information("Shutting down");
        await host.DisposeAsync();
        log.Information("Stopped cleanly at block {Height}", host.Chain.Head.Number);
        await Serilog.Log.CloseAndFlushAsync();
        return 0;
    }
}
