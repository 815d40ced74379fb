using System.CommandLine;
using Google.Protobuf;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Types;
using OpenLedger.Rpc.V1;

namespace OpenLedger.Node.Cli.Modules;

/// <summary>
/// `openledger query staking|datanets|models|gov &lt;view&gt; --input ...`: one subcommand per view function of the
/// module's ABI, run as a gRPC Simulate (eth_call) at the latest block and decoded with the same ABI.
/// </summary>
public static class ModuleQueryCommand
{
    public static IEnumerable<Command> CreateAll() => ModuleDescriptor.All.Select(Create);

    public static Command Create(ModuleDescriptor module)
    {
        var command = new Command(module.CommandName, module.Description + ": read views");
        foreach (var group in module.Abi.Functions.Where(f => f.IsReadOnly).GroupBy(f => f.Name))
            command.Subcommands.Add(CreateView(module, group.ToList()));
        return command;
    }

    private static Command CreateView(ModuleDescriptor module, IReadOnlyList<AbiFunction> overloads)
    {
        var name = overloads[0].Name;
        var inputs = new ModuleFunctionOptions(module, overloads, null);
        var block = new Option<ulong?>("--block") { Description = "Read at this block number (default: latest)" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text" };
        var grpc = WalletClient.EndpointOption();
        var command = new Command(name, $"View {string.Join(" / ", overloads.Select(f => f.ToHumanReadable()))}");
        if (AbiTextValue.Kebab(name) != name) command.Aliases.Add(AbiTextValue.Kebab(name));
        foreach (var option in inputs.Options) command.Options.Add(option);
        command.Options.Add(block);
        command.Options.Add(json);
        command.Options.Add(grpc);
        command.SetAction((r, ct) => CliErrors.RunAsync(async () =>
        {
            var (function, calldata) = inputs.Encode(r);
            using var client = new WalletClient(r.GetValue(grpc)!);
            var request = new CallRequest { To = module.Address.ToChecksumString(), Data = ByteString.CopyFrom(calldata) };
            if (r.GetValue(block) is { } number) request.Block = new BlockRef { Number = number };
            var response = await client.Tx.SimulateAsync(request, cancellationToken: ct);
            if (!response.Success) throw new CliException($"{module.CommandName} {function.Name} reverted: {response.RevertReason}");
            object[] values;
            try
            {
                values = function.DecodeReturn(response.ReturnData.Span);
            }
            catch (AbiException e)
            {
                throw new CliException($"the node's answer to {function.Signature} does not decode: {e.Message}");
            }
            Print(module, function, values, r.GetValue(json));
            return 0;
        }));
        return command;
    }

    private static void Print(ModuleDescriptor module, AbiFunction function, object[] values, bool asJson)
    {
        var names = function.Outputs.Select((o, i) => string.IsNullOrEmpty(o.Name) ? (function.Outputs.Count == 1 ? "value" : $"output{i}") : o.Name).ToArray();
        if (asJson)
        {
            CliOutput.WriteJson(json =>
            {
                for (var i = 0; i < values.Length; i++)
                {
                    json.WritePropertyName(names[i]);
                    AbiValueWriter.WriteJson(json, function.Outputs[i].Type, values[i]);
                }
            });
            return;
        }
        var width = names.Max(n => n.Length) + 1;
        for (var i = 0; i < values.Length; i++)
            Console.WriteLine($"{(names[i] + ":").PadRight(width)} {AbiValueWriter.Text(function.Outputs[i].Type, values[i], module.EnumOf(function.Name, function.Outputs[i].Name))}");
    }
}
