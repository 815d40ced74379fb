using System.Reflection;

namespace OpenLedger.Node;

public static class NodeVersion
{
    public static string Number { get; } =
        typeof(NodeVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>"openledger/0.1.0" — what web3_clientVersion and identify's agent version report.</summary>
    public static string Text => $"openledger/{Number}";
}
