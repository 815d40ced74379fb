using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Tests.Support;

/// <summary>Validator sets for tests: addresses derived from an index, powers given in whole OPEN.</summary>
public static class TestValidators
{
    public static Address AddressOf(int index) => new(Keccak256.Hash(System.Text.Encoding.UTF8.GetBytes($"validator {index}")).Bytes[12..]);

    public static ValidatorSet Create(params long[] powersInOpen) =>
        new(powersInOpen.Select((p, i) => new Validator(AddressOf(i), [], AddressOf(1000 + i), Wei.FromOpen((ulong)p))));

    public static ValidatorSet CreateWei(params UInt128[] powersInWei) =>
        new(powersInWei.Select((p, i) => new Validator(AddressOf(i), [], AddressOf(1000 + i), p)));
}
