using System.CommandLine;
using OpenLedger.Node.Cli;

// The composition root of the `openledger` executable. Each command group lives in Cli/<Name>Command.cs and
// exposes `static Command Create()`; add new groups to the list below.
// A paced bench sleeps between sends, on the cores of the nodes it measures: its idle thread-pool workers block at
// once instead of spinning first (docs/performance.md, session 8). Set before the first worker starts; a value in
// the environment wins.
if (args is ["bench", ..] && args.Contains("--rate") && Environment.GetEnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit") is null)
    AppContext.SetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", 0);

var root = new RootCommand("OpenLedger node: validator, operator tool and wallet CLI for the OpenLedger L2 chain");
foreach (var command in new[]
         {
             KeysCommand.Create(),
             TxCommand.Create(),
             InitCommand.Create(),
             NodeCommand.Create(),
             DevnetCommand.Create(),
             GenesisCommand.Create(),
             QueryCommand.Create(),
             BenchCommand.Create(),
             AuditCommand.Create(),
         })
{
    root.Subcommands.Add(command);
}
return await root.Parse(args).InvokeAsync();
