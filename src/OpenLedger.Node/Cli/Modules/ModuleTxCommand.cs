using System.CommandLine;
using Google.Protobuf;
using Grpc.Core;
using OpenLedger.Core.Abi;
using OpenLedger.Rpc.V1;

namespace OpenLedger.Node.Cli.Modules;

/// <summary>
/// `openledger tx staking|datanets|models|gov &lt;function&gt; --input ... --key ...`: one subcommand per
/// state-changing function of the module's ABI. The node simulates the call first (a call that would revert is not
/// sent, and the reason is shown); then the transaction is signed locally, broadcast over gRPC and its receipt
/// awaited: status, gas used, decoded events; on revert the reason and exit code 1.
/// </summary>
public static class ModuleTxCommand
{
    public static IEnumerable<Command> CreateAll() => ModuleDescriptor.All.Select(Create);

    public static Command Create(ModuleDescriptor module)
    {
        var command = new Command(module.CommandName, module.Description + ": send a transaction");
        foreach (var group in module.Abi.Functions.Where(f => !f.IsReadOnly).GroupBy(f => f.Name))
            command.Subcommands.Add(CreateFunction(module, group.ToList()));
        return command;
    }

    private static Command CreateFunction(ModuleDescriptor module, IReadOnlyList<AbiFunction> overloads)
    {
        var name = overloads[0].Name;
        ICustomInputs? custom = (module.CommandName, name) switch
        {
            ("models", "settleInference") => new InfluenceInputs(),
            ("gov", "propose") => new ParameterChangeInputs(),
            _ => null,
        };
        var inputs = new ModuleFunctionOptions(module, overloads, custom);
        var payable = overloads.Any(f => f.StateMutability == AbiStateMutability.Payable);
        var value = new Option<string>("--value") { Description = "OPEN sent with the call: 10000OPEN, 1.5OPEN or an integer number of wei", Required = payable };
        if (!inputs.HasInput("amount")) value.Aliases.Add("--amount");
        var key = new Option<string?>("--key") { Description = "Sender private key (hex)" };
        var keyFile = new Option<string?>("--keyfile") { Description = "Sender key file ({address, privateKey} JSON)" };
        var gas = new Option<ulong?>("--gas-limit") { Description = "Gas limit; default: estimated by the node (a call that would revert is then not sent)" };
        var tip = new Option<string>("--tip") { Description = "Priority fee per gas, in gwei", DefaultValueFactory = _ => "1" };
        var noWait = new Option<bool>("--no-wait") { Description = "Print the hash and return without waiting for the receipt" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text" };
        var grpc = WalletClient.EndpointOption();

        var signatures = string.Join(" / ", overloads.Select(f => f.Signature));
        var command = new Command(name, $"Call {signatures} on the {module.CommandName} module ({module.Address.ToChecksumString()})");
        if (AbiTextValue.Kebab(name) != name) command.Aliases.Add(AbiTextValue.Kebab(name));
        foreach (var option in inputs.Options) command.Options.Add(option);
        if (payable) command.Options.Add(value);
        foreach (var option in new Option[] { key, keyFile, gas, tip, noWait, json, grpc }) command.Options.Add(option);

        command.SetAction((r, ct) => CliErrors.RunAsync(async () =>
        {
            var (function, calldata) = inputs.Encode(r);
            var amount = payable ? ModuleAmount.Parse(r.GetValue(value), "--value") : 0;
            var sender = WalletSender.LoadKey(r.GetValue(key), r.GetValue(keyFile));
            var priority = WalletSender.ParseTipGwei(r.GetValue(tip));
            using var client = new WalletClient(r.GetValue(grpc)!);
            ulong gasLimit;
            if (r.GetValue(gas) is { } given)
            {
                gasLimit = given;
            }
            else
            {
                try
                {
                    var estimate = await client.Tx.EstimateGasAsync(new CallRequest
                    {
                        From = sender.Address.ToChecksumString(),
                        To = module.Address.ToChecksumString(),
                        Value = amount.ToString(),
                        Data = ByteString.CopyFrom(calldata),
                    }, cancellationToken: ct);
                    // Module gas does not depend on the limit, but state may change between estimate and inclusion.
                    gasLimit = estimate.GasLimit + estimate.GasLimit / 5;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
                {
                    throw new CliException($"not sent: {module.CommandName} {function.Name} would revert: {StripPrefix(e.Status.Detail)}");
                }
            }
            var hash = await WalletSender.SendAsync(client, sender, module.Address, amount, calldata, gasLimit, priority, ct);
            if (r.GetValue(noWait))
            {
                if (r.GetValue(json)) CliOutput.WriteJson(w => w.WriteString("transactionHash", hash));
                else Console.WriteLine($"sent {hash}");
                return 0;
            }
            var receipt = await WalletSender.WaitAsync(client, hash, ct);
            ReceiptReport.Print(receipt, r.GetValue(json));
            if (receipt.Success) return 0;
            ReceiptReport.PrintRevertReason(receipt);
            return 1;
        }));
        return command;
    }

    private static string StripPrefix(string detail) =>
        detail.StartsWith("execution reverted: ", StringComparison.Ordinal) ? detail["execution reverted: ".Length..] : detail;
}
