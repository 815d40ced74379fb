using System.CommandLine;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;

namespace OpenLedger.Node.Cli;

/// <summary><c>openledger keys new|show</c>: account keys (secp256k1, Ethereum-style addresses).</summary>
public static class KeysCommand
{
    public static Command Create()
    {
        var keys = new Command("keys", "Create and inspect account keys");
        keys.Subcommands.Add(CreateNew());
        keys.Subcommands.Add(CreateShow());
        return keys;
    }

    private static Command CreateNew()
    {
        var output = new Option<FileInfo?>("--out")
        {
            Description = "Write the key to this file (JSON {address, privateKey}, mode 0600) instead of printing the private key",
        };
        var command = new Command("new", "Generate a new private key from the operating system's CSPRNG") { output };
        command.SetAction(parseResult => CliOutput.Run(() =>
        {
            var key = PrivateKey.Generate();
            var file = parseResult.GetValue(output);
            if (file is null)
            {
                CliOutput.WriteJson(json =>
                {
                    json.WriteString("address", key.Address.ToChecksumString());
                    json.WriteString("privateKey", key.ToHex());
                });
                return CliOutput.Success;
            }
            KeyFile.Write(file.FullName, key);
            CliOutput.WriteJson(json =>
            {
                json.WriteString("address", key.Address.ToChecksumString());
                json.WriteString("keyFile", file.FullName);
            });
            return CliOutput.Success;
        }));
        return command;
    }

    private static Command CreateShow()
    {
        var keyOption = new Option<string?>("--key")
        {
            Description = "Private key as 64 hex digits (visible in the process list; prefer --keyfile)",
        };
        var keyFileOption = new Option<FileInfo?>("--keyfile") { Description = "Key file written by `keys new --out`" };
        var command = new Command("show", "Print the address and public key of a private key") { keyOption, keyFileOption };
        command.SetAction(parseResult => CliOutput.Run(() =>
        {
            var hex = parseResult.GetValue(keyOption);
            var file = parseResult.GetValue(keyFileOption);
            if ((hex is null) == (file is null)) throw new CliException("give exactly one of --key HEX or --keyfile FILE");
            var key = hex is not null ? PrivateKey.FromHex(hex) : KeyFile.Read(file!.FullName);
            CliOutput.WriteJson(json =>
            {
                json.WriteString("address", key.Address.ToChecksumString());
                json.WriteString("publicKey", Hex.Encode(key.PublicKey));
            });
            return CliOutput.Success;
        }));
        return command;
    }
}
