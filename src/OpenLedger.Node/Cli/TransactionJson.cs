using System.Globalization;
using System.Text.Json;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;

namespace OpenLedger.Node.Cli;

/// <summary>
/// The CLI's JSON view of a transaction: numbers as decimal strings (they exceed JSON's safe integers), bytes as
/// 0x-hex, addresses with EIP-55 checksums, <c>to</c> null for contract creation.
/// </summary>
public static class TransactionJson
{
    public static void Write(Utf8JsonWriter json, Transaction tx, Address sender)
    {
        json.WriteString("type", Decimal((byte)tx.Type));
        json.WriteString("typeName", tx.Type switch
        {
            TxType.Legacy => tx.IsReplayProtected ? "legacy-eip155" : "legacy",
            TxType.AccessList => "eip2930",
            _ => "eip1559",
        });
        json.WriteString("chainId", Decimal(tx.ChainId));
        json.WriteString("nonce", Decimal(tx.Nonce));
        json.WriteString("from", sender.ToChecksumString());
        if (tx.To is { } to) json.WriteString("to", to.ToChecksumString());
        else json.WriteNull("to");
        json.WriteString("value", Decimal(tx.Value));
        json.WriteString("gasLimit", Decimal(tx.GasLimit));
        if (tx.Type == TxType.DynamicFee)
        {
            json.WriteString("maxFeePerGas", Decimal(tx.MaxFeePerGas));
            json.WriteString("maxPriorityFeePerGas", Decimal(tx.MaxPriorityFeePerGas));
        }
        else
        {
            json.WriteString("gasPrice", Decimal(tx.GasPrice));
        }
        json.WriteString("data", Hex.Encode(tx.Data));
        json.WriteStartArray("accessList");
        foreach (var item in tx.AccessList)
        {
            json.WriteStartObject();
            json.WriteString("address", item.Address.ToChecksumString());
            json.WriteStartArray("storageKeys");
            foreach (var key in item.StorageKeys) json.WriteStringValue(key.ToString());
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteString("hash", tx.Hash.ToString());
        json.WriteString("signingHash", tx.SigningHash.ToString());
        json.WriteString("v", Decimal(tx.V));
        json.WriteString("yParity", Decimal(tx.Signature.RecoveryId));
        json.WriteString("r", Hex.Encode(tx.Signature.R));
        json.WriteString("s", Hex.Encode(tx.Signature.S));
        json.WriteString("encodedLength", Decimal((ulong)tx.EncodedLength));
    }

    private static string Decimal(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Decimal(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);

    // Value and fees are shown at their full wire width (up to 256 bits), even those admission would refuse.
    private static string Decimal(UInt256 value) => value.ToString();
}
