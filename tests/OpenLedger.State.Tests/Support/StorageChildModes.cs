using System.Buffers.Binary;
using OpenLedger.Storage;

namespace OpenLedger.State.Tests.Support;

/// <summary>What the child processes of the storage tests do; they report progress on stdout, one line per event.</summary>
public static class StorageChildModes
{
    public const int KeysPerBatch = 16;
    public const int ValueLength = 4096;
    private const int MaxBatches = 100_000;

    /// <summary>Opens the store and keeps it open until stdin closes.</summary>
    public static int HoldLock(string directory)
    {
        using var store = RocksDbStore.Open(directory);
        Console.WriteLine("opened");
        Console.Out.Flush();
        while (Console.In.ReadLine() is not null)
        {
        }
        return 0;
    }

    /// <summary>
    /// Writes numbered batches with sync and prints "ack N" after each returns, until killed. Every batch
    /// writes <see cref="KeysPerBatch"/> keys of batch N plus the "last" marker, so a reader can tell a
    /// complete batch from a partial one.
    /// </summary>
    public static int CrashWriter(string directory)
    {
        using var store = RocksDbStore.Open(directory);
        for (var n = 0; n < MaxBatches; n++)
        {
            using var batch = store.CreateBatch();
            for (var k = 0; k < KeysPerBatch; k++) batch.Put(DbColumn.Blocks, KeyOf(n, k), ValueOf(n, k));
            batch.Put(DbColumn.Meta, "last"u8, BitConverter.GetBytes(n));
            store.Write(batch, sync: true);
            Console.WriteLine($"ack {n}");
            Console.Out.Flush();
        }
        return 0;
    }

    public static byte[] KeyOf(int batch, int index)
    {
        var key = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(key, batch);
        BinaryPrimitives.WriteInt32BigEndian(key.AsSpan(4), index);
        return key;
    }

    public static byte[] ValueOf(int batch, int index)
    {
        var value = new byte[ValueLength];
        new Random(batch * 1000 + index).NextBytes(value);
        return value;
    }
}
