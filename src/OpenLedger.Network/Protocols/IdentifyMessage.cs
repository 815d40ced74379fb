using Google.Protobuf;
using OpenLedger.Network.Encoding;

namespace OpenLedger.Network.Protocols;

/// <summary>The identify protobuf (/ipfs/id/1.0.0). Unknown fields, including signedPeerRecord, are skipped.</summary>
public sealed record IdentifyMessage
{
    public string ProtocolVersion { get; init; } = "";
    public string AgentVersion { get; init; } = "";
    public byte[] PublicKey { get; init; } = [];
    public IReadOnlyList<byte[]> ListenAddrs { get; init; } = [];
    public byte[]? ObservedAddr { get; init; }
    public IReadOnlyList<string> Protocols { get; init; } = [];

    public byte[] Encode() => ProtobufFields.Encode(output =>
    {
        ProtobufFields.WriteString(output, 5, ProtocolVersion);
        ProtobufFields.WriteString(output, 6, AgentVersion);
        ProtobufFields.WriteBytes(output, 1, PublicKey);
        foreach (byte[] address in ListenAddrs) ProtobufFields.WriteBytes(output, 2, address);
        if (ObservedAddr is not null) ProtobufFields.WriteBytes(output, 4, ObservedAddr);
        foreach (string protocol in Protocols) ProtobufFields.WriteString(output, 3, protocol);
    });

    /// <exception cref="FormatException">Malformed protobuf.</exception>
    public static IdentifyMessage Decode(ReadOnlySpan<byte> data)
    {
        string protocolVersion = "", agentVersion = "";
        byte[] publicKey = [];
        byte[]? observed = null;
        var listen = new List<byte[]>();
        var protocols = new List<string>();
        ProtobufFields.Decode(data, (input, tag) =>
        {
            switch (tag)
            {
                case 42: protocolVersion = input.ReadString(); return true;
                case 50: agentVersion = input.ReadString(); return true;
                case 10: publicKey = ProtobufFields.ReadByteArray(input); return true;
                case 18: listen.Add(ProtobufFields.ReadByteArray(input)); return true;
                case 34: observed = ProtobufFields.ReadByteArray(input); return true;
                case 26: protocols.Add(input.ReadString()); return true;
                default: return false;
            }
        }, "Identify");
        return new IdentifyMessage
        {
            ProtocolVersion = protocolVersion, AgentVersion = agentVersion, PublicKey = publicKey,
            ListenAddrs = listen, ObservedAddr = observed, Protocols = protocols,
        };
    }
}
