using OpenLedger.Core.Types;

namespace OpenLedger.Execution.Modules.Common;

/// <summary>
/// A set of ids in module storage with O(1) add, remove and membership: the length at ("set-length", name, scope),
/// the ids packed at ("set-item", name, scope, i) and each id's position + 1 at ("set-pos", name, scope, id).
/// Removal moves the last id into the hole, so iteration order is not insertion order.
/// </summary>
/// <remarks>
/// Indexes of entries that expire (unbondings, redelegations) use this instead of <see cref="StoredList"/>: an
/// append-only index keeps every expired id forever, so the state grows with history and every fixed-gas call
/// that walks the index (undelegate, redelegate, a slash) costs more CPU the older the chain is.
/// </remarks>
public readonly struct StoredIdSet(ModuleStore store, string name, params object[] scope)
{
    private Hash256 LengthKey => StorageKey.Of("set-length", [name, .. scope]);

    private Hash256 ItemKey(ulong index) => StorageKey.Of("set-item", [name, .. scope, index]);

    private Hash256 PositionKey(ulong id) => StorageKey.Of("set-pos", [name, .. scope, id]);

    public ulong Count => store.GetU64(LengthKey);

    public ulong this[ulong index] => store.GetU64(ItemKey(index));

    public bool Contains(ulong id) => store.GetU64(PositionKey(id)) != 0;

    /// <returns>false if the id was already present.</returns>
    public bool Add(ulong id)
    {
        if (Contains(id)) return false;
        var count = Count;
        store.SetU64(ItemKey(count), id);
        store.SetU64(PositionKey(id), count + 1);
        store.SetU64(LengthKey, count + 1);
        return true;
    }

    /// <returns>false if the id was not present.</returns>
    public bool Remove(ulong id)
    {
        var position = store.GetU64(PositionKey(id));
        if (position == 0) return false;
        var index = position - 1;
        var last = Count - 1;
        if (index != last)
        {
            var moved = this[last];
            store.SetU64(ItemKey(index), moved);
            store.SetU64(PositionKey(moved), index + 1);
        }
        store.Delete(ItemKey(last));
        store.Delete(PositionKey(id));
        if (last == 0) store.Delete(LengthKey);
        else store.SetU64(LengthKey, last);
        return true;
    }

    /// <summary>A snapshot of the ids (safe to iterate while the set changes).</summary>
    public ulong[] ToArray()
    {
        var ids = new ulong[Count];
        for (ulong i = 0; i < (ulong)ids.Length; i++) ids[i] = this[i];
        return ids;
    }
}
