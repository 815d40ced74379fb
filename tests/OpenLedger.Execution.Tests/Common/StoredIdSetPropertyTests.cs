using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules.Common;
using OpenLedger.Execution.State;
using Xunit;

namespace OpenLedger.Execution.Tests.Common;

public sealed class StoredIdSetPropertyTests
{
    /// <summary>
    /// Any sequence of adds and removes leaves the stored set equal to a HashSet given the same operations, with
    /// every position key pointing at its id, and an emptied set leaves no storage behind.
    /// </summary>
    [Property(MaxTest = 200)]
    public Property Behaves_like_a_hash_set_and_leaves_no_storage_when_empty(byte[] operations)
    {
        var state = new WorldState(new MemoryStateBackend());
        var module = Address.FromUInt64(0x0a01);
        var store = new ModuleStore(state, module, null, isStatic: false);
        var set = new StoredIdSet(store, "things", Address.FromUInt64(7));
        var model = new HashSet<ulong>();
        foreach (var op in operations)
        {
            var id = (ulong)(op & 0x0F) + 1;
            if ((op & 0x80) == 0) Assert.Equal(model.Add(id), set.Add(id));
            else Assert.Equal(model.Remove(id), set.Remove(id));
        }
        var ok = model.SetEquals(set.ToArray()) && (ulong)model.Count == set.Count && model.All(set.Contains)
            && Enumerable.Range(1, 16).Select(i => (ulong)i).Where(i => !model.Contains(i)).All(i => !set.Contains(i));
        var stored = string.Join(",", set.ToArray());
        foreach (var id in model.ToArray()) set.Remove(id);
        // Every slot the set can have written: the length, items at indices below 16, positions of ids 1..16.
        var empty = set.Count == 0 && Enumerable.Range(0, 17).All(i => set[(ulong)i] == 0)
            && Enumerable.Range(1, 16).All(i => !set.Contains((ulong)i));
        return (ok && empty).Label($"model {string.Join(",", model)}, stored {stored}, empty afterwards: {empty}");
    }
}
