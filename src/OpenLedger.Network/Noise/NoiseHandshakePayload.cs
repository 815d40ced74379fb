using Google.Protobuf;
using OpenLedger.Network.Encoding;

namespace OpenLedger.Network.Noise;

/// <summary>
/// libp2p's NoiseHandshakePayload { bytes identity_key = 1; bytes identity_sig = 2; NoiseExtensions extensions = 4; }
/// with NoiseExtensions { repeated bytes webtransport_certhashes = 1; repeated string stream_muxers = 2; }.
/// </summary>
public sealed record NoiseHandshakePayload(byte[] IdentityKey, byte[] IdentitySignature, IReadOnlyList<string> StreamMuxers)
{
    public byte[] Encode() => ProtobufFields.Encode(output =>
    {
        ProtobufFields.WriteBytes(output, 1, IdentityKey);
        ProtobufFields.WriteBytes(output, 2, IdentitySignature);
        if (StreamMuxers.Count > 0)
        {
            byte[] extensions = ProtobufFields.Encode(ext =>
            {
                foreach (string muxer in StreamMuxers) ProtobufFields.WriteString(ext, 2, muxer);
            });
            ProtobufFields.WriteBytes(output, 4, extensions);
        }
    });

    /// <exception cref="FormatException">Malformed protobuf.</exception>
    public static NoiseHandshakePayload Decode(ReadOnlySpan<byte> data)
    {
        byte[] key = [], signature = [];
        var muxers = new List<string>();
        ProtobufFields.Decode(data, (input, tag) =>
        {
            switch (tag)
            {
                case 10: key = ProtobufFields.ReadByteArray(input); return true;
                case 18: signature = ProtobufFields.ReadByteArray(input); return true;
                case 34:
                    ProtobufFields.Decode(input.ReadBytes().Span, (ext, extTag) =>
                    {
                        if (extTag != 18) return false;
                        if (muxers.Count >= 16) throw new FormatException("too many stream muxers offered");
                        muxers.Add(ext.ReadString());
                        return true;
                    }, "NoiseExtensions");
                    return true;
                default: return false;
            }
        }, "NoiseHandshakePayload");
        return new NoiseHandshakePayload(key, signature, muxers);
    }
}
