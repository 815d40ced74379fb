using System.CommandLine;
using System.Runtime.InteropServices;
using OpenLedger.Node.Config;
using OpenLedger.Node.Hosting;

namespace OpenLedger.Node.Cli;

/// <summary>`openledger node --home DIR`: runs one node until SIGINT / SIGTERM, then shuts down cleanly.</summary>
public static class NodeCommand
{
    public static Command Create()
    {
        var home = new Option<string>("--home") { Description = "Node home directory (see `openledger init`)", Required = true };
        var command = new Command("node", "Run a node") { home };
        command.SetAction((result, ct) => CliErrors.RunAsync(() => RunAsync(result.GetValue(home)!, ct)));
        return command;
    }

    public static async Task<int> RunAsync(string home, CancellationToken ct)
    {
        var config = NodeConfig.Load(Path.GetFullPath(home));
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
            host = await NodeHost.StartAsync(home, log, stop.Token);
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
