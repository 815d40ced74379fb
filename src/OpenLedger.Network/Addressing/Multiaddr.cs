using System.Net;
using System.Net.Sockets;
using OpenLedger.Network.Encoding;
using OpenLedger.Network.Identity;

namespace OpenLedger.Network.Addressing;

/// <summary>
/// A multiaddr restricted to /ip4 /ip6 /dns /dns4 /dns6 /tcp /p2p, with text and binary forms.
/// Values are normalised when parsed (IP addresses printed canonically, peer ids in base58btc).
/// </summary>
public sealed class Multiaddr : IEquatable<Multiaddr>
{
    private readonly string _text;

    private Multiaddr(IReadOnlyList<MultiaddrComponent> components)
    {
        Components = components;
        _text = string.Concat(components.Select(c => "/" + Name(c.Protocol) + "/" + c.Value));
    }

    public IReadOnlyList<MultiaddrComponent> Components { get; }

    public static Multiaddr Create(params MultiaddrComponent[] components)
    {
        foreach (var c in components) Validate(c.Protocol, c.Value);
        return new Multiaddr(components.Select(c => new MultiaddrComponent(c.Protocol, Normalize(c.Protocol, c.Value))).ToArray());
    }

    public static Multiaddr Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.StartsWith('/')) throw new FormatException($"multiaddr '{text}' must start with '/'");
        string[] parts = text.Split('/');
        var components = new List<MultiaddrComponent>();
        int i = 1;
        while (i < parts.Length)
        {
            if (parts[i].Length == 0 && i == parts.Length - 1) break; // trailing slash
            MultiaddrProtocol protocol = FromName(parts[i]) ?? throw new FormatException($"multiaddr '{text}': unsupported protocol '{parts[i]}'");
            if (i + 1 >= parts.Length) throw new FormatException($"multiaddr '{text}': /{parts[i]} has no value");
            string value = parts[i + 1];
            Validate(protocol, value);
            components.Add(new MultiaddrComponent(protocol, Normalize(protocol, value)));
            i += 2;
        }
        if (components.Count == 0) throw new FormatException("empty multiaddr");
        return new Multiaddr(components);
    }

    public static bool TryParse(string text, out Multiaddr? address)
    {
        try { address = Parse(text); return true; }
        catch (FormatException) { address = null; return false; }
    }

    public static Multiaddr FromBytes(ReadOnlySpan<byte> bytes)
    {
        var components = new List<MultiaddrComponent>();
        int offset = 0;
        while (offset < bytes.Length)
        {
            ulong code = Varint.Read(bytes[offset..], out int n);
            offset += n;
            if (!Enum.IsDefined(typeof(MultiaddrProtocol), (int)Math.Min(code, int.MaxValue)))
                throw new FormatException($"multiaddr bytes: unsupported protocol code {code}");
            var protocol = (MultiaddrProtocol)(int)code;
            int size = FixedSize(protocol);
            if (size < 0)
            {
                ulong declared = Varint.Read(bytes[offset..], out n);
                offset += n;
                if (declared > (ulong)(bytes.Length - offset)) throw new FormatException("multiaddr bytes: truncated value");
                size = (int)declared;
            }
            if (offset + size > bytes.Length) throw new FormatException("multiaddr bytes: truncated value");
            ReadOnlySpan<byte> value = bytes.Slice(offset, size);
            offset += size;
            components.Add(new MultiaddrComponent(protocol, ValueToText(protocol, value)));
        }
        if (components.Count == 0) throw new FormatException("empty multiaddr");
        return new Multiaddr(components);
    }

    public byte[] ToBytes()
    {
        var output = new List<byte>();
        foreach (var c in Components)
        {
            output.AddRange(Varint.Encode((ulong)c.Protocol));
            byte[] value = ValueToBytes(c.Protocol, c.Value);
            if (FixedSize(c.Protocol) < 0) output.AddRange(Varint.Encode((ulong)value.Length));
            output.AddRange(value);
        }
        return output.ToArray();
    }

    public string? Get(MultiaddrProtocol protocol) => Components.Where(c => c.Protocol == protocol).Select(c => c.Value).FirstOrDefault();

    public PeerId? PeerId => Get(MultiaddrProtocol.P2p) is { } text ? Identity.PeerId.Parse(text) : null;

    /// <summary>The address with its /p2p component removed (the part a transport dials).</summary>
    public Multiaddr WithoutPeerId()
    {
        var rest = Components.Where(c => c.Protocol != MultiaddrProtocol.P2p).ToArray();
        return rest.Length == Components.Count ? this : new Multiaddr(rest);
    }

    public Multiaddr WithPeerId(PeerId peerId) =>
        new(WithoutPeerId().Components.Append(new MultiaddrComponent(MultiaddrProtocol.P2p, peerId.ToString())).ToArray());

    /// <summary>Host (IP text or DNS name) and TCP port, for the TCP transport.</summary>
    public (string Host, MultiaddrProtocol HostProtocol, int Port) GetTcpEndpoint()
    {
        if (Components.Count < 2) throw new FormatException($"'{this}' is not a TCP address (expected /ip4|ip6|dns*/…/tcp/…)");
        var host = Components[0];
        var port = Components[1];
        if (port.Protocol != MultiaddrProtocol.Tcp || host.Protocol == MultiaddrProtocol.Tcp || host.Protocol == MultiaddrProtocol.P2p)
            throw new FormatException($"'{this}' is not a TCP address (expected /ip4|ip6|dns*/…/tcp/…)");
        return (host.Value, host.Protocol, int.Parse(port.Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    public static Multiaddr FromEndPoint(IPEndPoint endPoint)
    {
        var ipProtocol = endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? MultiaddrProtocol.Ip6 : MultiaddrProtocol.Ip4;
        IPAddress address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        if (address.AddressFamily == AddressFamily.InterNetwork) ipProtocol = MultiaddrProtocol.Ip4;
        return new Multiaddr([
            new MultiaddrComponent(ipProtocol, address.ToString()),
            new MultiaddrComponent(MultiaddrProtocol.Tcp, endPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ]);
    }

    private static string Name(MultiaddrProtocol p) => p switch
    {
        MultiaddrProtocol.Ip4 => "ip4",
        MultiaddrProtocol.Ip6 => "ip6",
        MultiaddrProtocol.Tcp => "tcp",
        MultiaddrProtocol.Dns => "dns",
        MultiaddrProtocol.Dns4 => "dns4",
        MultiaddrProtocol.Dns6 => "dns6",
        MultiaddrProtocol.P2p => "p2p",
        _ => throw new ArgumentOutOfRangeException(nameof(p)),
    };

    private static MultiaddrProtocol? FromName(string name) => name switch
    {
        "ip4" => MultiaddrProtocol.Ip4,
        "ip6" => MultiaddrProtocol.Ip6,
        "tcp" => MultiaddrProtocol.Tcp,
        "dns" => MultiaddrProtocol.Dns,
        "dns4" => MultiaddrProtocol.Dns4,
        "dns6" => MultiaddrProtocol.Dns6,
        "p2p" or "ipfs" => MultiaddrProtocol.P2p,
        _ => null,
    };

    private static int FixedSize(MultiaddrProtocol p) => p switch
    {
        MultiaddrProtocol.Ip4 => 4,
        MultiaddrProtocol.Ip6 => 16,
        MultiaddrProtocol.Tcp => 2,
        _ => -1,
    };

    private static void Validate(MultiaddrProtocol protocol, string value)
    {
        switch (protocol)
        {
            case MultiaddrProtocol.Ip4:
                if (!IPAddress.TryParse(value, out var v4) || v4.AddressFamily != AddressFamily.InterNetwork || value.Count(ch => ch == '.') != 3)
                    throw new FormatException($"'{value}' is not an IPv4 address");
                break;
            case MultiaddrProtocol.Ip6:
                if (!IPAddress.TryParse(value, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
                    throw new FormatException($"'{value}' is not an IPv6 address");
                break;
            case MultiaddrProtocol.Tcp:
                if (!ushort.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
                    throw new FormatException($"'{value}' is not a TCP port (0-65535)");
                break;
            case MultiaddrProtocol.Dns or MultiaddrProtocol.Dns4 or MultiaddrProtocol.Dns6:
                if (value.Length == 0 || value.Length > 253 || value.Contains('/'))
                    throw new FormatException($"'{value}' is not a DNS name");
                break;
            case MultiaddrProtocol.P2p:
                Identity.PeerId.Parse(value);
                break;
        }
    }

    private static string Normalize(MultiaddrProtocol protocol, string value) => protocol switch
    {
        MultiaddrProtocol.Ip4 or MultiaddrProtocol.Ip6 => IPAddress.Parse(value).ToString(),
        MultiaddrProtocol.Tcp => ushort.Parse(value, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture),
        MultiaddrProtocol.P2p => Identity.PeerId.Parse(value).ToString(),
        _ => value,
    };

    private static byte[] ValueToBytes(MultiaddrProtocol protocol, string value) => protocol switch
    {
        MultiaddrProtocol.Ip4 or MultiaddrProtocol.Ip6 => IPAddress.Parse(value).GetAddressBytes(),
        MultiaddrProtocol.Tcp => [(byte)(ushort.Parse(value, System.Globalization.CultureInfo.InvariantCulture) >> 8), (byte)ushort.Parse(value, System.Globalization.CultureInfo.InvariantCulture)],
        MultiaddrProtocol.P2p => Identity.PeerId.Parse(value).Bytes,
        _ => System.Text.Encoding.UTF8.GetBytes(value),
    };

    private static string ValueToText(MultiaddrProtocol protocol, ReadOnlySpan<byte> value)
    {
        switch (protocol)
        {
            case MultiaddrProtocol.Ip4:
            case MultiaddrProtocol.Ip6:
                return new IPAddress(value).ToString();
            case MultiaddrProtocol.Tcp:
                return ((value[0] << 8) | value[1]).ToString(System.Globalization.CultureInfo.InvariantCulture);
            case MultiaddrProtocol.P2p:
                return Identity.PeerId.FromBytes(value).ToString();
            default:
                string text = System.Text.Encoding.UTF8.GetString(value);
                Validate(protocol, text);
                return text;
        }
    }

    public bool Equals(Multiaddr? other) => other is not null && _text == other._text;

    public override bool Equals(object? obj) => Equals(obj as Multiaddr);

    public override int GetHashCode() => _text.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => _text;
}
