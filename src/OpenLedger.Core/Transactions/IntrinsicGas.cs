namespace OpenLedger.Core.Transactions;

/// <summary>
/// The gas a transaction costs before any module work (SPEC §3): 21,000 + 16 per non-zero and 4 per zero
/// calldata byte + 2,400 per access-list address + 1,900 per access-list storage key. There is no
/// contract-creation surcharge because this chain has no EVM and rejects creation at admission.
/// </summary>
public static class IntrinsicGas
{
    public const ulong Base = 21_000;
    public const ulong PerNonZeroDataByte = 16;
    public const ulong PerZeroDataByte = 4;
    public const ulong PerAccessListAddress = 2_400;
    public const ulong PerAccessListStorageKey = 1_900;

    public static ulong Of(Transaction tx)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return Of(tx.Data, tx.AccessList);
    }

    public static ulong Of(ReadOnlySpan<byte> data, IReadOnlyList<AccessListItem> accessList)
    {
        // Cannot overflow: data is bounded by the input size and 16 * int.MaxValue fits easily in 64 bits.
        var zeros = (ulong)data.Count((byte)0);
        var nonZeros = (ulong)data.Length - zeros;
        var gas = Base + nonZeros * PerNonZeroDataByte + zeros * PerZeroDataByte;
        foreach (var item in accessList)
            gas += PerAccessListAddress + (ulong)item.StorageKeys.Count * PerAccessListStorageKey;
        return gas;
    }
}
