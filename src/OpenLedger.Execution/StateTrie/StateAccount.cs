using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Execution.StateTrie;

/// <summary>An account as Ethereum stores it in the state trie: RLP [nonce, balance, storageRoot, codeHash].</summary>
public readonly record struct StateAccount(ulong Nonce, UInt128 Balance, Hash256 StorageRoot, Hash256 CodeHash)
{
    public byte[] Encode()
    {
        var writer = new RlpWriter(112);
        var start = writer.BeginList();
        writer.WriteUInt64(Nonce);
        writer.WriteUInt128(Balance);
        writer.WriteBytes(StorageRoot.Bytes);
        writer.WriteBytes(CodeHash.Bytes);
        writer.EndList(start);
        return writer.ToArray();
    }

    public static StateAccount Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        var list = reader.ReadList();
        var account = new StateAccount(
            list.ReadUInt64("nonce"),
            list.ReadUInt128("balance"),
            new Hash256(list.ReadBytes(32, "storage root")),
            new Hash256(list.ReadBytes(32, "code hash")));
        list.EnsureEnd("account");
        return account;
    }
}
