namespace OpenLedger.Network.Addressing;

/// <summary>The multiaddr protocol codes this node understands (multiformats/multicodec table).</summary>
public enum MultiaddrProtocol
{
    Ip4 = 4,
    Tcp = 6,
    Ip6 = 41,
    Dns = 53,
    Dns4 = 54,
    Dns6 = 55,
    P2p = 421,
}
