namespace OpenLedger.Network.Addressing;

/// <summary>One /protocol/value pair of a multiaddr; <see cref="Value"/> is the textual form.</summary>
public readonly record struct MultiaddrComponent(MultiaddrProtocol Protocol, string Value);
