using System.Text.Json;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Types;
using OpenLedger.Rpc.V1;

namespace OpenLedger.Node.Cli.Modules;

/// <summary>
/// What a module transaction did: status, block, gas used, its logs decoded with the module ABIs (logs of other
/// emitters are shown raw) and, on revert, the node's decoded revert reason.
/// </summary>
public static class ReceiptReport
{
    public sealed record DecodedEvent(Address Emitter, ModuleDescriptor? Module, AbiEvent? Event, object[]? Values, Log Raw);

    public static IReadOnlyList<DecodedEvent> DecodeEvents(Receipt receipt)
    {
        var events = new List<DecodedEvent>();
        foreach (var log in receipt.Logs)
        {
            var emitter = Address.Parse(log.Address);
            var module = ModuleDescriptor.ForAddress(emitter);
            var topics = log.Topics.Select(Hash256.Parse).ToArray();
            if (module is not null && topics.Length > 0 && module.Abi.TryGetEvent(topics[0], out var abiEvent))
            {
                try
                {
                    events.Add(new DecodedEvent(emitter, module, abiEvent, abiEvent.Decode(topics, log.Data.Span), log));
                    continue;
                }
                catch (AbiException)
                {
                    // Shown raw below: a log that does not match its declared shape should still be visible.
                }
            }
            events.Add(new DecodedEvent(emitter, module, null, null, log));
        }
        return events;
    }

    public static void Print(Receipt receipt, bool asJson)
    {
        var events = DecodeEvents(receipt);
        if (asJson)
        {
            CliOutput.WriteJson(json =>
            {
                json.WriteString("transactionHash", receipt.TransactionHash);
                json.WriteString("status", receipt.Success ? "success" : "reverted");
                json.WriteNumber("blockNumber", receipt.BlockNumber);
                json.WriteNumber("gasUsed", receipt.GasUsed);
                json.WriteString("effectiveGasPrice", receipt.EffectiveGasPrice);
                if (!receipt.Success) json.WriteString("revertReason", receipt.RevertReason);
                json.WriteStartArray("events");
                foreach (var e in events) WriteEventJson(json, e);
                json.WriteEndArray();
            });
            return;
        }
        Console.WriteLine($"transaction {receipt.TransactionHash}");
        Console.WriteLine($"status:     {(receipt.Success ? "success" : "REVERTED")}");
        Console.WriteLine($"block:      {receipt.BlockNumber}");
        Console.WriteLine($"gas used:   {receipt.GasUsed}");
        if (!receipt.Success) Console.WriteLine($"reason:     {receipt.RevertReason}");
        if (events.Count > 0) Console.WriteLine("events:");
        foreach (var e in events) Console.WriteLine("  " + EventText(e));
    }

    public static void PrintRevertReason(Receipt receipt) =>
        Console.Error.WriteLine($"error: transaction {receipt.TransactionHash} reverted in block {receipt.BlockNumber}: {receipt.RevertReason}");

    private static string EventText(DecodedEvent e)
    {
        if (e.Event is null || e.Values is null)
            return $"log from {e.Emitter.ToChecksumString()} topics [{string.Join(", ", e.Raw.Topics)}] data {Core.Encoding.Hex.Encode(e.Raw.Data.ToByteArray())}";
        var fields = e.Event.Parameters.Select((p, i) => $"{p.Name}={AbiValueWriter.Text(p.Type, e.Values[i], e.Module!.EnumOf(e.Event.Name, p.Name))}");
        return $"{e.Module!.CommandName}.{e.Event.Name}({string.Join(", ", fields)})";
    }

    private static void WriteEventJson(Utf8JsonWriter json, DecodedEvent e)
    {
        json.WriteStartObject();
        json.WriteString("address", e.Emitter.ToChecksumString());
        if (e.Event is not null && e.Values is not null)
        {
            json.WriteString("module", e.Module!.CommandName);
            json.WriteString("event", e.Event.Name);
            json.WriteStartObject("args");
            for (var i = 0; i < e.Event.Parameters.Count; i++)
            {
                json.WritePropertyName(e.Event.Parameters[i].Name);
                AbiValueWriter.WriteJson(json, e.Event.Parameters[i].Type, e.Values[i]);
            }
            json.WriteEndObject();
        }
        else
        {
            json.WriteStartArray("topics");
            foreach (var topic in e.Raw.Topics) json.WriteStringValue(topic);
            json.WriteEndArray();
            json.WriteString("data", Core.Encoding.Hex.Encode(e.Raw.Data.ToByteArray()));
        }
        json.WriteEndObject();
    }
}
