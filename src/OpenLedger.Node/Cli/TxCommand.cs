using System.CommandLine;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Node.Cli;

/// <summary><c>openledger tx ...</c>: offline transaction tools (decode); sending lives with the gRPC client.</summary>
public static class TxCommand
{
    public static Command Create()
    {
        var tx = new Command("tx", "Work with transactions");
        tx.Subcommands.Add(CreateDecode());
        tx.Subcommands.Add(TxSendCommand.Create());
        foreach (var module in Modules.ModuleTxCommand.CreateAll()) tx.Subcommands.Add(module);
        return tx;
    }

    private static Command CreateDecode()
    {
        var raw = new Argument<string>("hex") { Description = "A raw signed EIP-2718 transaction as hex (with or without 0x)" };
        var command = new Command("decode", "Decode a raw signed transaction, recover its sender and print it as JSON") { raw };
        command.SetAction(parseResult => CliOutput.Run(() =>
        {
            if (!Hex.TryDecode(parseResult.GetValue(raw), out var bytes, out var hexError))
                throw new CliException($"transaction is not valid hex: {hexError}");
            var transaction = Transaction.Decode(bytes);
            if (!transaction.TryRecoverSender(out var sender, out var signatureError)) throw new CliException(signatureError);
            CliOutput.WriteJson(json => TransactionJson.Write(json, transaction, sender));
            return CliOutput.Success;
        }));
        return command;
    }
}
