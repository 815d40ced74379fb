using System.Numerics;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;

namespace OpenLedger.Execution.Modules.Datanets;

/// <summary>
/// The Merkle tree a datanet version commits to: an append-only binary tree of depth 32 over its approved
/// contributions in approval order (the deposit-contract construction), so each approval costs 32 hashes and
/// stores only the 32-hash frontier.
/// <list type="bullet">
/// <item>leaf = keccak256(abi.encode(uint256 contributionId, address contributor, bytes32 contentHash,
/// uint64 sizeBytes, uint16 qualityScore));</item>
/// <item>node = keccak256(left ‖ right); empty subtrees hash to zero[h] (zero[0] = 32 zero bytes,
/// zero[h+1] = keccak256(zero[h] ‖ zero[h]));</item>
/// <item>version root = keccak256(treeRoot ‖ uint256 leafCount, big-endian).</item>
/// </list>
/// A contributor proves inclusion with the 32 sibling hashes of its leaf (<see cref="VerifyProof"/>).
/// </summary>
public static class ContributionTree
{
    public const int Depth = 32;

    private static readonly AbiType[] LeafTypes =
        [AbiType.UInt256, AbiType.Address, AbiType.Bytes32, AbiType.Parse("uint64"), AbiType.Parse("uint16")];

    public static readonly Hash256[] ZeroHashes = BuildZeroHashes();

    public static Hash256 Leaf(ContributionInfo contribution) => Keccak256.Hash(AbiCodec.Encode(LeafTypes,
        [new BigInteger(contribution.Id), contribution.Contributor, contribution.ContentHash.ToArray(), contribution.SizeBytes, contribution.QualityScore]));

    /// <summary>Adds the leaf at index <paramref name="count"/> (the number of leaves before it) to the frontier.</summary>
    public static void Append(Hash256[] frontier, ulong count, Hash256 leaf)
    {
        var node = leaf;
        var size = count + 1;
        for (var height = 0; height < Depth; height++)
        {
            if ((size & 1) == 1)
            {
                frontier[height] = node;
                return;
            }
            node = HashPair(frontier[height], node);
            size >>= 1;
        }
        throw new InvalidOperationException("contribution tree is full (2^32 leaves)");
    }

    public static Hash256 Root(Hash256[] frontier, ulong count)
    {
        var node = Hash256.Zero;
        var size = count;
        for (var height = 0; height < Depth; height++)
        {
            node = (size & 1) == 1 ? HashPair(frontier[height], node) : HashPair(node, ZeroHashes[height]);
            size >>= 1;
        }
        return MixInCount(node, count);
    }

    /// <summary>Checks a proof: <paramref name="siblings"/> are the 32 sibling hashes from the leaf up.</summary>
    public static bool VerifyProof(Hash256 leaf, ulong index, IReadOnlyList<Hash256> siblings, ulong count, Hash256 versionRoot)
    {
        if (siblings.Count != Depth || index >= count) return false;
        var node = leaf;
        for (var height = 0; height < Depth; height++)
            node = ((index >> height) & 1) == 1 ? HashPair(siblings[height], node) : HashPair(node, siblings[height]);
        return MixInCount(node, count) == versionRoot;
    }

    /// <summary>The full proof for leaf <paramref name="index"/> given all leaves (for tools and tests).</summary>
    public static Hash256[] BuildProof(IReadOnlyList<Hash256> leaves, ulong index)
    {
        var proof = new Hash256[Depth];
        var level = leaves.ToList();
        var position = (int)index;
        for (var height = 0; height < Depth; height++)
        {
            var sibling = position ^ 1;
            proof[height] = sibling < level.Count ? level[sibling] : ZeroHashes[height];
            var next = new List<Hash256>((level.Count + 1) / 2);
            for (var i = 0; i < level.Count; i += 2)
                next.Add(HashPair(level[i], i + 1 < level.Count ? level[i + 1] : ZeroHashes[height]));
            level = next;
            position >>= 1;
        }
        return proof;
    }

    private static Hash256 MixInCount(Hash256 node, ulong count)
    {
        Span<byte> buffer = stackalloc byte[64];
        node.Bytes.CopyTo(buffer);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(buffer[56..], count);
        return Keccak256.Hash(buffer);
    }

    private static Hash256 HashPair(Hash256 left, Hash256 right)
    {
        Span<byte> buffer = stackalloc byte[64];
        left.Bytes.CopyTo(buffer);
        right.Bytes.CopyTo(buffer[32..]);
        return Keccak256.Hash(buffer);
    }

    private static Hash256[] BuildZeroHashes()
    {
        var zeros = new Hash256[Depth];
        zeros[0] = Hash256.Zero;
        for (var i = 1; i < Depth; i++) zeros[i] = HashPair(zeros[i - 1], zeros[i - 1]);
        return zeros;
    }
}
