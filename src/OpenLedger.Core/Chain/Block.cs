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

    /// <summary>
    /// RLP [header, [transactions], lastCommit, [evidence]]. Every length is known before writing, so a full block
    /// (~300 KB, a large-object-heap array) is written once into an array of its exact size: no regrowth, no moving
    /// payloads to make room for list headers, no final copy.
    /// </summary>
    public byte[] Encode()
    {
        var layout = Layout();
        var encoded = new byte[layout.Length];
        var writer = new RlpWriter(encoded);
        writer.WriteListHeader(layout.Payload);
        writer.WriteEncoded(layout.Header.WrittenSpan);
        writer.WriteListHeader(layout.TransactionsLength);
        foreach (var tx in Transactions)
        {
            if (tx.Type == TxType.Legacy) writer.WriteEncoded(tx.Encoded);
            else writer.WriteBytes(tx.Encoded);
        }
        writer.WriteEncoded(layout.LastCommit.WrittenSpan);
        writer.WriteListHeader(layout.EvidenceLength);
        foreach (var e in layout.Evidence) writer.WriteBytes(e);
        if (writer.Length != encoded.Length)
            throw new InvalidOperationException($"block {Number} encoded to {writer.Length} bytes, {encoded.Length} were computed");
        return encoded;
    }

    /// <summary>
    /// The length of <see cref="Encode"/>, without building the transactions part (RPC reports every committed block's
    /// size to subscribers; a full block is ~300 KB).
    /// </summary>
    public int EncodedLength() => Layout().Length;

    /// <summary>The parts of the encoding that are not the transactions, and every list's payload length.</summary>
    private EncodingLayout Layout()
    {
        var header = new RlpWriter(1024);
        Header.Encode(header);
        var lastCommit = new RlpWriter(256);
        LastCommit.Encode(lastCommit);
        var transactions = 0;
        foreach (var tx in Transactions)
            transactions += tx.Type == TxType.Legacy ? tx.EncodedLength : RlpWriter.BytesLength(tx.Encoded);
        var evidence = Evidence.Select(e => e.Encode()).ToArray();
        var evidenceLength = evidence.Sum(e => RlpWriter.BytesLength(e));
        var payload = header.Length + RlpWriter.HeaderLength(transactions) + transactions + lastCommit.Length +
                      RlpWriter.HeaderLength(evidenceLength) + evidenceLength;
        return new EncodingLayout(header, lastCommit, transactions, evidence, evidenceLength, payload);
    }

    private sealed record EncodingLayout(RlpWriter Header, RlpWriter LastCommit, int TransactionsLength, byte[][] Evidence, int EvidenceLength, int Payload)
    {
        public int Length => RlpWriter.HeaderLength(Payload) + Payload;
    }

    public static Block Decode(ReadOnlySpan<byte> encoded) => Decode(encoded, null);

    /// <summary>
    /// Decodes, taking each transaction <paramref name="known"/> returns for its hash (keccak256 of its bytes here)
    /// instead of decoding a copy: a validator that already admitted a proposal's transactions into its pool executes
    /// those objects, their senders recovered and signing hashes computed. Equal hashes mean equal bytes, and strict
    /// decoding gives one object per encoding, so the result is the same block either way.
    /// </summary>
    public static Block Decode(ReadOnlySpan<byte> encoded, Func<Hash256, Transaction?>? known)
    {
        var reader = new RlpReader(encoded);
        var list = reader.ReadList();
        var header = BlockHeader.Decode(ref list);
        var txReader = list.ReadList();
        var txs = new List<Transaction>();
        while (txReader.HasMore)
        {
            var item = txReader.PeekIsList() ? txReader.ReadEncodedItem() : txReader.ReadBytes();
            if (known is null)
            {
                txs.Add(Transaction.Decode(item));
                continue;
            }
            var hash = Keccak256.Hash(item);
            txs.Add(known(hash) ?? TransactionCodec.Decode(item, hash));
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
