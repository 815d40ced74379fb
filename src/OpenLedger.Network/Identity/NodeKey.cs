using System.Security.Cryptography;

namespace OpenLedger.Network.Identity;

/// <summary>
/// The node's Ed25519 libp2p identity key (separate from any consensus key). On disk it is the libp2p
/// protobuf PrivateKey (KeyType Ed25519, data = 32-byte seed followed by the 32-byte public key), the
/// format go-libp2p and js-libp2p also use, written with mode 0600.
/// </summary>
public sealed class NodeKey
{
    public const int SeedLength = 32;
    private readonly byte[] _seed;

    private NodeKey(byte[] seed)
    {
        _seed = seed;
        PublicKey = new Ed25519PublicKey(Ed25519Signatures.Backend.GetPublicKey(_seed));
        PeerId = PeerId.FromPublicKey(PublicKey);
    }

    public Ed25519PublicKey PublicKey { get; }

    public PeerId PeerId { get; }

    public static NodeKey Generate() => new(RandomNumberGenerator.GetBytes(SeedLength));

    public static NodeKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedLength)
            throw new ArgumentException($"an Ed25519 seed is {SeedLength} bytes, got {seed.Length}", nameof(seed));
        return new NodeKey(seed.ToArray());
    }

    /// <summary>Signs with the process's Ed25519 backend (<see cref="Ed25519Signatures"/>); deterministic, the same bytes with either backend.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message) => Ed25519Signatures.Backend.Sign(_seed, PublicKey.Bytes, message);

    /// <summary>The libp2p protobuf PrivateKey encoding: 08 01 12 40 || seed || public key.</summary>
    public byte[] ToProtobuf()
    {
        var result = new byte[4 + 64];
        result[0] = 0x08; result[1] = 0x01; result[2] = 0x12; result[3] = 0x40;
        _seed.CopyTo(result, 4);
        PublicKey.Bytes.CopyTo(result.AsSpan(4 + 32));
        return result;
    }

    public static NodeKey FromProtobuf(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != 68 || encoded[0] != 0x08 || encoded[1] != 0x01 || encoded[2] != 0x12 || encoded[3] != 0x40)
            throw new FormatException("node key is not a libp2p protobuf Ed25519 private key (expected 68 bytes starting 08 01 12 40)");
        var key = FromSeed(encoded.Slice(4, 32));
        if (!key.PublicKey.Bytes.AsSpan().SequenceEqual(encoded.Slice(36, 32)))
            throw new FormatException("node key file is corrupt: the stored public key does not match the seed");
        return key;
    }

    public static NodeKey Load(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { throw new FileNotFoundException($"node key file '{path}' does not exist; create one with NodeKey.LoadOrCreate or the node's init command", path); }
        return FromProtobuf(bytes);
    }

    /// <summary>Writes the key file with owner-only permissions (0600); refuses to overwrite an existing key.</summary>
    public void Save(string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var file = new FileStream(path, options);
        file.Write(ToProtobuf());
    }

    public static NodeKey LoadOrCreate(string path)
    {
        if (File.Exists(path)) return Load(path);
        var key = Generate();
        key.Save(path);
        return key;
    }
}
