namespace OpenLedger.Network.Host;

public enum ConnectionDirection
{
    Inbound,
    Outbound,
}
