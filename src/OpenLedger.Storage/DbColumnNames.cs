namespace OpenLedger.Storage;

/// <summary>The stable on-disk names of the <see cref="DbColumn"/> column families.</summary>
public static class DbColumnNames
{
    private static readonly string[] Names =
    [
        "default", "headers", "blocks", "block_numbers", "receipts", "tx_index", "trie_nodes", "flat_state",
        "consensus", "evidence", "meta",
    ];

    public static IReadOnlyList<DbColumn> All { get; } = Enum.GetValues<DbColumn>();

    public static string NameOf(DbColumn column)
    {
        var index = (int)column;
        if ((uint)index >= (uint)Names.Length)
            throw new ArgumentOutOfRangeException(nameof(column), column, "unknown database column");
        return Names[index];
    }
}
