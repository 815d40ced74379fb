using OpenLedger.Core.Chain;
using OpenLedger.Core.Encoding;
using OpenLedger.Execution.Chain;
using OpenLedger.Network.Host;
using OpenLedger.Network.Identity;
using OpenLedger.Network.Protocols;
using Serilog;

namespace OpenLedger.Node.Network;

/// <summary>
/// <c>/openledger/&lt;chainId&gt;/blocks/1</c>: request <c>RLP[fromHeight, count]</c>, response
/// <c>RLP[[encodedBlock, encodedCommit]…]</c> for the consecutive committed blocks from <c>fromHeight</c>
/// (fewer when the server has fewer or the size bound is reached; empty when it has none).
/// </summary>
public sealed class BlockSyncProtocol
{
    public const int MaxBlocksPerRequest = 64;
    public const int MaxResponseBytes = 8 * 1024 * 1024;
    private const int MaxRequestBytes = 64;

    private readonly Blockchain _chain;
    private readonly ILogger _log;
    private readonly RequestResponseProtocol _protocol;

    public BlockSyncProtocol(Libp2pHost host, Blockchain chain, ILogger log)
    {
        _chain = chain;
        _log = log;
        _protocol = new RequestResponseProtocol(host, OpenLedgerProtocolIds.Blocks(chain.ChainId), MaxRequestBytes, MaxResponseBytes, TimeSpan.FromSeconds(10));
    }

    public void Serve() => _protocol.SetHandler((peer, request, _) => Task.FromResult(Answer(peer, request)));

    private byte[] Answer(PeerId peer, byte[] request)
    {
        var reader = new RlpReader(request);
        var list = reader.ReadList();
        var from = list.ReadUInt64("from height");
        var count = (int)Math.Min(list.ReadUInt64("count"), MaxBlocksPerRequest);
        list.EnsureEnd("blocks request");
        reader.EnsureEnd("blocks request");

        var writer = new RlpWriter(64 * 1024);
        var start = writer.BeginList();
        var size = 0;
        for (var n = from; n < from + (ulong)count && n >= 1; n++)
        {
            var block = _chain.Store.GetEncodedBlock(n);
            var commit = _chain.Store.GetCommit(n);
            if (block is null || commit is null) break;
            var encodedCommit = commit.Encode();
            size += block.Length + encodedCommit.Length + 16;
            if (size > MaxResponseBytes - 1024 && n > from) break;
            var item = writer.BeginList();
            writer.WriteBytes(block);
            writer.WriteBytes(encodedCommit);
            writer.EndList(item);
        }
        writer.EndList(start);
        _log.Debug("Served blocks from {From} to {Peer}", from, peer);
        return writer.ToArray();
    }

    /// <summary>Downloads up to <paramref name="count"/> committed blocks starting at <paramref name="from"/> from <paramref name="peer"/>.</summary>
    public async Task<IReadOnlyList<(Block Block, Commit Commit)>> RequestAsync(PeerId peer, ulong from, int count, CancellationToken ct)
    {
        var request = new RlpWriter(32);
        var start = request.BeginList();
        request.WriteUInt64(from);
        request.WriteUInt64((ulong)count);
        request.EndList(start);
        var response = await _protocol.RequestAsync(peer, request.ToArray(), ct);
        return Decode(response);
    }

    private static List<(Block, Commit)> Decode(byte[] response)
    {
        var result = new List<(Block, Commit)>();
        var reader = new RlpReader(response);
        var list = reader.ReadList();
        while (list.HasMore)
        {
            var item = list.ReadList();
            var block = Block.Decode(item.ReadBytes());
            var commit = Commit.Decode(item.ReadBytes());
            item.EnsureEnd("synced block");
            result.Add((block, commit));
        }
        reader.EnsureEnd("blocks response");
        return result;
    }
}
