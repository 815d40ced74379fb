using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Chain;

/// <summary>
/// A block: header, transactions (EIP-2718 bytes), the commit of its parent, and double-sign evidence.
/// Encoded as RLP([header, [tx...], lastCommit, [evidence...]]); typed transactions are byte strings inside
/// the list, legacy ones their own RLP list, as in Ethereum block bodies.
/// </summary>
public sealed record Block
{
    public required BlockHeader Header { get; init; }
    public required IReadOnlyList<Transaction> Transactions { get; init; }
    public required Commit LastCommit { get; init; }
    public IReadOnlyList<DuplicateVoteEvidence> Evidence { get; init; } = [];

    public Hash256 Hash => Header.Hash;

    public ulong Number => Header.Number;

    public byte[] Encode()
    {
        var writer = new RlpWriter(1024 + Transactions.Sum(t => t.EncodedLength + 4));
        var start = writer.BeginList();
        Header.Encode(writer);
        var txs = writer.BeginList();
        foreach (var tx in Transactions)
        {
            if (tx.Type == TxType.Legacy) writer.WriteEncoded(tx.Encoded);
            else writer.WriteBytes(tx.Encoded);
        }
        writer.EndList(txs);
        LastCommit.Encode(writer);
        var evidence = writer.BeginList();
        foreach (var e in Evidence) writer.WriteBytes(e.Encode());
        writer.EndList(evidence);
        writer.EndList(start);
        return writer.ToArray();
    }

    /// <summary>
    /// The length of <see cref="Encode"/>, without building the transactions part (RPC reports every committed block's
    /// size to subscribers; a full block is ~300 KB).
    /// </summary>
    public int EncodedLength()
    {
        var parts = new RlpWriter(1024);
        Header.Encode(parts);
        LastCommit.Encode(parts);
        var transactions = 0;
        foreach (var tx in Transactions)
            transactions += tx.Type == TxType.Legacy ? tx.EncodedLength : RlpWriter.BytesLength(tx.Encoded);
        var evidence = 0;
        foreach (var e in Evidence) evidence += RlpWriter.BytesLength(e.Encode());
        var payload = parts.Length + RlpWriter.HeaderLength(transactions) + transactions + RlpWriter.HeaderLength(evidence) + evidence;
        return RlpWriter.HeaderLength(payload) + payload;
    }

    public static Block Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        var list = reader.ReadList();
        var header = BlockHeader.Decode(ref list);
        var txReader = list.ReadList();
        var txs = new List<Transaction>();
        while (txReader.HasMore)
        {
            var item = txReader.PeekIsList() ? txReader.ReadEncodedItem() : txReader.ReadBytes();
            txs.Add(Transaction.Decode(item));
        }
        var lastCommit = Commit.Decode(ref list);
        var evidenceReader = list.ReadList();
        var evidence = new List<DuplicateVoteEvidence>();
        while (evidenceReader.HasMore) evidence.Add(DuplicateVoteEvidence.Decode(evidenceReader.ReadBytes()));
        list.EnsureEnd("block");
        reader.EnsureEnd("block");
        return new Block { Header = header, Transactions = txs, LastCommit = lastCommit, Evidence = evidence };
    }

    /// <summary>keccak256 of the RLP list of evidence encodings (the header's evidence hash).</summary>
    public static Hash256 ComputeEvidenceHash(IReadOnlyList<DuplicateVoteEvidence> evidence)
    {
        var writer = new RlpWriter();
        var start = writer.BeginList();
        foreach (var e in evidence) writer.WriteBytes(e.Encode());
        writer.EndList(start);
        return Keccak256.Hash(writer.WrittenSpan);
    }
}
