using OpenLedger.Core.Types;

namespace OpenLedger.Execution.Modules.Common;

/// <summary>
/// An append-only list in module storage: its length at ("list", name, 'n') and items at ("list", name, i).
/// Used for indexes (a validator's delegators, a datanet's approved contributions, work due at a height).
/// </summary>
public readonly struct StoredList(ModuleStore store, string name, params object[] scope)
{
    private Hash256 LengthKey => StorageKey.Of("list-length", [name, .. scope]);

    private Hash256 ItemKey(ulong index) => StorageKey.Of("list-item", [name, .. scope, index]);

    public ulong Count => store.GetU64(LengthKey);

    public ulong Add(ReadOnlySpan<byte> item)
    {
        var index = Count;
        store.Set(ItemKey(index), item);
        store.SetU64(LengthKey, index + 1);
        return index;
    }

    public void AddU64(ulong value) => Add(Bytes.FromU64(value));

    public void AddAddress(Address value) => Add(value.Bytes);

    public byte[] Get(ulong index) => store.Get(ItemKey(index));

    public ulong GetU64(ulong index) => Bytes.ToU64(Get(index));

    public Address GetAddress(ulong index) => new(Get(index));

    public IEnumerable<byte[]> Items()
    {
        var count = Count;
        for (ulong i = 0; i < count; i++) yield return Get(i);
    }

    /// <summary>Deletes every item (a drained work queue leaves no state behind).</summary>
    public void Clear()
    {
        var count = Count;
        for (ulong i = 0; i < count; i++) store.Delete(ItemKey(i));
        store.Delete(LengthKey);
    }

    private static class Bytes
    {
        public static byte[] FromU64(ulong value)
        {
            var bytes = new byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
            return bytes;
        }

        public static ulong ToU64(byte[] bytes) => bytes.Length == 8 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes) : 0;
    }
}
