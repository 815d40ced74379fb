using OpenLedger.Storage;
using Xunit;

namespace OpenLedger.State.Tests.Storage;

public sealed class MemoryStoreTests : KeyValueStoreContractTests
{
    private readonly MemoryStore _store = new();

    protected override IKeyValueStore Store => _store;

    public override void Dispose() => _store.Dispose();

    [Fact]
    public void DisposedStore_RefusesToBeUsed()
    {
        var store = new MemoryStore();
        store.Put(DbColumn.Meta, [1], [1]);
        store.Dispose();
        Assert.Throws<ObjectDisposedException>(() => store.Get(DbColumn.Meta, [1]));
        Assert.Throws<ObjectDisposedException>(() => store.Put(DbColumn.Meta, [1], [2]));
    }
}
