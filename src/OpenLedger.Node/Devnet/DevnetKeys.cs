using OpenLedger.Core.Crypto;

namespace OpenLedger.Node.Devnet;

/// <summary>
/// Dev account keys are keccak256("openledger-devnet/account/" + i): reproducible, so scripts and docs can
/// name them, and therefore INSECURE — anyone can compute them.
/// </summary>
public static class DevnetKeys
{
    public static PrivateKey Account(int index) => Derive($"openledger-devnet/account/{index}");

    public static PrivateKey Operator(int index) => Derive($"openledger-devnet/operator/{index}");

    /// <summary>Validator i's consensus key, so a committed devnet genesis (genesis/devnet.json) names keys any devnet can recreate.</summary>
    public static PrivateKey Consensus(int index) => Derive($"openledger-devnet/consensus/{index}");

    private static PrivateKey Derive(string label) => new(Keccak256.HashToArray(System.Text.Encoding.UTF8.GetBytes(label)));
}
