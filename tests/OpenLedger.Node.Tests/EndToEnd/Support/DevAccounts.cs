using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using OpenLedger.Node.Devnet;

namespace OpenLedger.Node.Tests.EndToEnd.Support;

/// <summary>
/// Which dev account each end-to-end test sends from, and the only addresses they send to, so the supply
/// test knows every address that can hold OPEN.
/// </summary>
public static class DevAccounts
{
    public const int Ethers = 0;
    public const int GrpcCSharp = 1;
    public const int GrpcJs = 2;
    public const int Admission = 3;
    public const int AdmissionGrpc = 4;
    public const int Supply = 5;
    public const int ModuleCliOwner = 6;
    public const int ModuleCliContributor = 7;

    public static PrivateKey Key(int index) => DevnetKeys.Account(index);

    /// <summary>Recipients the tests send to (nobody holds their keys).</summary>
    public static readonly Address[] Recipients = Enumerable.Range(1, 6).Select(i => Address.FromUInt64(0xe2e0_0000UL + (ulong)i)).ToArray();

    /// <summary>Burn, reward reserve, treasury and the four module addresses.</summary>
    public static readonly Address[] SystemAccounts =
    [
        Address.FromUInt64(0x0b00), Address.FromUInt64(0x0b01), Address.FromUInt64(0x0b02),
        Address.FromUInt64(0x0a01), Address.FromUInt64(0x0a02), Address.FromUInt64(0x0a03), Address.FromUInt64(0x0a04),
    ];
}
