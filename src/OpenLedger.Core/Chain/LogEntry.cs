using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Chain;

/// <summary>An event emitted by a module: Solidity-style topics and ABI-encoded data, as in Ethereum receipts.</summary>
public sealed record LogEntry(Address Address, IReadOnlyList<Hash256> Topics, byte[] Data)
{
    public void Encode(RlpWriter writer)
    {
        var start = writer.BeginList();
        writer.WriteBytes(Address.Bytes);
        var topics = writer.BeginList();
        foreach (var topic in Topics) writer.WriteBytes(topic.Bytes);
        writer.EndList(topics);
        writer.WriteBytes(Data);
        writer.EndList(start);
    }

    public static LogEntry Decode(ref RlpReader reader)
    {
        var list = reader.ReadList();
        var address = new Address(list.ReadBytes(Address.Length, "log address"));
        var topicsReader = list.ReadList();
        var topics = new List<Hash256>();
        while (topicsReader.HasMore) topics.Add(new Hash256(topicsReader.ReadBytes(Hash256.Length, "log topic")));
        var data = list.ReadBytes().ToArray();
        list.EnsureEnd("log");
        return new LogEntry(address, topics, data);
    }
}
