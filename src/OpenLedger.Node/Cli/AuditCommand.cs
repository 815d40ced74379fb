using System.CommandLine;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Genesis;
using OpenLedger.Node.Config;
using OpenLedger.Node.Hosting;
using OpenLedger.Storage;

namespace OpenLedger.Node.Cli;

/// <summary>
/// `openledger audit --home DIR`: checks the supply invariant on a stopped node's database — every balance
/// summed over the whole state trie equals the genesis supply, and every module holds exactly what it owes.
/// </summary>
public static class AuditCommand
{
    public static Command Create()
    {
        var home = new Option<string>("--home") { Description = "Home of a stopped node", Required = true };
        var command = new Command("audit", "Check the supply invariant at the head of a (stopped) node's chain") { home };
        command.SetAction(r => CliErrors.Run(() =>
        {
            var dir = Path.GetFullPath(r.GetValue(home)!);
            var config = NodeConfig.Load(dir);
            var genesis = GenesisDocument.Load(config.Resolve(dir, config.GenesisFile));
            using var db = RocksDbStore.Open(config.Resolve(dir, config.DataDirectory));
            var modules = ModuleCatalog.Create(genesis);
            var chain = Blockchain.Open(db, genesis, modules.Registry, modules.LoadParameters);
            var state = chain.StateAt();
            var report = SupplyAudit.Check(state, genesis.TotalSupply, modules.Registry);
            if (!report.Ok)
            {
                foreach (var problem in report.Problems) Console.Error.WriteLine($"error: {problem}");
                return 1;
            }
            Console.WriteLine($"supply audit OK at block {chain.Head.Number}: balances sum to {genesis.TotalSupply} wei and every module holds what it owes");
            return 0;
        }));
        return command;
    }
}
