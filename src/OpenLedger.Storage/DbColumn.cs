namespace OpenLedger.Storage;

/// <summary>
/// The column families of the node database. Each column's on-disk name (see <see cref="DbColumnNames"/>) is
/// part of the data format: never rename one, only add new columns at the end.
/// </summary>
public enum DbColumn
{
    /// <summary>"default": RocksDB's mandatory column; unused by the node.</summary>
    Default,

    /// <summary>"headers": block hash → RLP block header.</summary>
    Headers,

    /// <summary>"blocks": block hash → RLP block body.</summary>
    Blocks,

    /// <summary>"block_numbers": big-endian block number → canonical block hash.</summary>
    BlockNumbers,

    /// <summary>"receipts": block hash → RLP receipts of the block.</summary>
    Receipts,

    /// <summary>"tx_index": transaction hash → location of the transaction (block, index).</summary>
    TxIndex,

    /// <summary>"trie_nodes": Keccak-256 of a trie node → its RLP.</summary>
    TrieNodes,

    /// <summary>"flat_state": a flat copy of the latest account and storage values, for fast reads.</summary>
    FlatState,

    /// <summary>"consensus": the consensus engine's signing state (last signed height/round/step).</summary>
    Consensus,

    /// <summary>"evidence": pending and committed misbehaviour evidence.</summary>
    Evidence,

    /// <summary>"meta": single values such as the head block and the database schema version.</summary>
    Meta,
}
