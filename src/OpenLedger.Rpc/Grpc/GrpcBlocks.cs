using OpenLedger.Rpc.Backend;
using OpenLedger.Rpc.V1;

namespace OpenLedger.Rpc.Grpc;

/// <summary>Resolves a <see cref="BlockRef"/> against the chain.</summary>
internal static class GrpcBlocks
{
    public static ChainBlock Find(INodeBackend backend, BlockRef? reference)
    {
        var head = backend.HeadBlockNumber;
        switch (reference?.RefCase ?? BlockRef.RefOneofCase.None)
        {
            case BlockRef.RefOneofCase.Hash:
                var hash = GrpcInput.Hash(reference!.Hash, "block.hash");
                return backend.GetBlock(hash) ?? throw GrpcInput.NotFound($"no block with hash {hash} on this chain");
            case BlockRef.RefOneofCase.Number:
                if (reference!.Number > head)
                    throw GrpcInput.NotFound($"block {reference.Number} does not exist yet: the head is block {head}");
                return backend.GetBlock(reference.Number) ?? throw GrpcInput.NotFound($"block {reference.Number} is not stored on this node");
            default:
                var number = Number(backend, reference);
                return backend.GetBlock(number) ?? throw GrpcInput.NotFound($"block {number} is not stored on this node");
        }
    }

    /// <summary>The block's number for a state query; null for the head (which every backend can answer).</summary>
    public static ulong? StateBlock(INodeBackend backend, BlockRef? reference)
    {
        var number = reference?.RefCase is BlockRef.RefOneofCase.Hash ? Find(backend, reference).Number : Number(backend, reference);
        if (number > backend.HeadBlockNumber)
            throw GrpcInput.NotFound($"block {number} does not exist yet: the head is block {backend.HeadBlockNumber}");
        return number == backend.HeadBlockNumber ? null : number;
    }

    private static ulong Number(INodeBackend backend, BlockRef? reference) => (reference?.RefCase ?? BlockRef.RefOneofCase.None) switch
    {
        BlockRef.RefOneofCase.Number => reference!.Number,
        BlockRef.RefOneofCase.Tag => reference!.Tag switch
        {
            BlockTag.Finalized => backend.FinalizedBlockNumber,
            BlockTag.Earliest => 0,
            _ => backend.HeadBlockNumber,
        },
        _ => backend.HeadBlockNumber,
    };
}
