using System.CommandLine;
using OpenLedger.Node.Cli;

// The composition root of the `openledger` executable. Each command group lives in Cli/<Name>Command.cs and
// exposes `static Command Create()`; add new groups to the list below.
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
