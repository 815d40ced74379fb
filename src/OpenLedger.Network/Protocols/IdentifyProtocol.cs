namespace OpenLedger.Network.Protocols;

public static class IdentifyProtocol
{
    public const string ProtocolId = "/ipfs/id/1.0.0";
    public const string PushProtocolId = "/ipfs/id/push/1.0.0";
    public const string ProtocolVersion = "ipfs/0.1.0";

    /// <summary>js-libp2p caps identify messages at 8 KiB; we accept a little more from others.</summary>
    public const int MaxMessageSize = 16 * 1024;
}
