using System.CommandLine;
using Google.Protobuf;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Rpc.V1;

namespace OpenLedger.Node.Cli;

/// <summary>
/// `openledger tx send`: builds an EIP-1559 transfer (or call, with --data), fetches nonce, chain id and base fee
/// from the node, signs locally (the key never leaves this process), broadcasts over gRPC and waits for the receipt.
/// </summary>
public static class TxSendCommand
{
    public static Command Create()
    {
        var grpc = WalletClient.EndpointOption();
        var to = new Option<string>("--to") { Description = "Recipient address (or a module address)", Required = true };
        var value = new Option<string>("--value") { Description = "Amount: \"1.5\" / \"1.5 OPEN\" or \"7wei\"", DefaultValueFactory = _ => "0" };
        var key = new Option<string?>("--key") { Description = "Sender private key (hex)" };
        var keyFile = new Option<string?>("--keyfile") { Description = "Sender key file ({address, privateKey} JSON)" };
        var data = new Option<string?>("--data") { Description = "Calldata (hex), e.g. an ABI-encoded module call" };
        var gas = new Option<ulong?>("--gas-limit") { Description = "Gas limit; default: estimated by the node" };
        var tip = new Option<string>("--tip") { Description = "Priority fee per gas, in gwei", DefaultValueFactory = _ => "1" };
        var noWait = new Option<bool>("--no-wait") { Description = "Print the hash and return without waiting for the receipt" };
        var command = new Command("send", "Sign and send a transaction over gRPC") { to, value, key, keyFile, data, gas, tip, noWait, grpc };
        command.SetAction((r, ct) => CliErrors.RunAsync(async () =>
        {
            var sender = WalletSender.LoadKey(r.GetValue(key), r.GetValue(keyFile));
            if (!Address.TryParse(r.GetValue(to), out var recipient, out var toError)) throw new CliException(toError);
            if (!Wei.TryParseOpen(r.GetValue(value), out var amount, out var valueError)) throw new CliException(valueError);
            var priority = WalletSender.ParseTipGwei(r.GetValue(tip));
            var calldata = r.GetValue(data) is { } hex ? Hex.Decode(hex) : [];

            using var client = new WalletClient(r.GetValue(grpc)!);
            var gasLimit = r.GetValue(gas) ?? await EstimateAsync(client, sender.Address, recipient, amount, calldata, ct);
            var hash = await WalletSender.SendAsync(client, sender, recipient, amount, calldata, gasLimit, priority, ct);
            var sent = new { TransactionHash = hash };
            if (r.GetValue(noWait))
            {
                Console.WriteLine($"{{\"transactionHash\":\"{sent.TransactionHash}\"}}");
                return 0;
            }
            var receipt = await WalletSender.WaitAsync(client, sent.TransactionHash, ct);
            WalletClient.Print(receipt);
            return receipt.Success ? 0 : 1;
        }));
        return command;
    }

    private static async Task<ulong> EstimateAsync(WalletClient client, Address from, Address to, UInt128 value, byte[] data, CancellationToken ct)
    {
        if (data.Length == 0) return 21_000;
        var estimate = await client.Tx.EstimateGasAsync(new CallRequest
        {
            From = from.ToChecksumString(),
            To = to.ToChecksumString(),
            Value = value.ToString(),
            Data = ByteString.CopyFrom(data),
        }, cancellationToken: ct);
        // Module gas does not depend on the limit, but state may change between estimate and inclusion.
        return estimate.GasLimit + estimate.GasLimit / 5;
    }
}
