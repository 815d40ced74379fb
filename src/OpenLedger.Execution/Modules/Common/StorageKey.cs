using System.Numerics;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Execution.Modules.Common;

/// <summary>
/// Storage slots of module records: keccak256(RLP([tag, part, ...])). The tag names the table ("model",
/// "delegation"), the parts are its key columns, so two tables can never collide and a prover can recompute any
/// slot from the documented layout (docs/economics.md, "State layout").
/// </summary>
public static class StorageKey
{
    public static Hash256 Of(string tag, params object[] parts)
    {
        var writer = new RlpWriter(64 + parts.Length * 40);
        var start = writer.BeginList();
        writer.WriteString(tag);
        foreach (var part in parts)
        {
            switch (part)
            {
                case ulong u: writer.WriteUInt64(u); break;
                case long l when l >= 0: writer.WriteUInt64((ulong)l); break;
                case int i when i >= 0: writer.WriteUInt64((ulong)i); break;
                case UInt128 w: writer.WriteUInt128(w); break;
                case BigInteger b: writer.WriteBigInteger(b); break;
                case Address a: writer.WriteBytes(a.Bytes); break;
                case Hash256 h: writer.WriteBytes(h.Bytes); break;
                case string s: writer.WriteString(s); break;
                case byte[] bytes: writer.WriteBytes(bytes); break;
                default: throw new ArgumentException($"unsupported storage key part {part?.GetType().Name ?? "null"}");
            }
        }
        writer.EndList(start);
        return Keccak256.Hash(writer.WrittenSpan);
    }
}
