using OpenLedger.Core.Types;

namespace OpenLedger.Execution;

/// <summary>
/// Reserved addresses. Every OPEN in existence is the balance of some account, these included, so the supply
/// invariant is simply "the sum of all balances equals the genesis supply": burning moves OPEN to
/// <see cref="Burn"/> (whose balance is the total burned, readable with eth_getBalance), and each module's
/// balance equals what it owes (bonds, escrows, unclaimed rewards), which the modules check themselves.
/// </summary>
public static class SystemAddresses
{
    public static readonly Address Staking = Address.FromUInt64(0x0a01);
    public static readonly Address Datanets = Address.FromUInt64(0x0a02);
    public static readonly Address Models = Address.FromUInt64(0x0a03);
    public static readonly Address Governance = Address.FromUInt64(0x0a04);

    /// <summary>Sink of burned OPEN (base fees, slashes, forfeited bonds). Nothing can spend from it.</summary>
    public static readonly Address Burn = Address.FromUInt64(0x0b00);

    /// <summary>Funds validator and attribution emissions; funded at genesis, never minted into.</summary>
    public static readonly Address RewardReserve = Address.FromUInt64(0x0b01);

    /// <summary>Receives platform fees and every rounding remainder ("dust").</summary>
    public static readonly Address Treasury = Address.FromUInt64(0x0b02);

    public static bool IsModule(Address address) =>
        address == Staking || address == Datanets || address == Models || address == Governance;

    /// <summary>Accounts no transaction can spend from (they have no key; only protocol rules move their funds).</summary>
    public static bool IsSystem(Address address) =>
        IsModule(address) || address == Burn || address == RewardReserve || address == Treasury;
}
