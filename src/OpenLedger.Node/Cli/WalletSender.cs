using Google.Protobuf;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Rpc.V1;

namespace OpenLedger.Node.Cli;

/// <summary>
/// Builds, signs (locally: the key never leaves this process) and broadcasts one EIP-1559 transaction over gRPC,
/// with nonce, chain id and base fee from the node. Shared by `tx send` and the module commands.
/// </summary>
public static class WalletSender
{
    public static PrivateKey LoadKey(string? hex, string? file)
    {
        if (hex is not null && file is not null) throw new CliException("give either --key or --keyfile, not both");
        if (hex is not null) return PrivateKey.FromHex(hex);
        if (file is not null) return KeyFile.Read(file);
        throw new CliException("the sender's key is required: --key HEX or --keyfile FILE");
    }

    public static UInt128 ParseTipGwei(string? text)
    {
        if (!decimal.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var gwei) || gwei < 0)
            throw new CliException($"--tip '{text}' is not a number of gwei");
        var wei = gwei * 1_000_000_000m;
        if (wei != decimal.Truncate(wei)) throw new CliException($"--tip '{text}' has more than 9 decimals (1 wei = 10^-9 gwei)");
        return (UInt128)(ulong)wei;
    }

    /// <summary>Signs and broadcasts; returns the transaction hash the node reports.</summary>
    public static async Task<string> SendAsync(
        WalletClient client, PrivateKey sender, Address to, UInt128 value, byte[] data, ulong gasLimit, UInt128 priorityFeePerGas, CancellationToken ct)
    {
        var status = await client.Node.StatusAsync(new StatusRequest(), cancellationToken: ct);
        var account = await client.Query.GetAccountAsync(new GetAccountRequest { Address = sender.Address.ToChecksumString() }, cancellationToken: ct);
        var head = await client.Query.GetBlockAsync(new GetBlockRequest { Block = new BlockRef { Tag = BlockTag.Latest } }, cancellationToken: ct);
        var baseFee = UInt128.Parse(head.Header.BaseFeePerGas);
        var unsigned = new UnsignedTransaction
        {
            Type = TxType.DynamicFee,
            ChainId = status.ChainId,
            Nonce = account.PendingNonce,
            MaxPriorityFeePerGas = priorityFeePerGas,
            MaxFeePerGas = 2 * baseFee + priorityFeePerGas,
            GasLimit = gasLimit,
            To = to,
            Value = value,
            Data = data,
        };
        var tx = TransactionSigner.Sign(unsigned, sender);
        var sent = await client.Tx.BroadcastAsync(new BroadcastRequest { RawTransaction = ByteString.CopyFrom(tx.Encoded) }, cancellationToken: ct);
        return sent.TransactionHash;
    }

    public static async Task<Receipt> WaitAsync(WalletClient client, string hash, CancellationToken ct) =>
        await client.Tx.WaitReceiptAsync(new WaitReceiptRequest { Hash = hash, TimeoutMs = 60_000 }, cancellationToken: ct);
}
