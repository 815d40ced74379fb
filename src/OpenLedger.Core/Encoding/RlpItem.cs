namespace OpenLedger.Core.Encoding;

/// <summary>
/// A decoded RLP tree, for tools and tests that need the generic shape. Hot paths use
/// <see cref="RlpReader"/> directly instead.
/// </summary>
public abstract record RlpItem
{
    public sealed record Bytes(byte[] Value) : RlpItem;

    public sealed record List(IReadOnlyList<RlpItem> Items) : RlpItem;

    public static RlpItem Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        var item = Read(ref reader);
        reader.EnsureEnd("the top-level item");
        return item;
    }

    public byte[] Encode()
    {
        var writer = new RlpWriter();
        Write(writer, this);
        return writer.ToArray();
    }

    private static RlpItem Read(ref RlpReader reader)
    {
        if (!reader.PeekIsList()) return new Bytes(reader.ReadBytes().ToArray());
        var inner = reader.ReadList();
        var items = new List<RlpItem>();
        while (inner.HasMore) items.Add(Read(ref inner));
        return new List(items);
    }

    private static void Write(RlpWriter writer, RlpItem item)
    {
        switch (item)
        {
            case Bytes b:
                writer.WriteBytes(b.Value);
                break;
            case List l:
                var start = writer.BeginList();
                foreach (var child in l.Items) Write(writer, child);
                writer.EndList(start);
                break;
        }
    }
}
