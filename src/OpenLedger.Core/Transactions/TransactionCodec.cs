using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Transactions;

/// <summary>EIP-2718 / EIP-155 / EIP-2930 / EIP-1559 wire formats: strict decoding and canonical encoding.</summary>
internal static class TransactionCodec
{
    private const int LegacyFieldCount = 9;
    private const int AccessListFieldCount = 11;
    private const int DynamicFeeFieldCount = 12;

    public static Transaction Decode(ReadOnlySpan<byte> encoded) => Decode(encoded, null);

    /// <summary>Decodes; <paramref name="hash"/>, when given, is keccak256 of <paramref name="encoded"/> already computed by the caller.</summary>
    public static Transaction Decode(ReadOnlySpan<byte> encoded, Hash256? hash)
    {
        if (encoded.IsEmpty) throw new TransactionDecodingException("empty input is not a transaction");
        var first = encoded[0];
        if (first >= 0xc0) return Decode(TxType.Legacy, encoded, encoded, hash);
        if (first >= 0x80)
            throw new TransactionDecodingException(
                $"expected an RLP list (legacy) or a type byte below 0x80 (EIP-2718), found an RLP string prefix 0x{first:x2}");
        if (first != (byte)TxType.AccessList && first != (byte)TxType.DynamicFee)
            throw new TransactionDecodingException($"transaction type 0x{first:x2} is not supported (supported: legacy, 0x01, 0x02)");
        if (encoded.Length == 1) throw new TransactionDecodingException($"type 0x{first:x2} transaction has no payload");
        return Decode((TxType)first, encoded[1..], encoded, hash);
    }

    private static Transaction Decode(TxType type, ReadOnlySpan<byte> rlp, ReadOnlySpan<byte> whole, Hash256? hash)
    {
        var kind = Describe(type);
        try
        {
            var outer = new RlpReader(rlp);
            if (!outer.PeekIsList()) throw new TransactionDecodingException($"{kind} transaction must be an RLP list");
            var fields = outer.ReadList();
            if (outer.HasMore)
                throw new TransactionDecodingException($"{outer.Remaining} unexpected trailing byte(s) after the {kind} transaction");
            var expected = type switch
            {
                TxType.Legacy => LegacyFieldCount,
                TxType.AccessList => AccessListFieldCount,
                _ => DynamicFeeFieldCount,
            };
            // Nothing follows the list, so its payload ends the input.
            var signedFieldsStart = whole.Length - fields.Remaining;
            var count = CountItems(fields);
            if (count != expected)
                throw new TransactionDecodingException($"{kind} transaction must have {expected} fields, got {count}");

            ulong chainId = 0;
            if (type != TxType.Legacy) chainId = fields.ReadUInt64("chain id");
            var nonce = fields.ReadUInt64("nonce");
            UInt256 gasPrice = UInt256.Zero, maxPriority = UInt256.Zero, maxFee = UInt256.Zero;
            if (type == TxType.DynamicFee)
            {
                maxPriority = ReadAmount(ref fields, "max priority fee per gas");
                maxFee = ReadAmount(ref fields, "max fee per gas");
            }
            else
            {
                gasPrice = ReadAmount(ref fields, "gas price");
            }
            var gasLimit = fields.ReadUInt64("gas limit");
            var to = ReadRecipient(ref fields);
            var value = ReadAmount(ref fields, "value");
            var data = fields.ReadBytes().ToArray();
            IReadOnlyList<AccessListItem> accessList = type == TxType.Legacy ? [] : ReadAccessList(ref fields);
            var signedFieldsEnd = signedFieldsStart + fields.Position;

            UInt128 v;
            byte recoveryId;
            var replayProtected = true;
            if (type == TxType.Legacy)
            {
                v = fields.ReadUInt128("v");
                if (v == 27 || v == 28)
                {
                    replayProtected = false;
                    recoveryId = (byte)(v - 27);
                }
                else if (v >= 35)
                {
                    var id = (v - 35) / 2;
                    if (id > ulong.MaxValue) throw new TransactionDecodingException($"chain id {id} (from v = {v}) does not fit in 64 bits");
                    chainId = (ulong)id;
                    recoveryId = (byte)((v - 35) % 2);
                }
                else
                {
                    throw new TransactionDecodingException($"legacy transaction v = {v} is invalid: expected 27, 28 or chainId*2+35/36 (EIP-155)");
                }
            }
            else
            {
                var parity = fields.ReadUInt64("y parity");
                if (parity > 1) throw new TransactionDecodingException($"{kind} transaction y parity must be 0 or 1, got {parity}");
                v = parity;
                recoveryId = (byte)parity;
            }
            var r = ReadSignatureScalar(ref fields, "signature r");
            var s = ReadSignatureScalar(ref fields, "signature s");
            var signature = Signature.FromCompact(r, s, recoveryId);

            // Strict decoding accepts exactly one encoding per transaction, so the input is the canonical form.
            var canonical = whole.ToArray();
            return new Transaction(type, chainId, replayProtected, nonce,
                type == TxType.DynamicFee ? maxPriority : gasPrice, type == TxType.DynamicFee ? maxFee : gasPrice,
                gasLimit, to, value, data, accessList, signature, v, canonical, hash ?? Keccak256.Hash(canonical),
                signedFieldsStart, signedFieldsEnd);
        }
        catch (RlpException e)
        {
            throw new TransactionDecodingException($"invalid {kind} transaction: {e.Message}", e);
        }
    }

    /// <summary>Builds the signed transaction and its canonical encoding from unsigned fields and a signature.</summary>
    public static Transaction CreateSigned(UnsignedTransaction unsigned, in Signature signature)
    {
        unsigned.Validate();
        if (signature.RecoveryId > 1) throw new ArgumentException($"recovery id must be 0 or 1, got {signature.RecoveryId}", nameof(signature));
        // Copy what the caller could still change through the builder.
        var fields = new UnsignedTransaction
        {
            Type = unsigned.Type,
            ChainId = unsigned.Type == TxType.Legacy && !unsigned.IsReplayProtected ? 0 : unsigned.ChainId,
            IsReplayProtected = unsigned.Type != TxType.Legacy || unsigned.IsReplayProtected,
            Nonce = unsigned.Nonce,
            GasPrice = unsigned.GasPrice,
            MaxPriorityFeePerGas = unsigned.MaxPriorityFeePerGas,
            MaxFeePerGas = unsigned.MaxFeePerGas,
            GasLimit = unsigned.GasLimit,
            To = unsigned.To,
            Value = unsigned.Value,
            Data = unsigned.Data.ToArray(),
            AccessList = unsigned.AccessList.Select(item => new AccessListItem(item.Address, item.StorageKeys.ToArray())).ToArray(),
        };
        UInt128 v = fields.Type != TxType.Legacy
            ? signature.RecoveryId
            : fields.IsReplayProtected
                ? (UInt128)fields.ChainId * 2 + 35 + signature.RecoveryId
                : (UInt128)27 + signature.RecoveryId;

        var writer = new RlpWriter(128 + fields.Data.Length);
        if (fields.Type != TxType.Legacy) writer.WriteEncoded([(byte)fields.Type]);
        var list = writer.BeginList();
        WritePayloadFields(writer, fields);
        var signedEnd = writer.Length;
        writer.WriteUInt128(v);
        WriteScalar(writer, signature.R);
        WriteScalar(writer, signature.S);
        var unframed = writer.Length;
        // The list began after the type byte, so its header lands between the type byte and the payload, moving the
        // signed fields along by the header's length.
        writer.EndList(list);
        var header = writer.Length - unframed;
        return new Transaction(fields, signature, v, writer.ToArray(), list + header, signedEnd + header);
    }

    /// <summary>The payload whose keccak256 is signed: EIP-155 for legacy (or the 6-field pre-155 form), EIP-2718 for typed.</summary>
    public static byte[] EncodeForSigning(UnsignedTransaction fields)
    {
        var writer = new RlpWriter(128 + fields.Data.Length);
        WriteForSigning(writer, fields);
        return writer.ToArray();
    }

    /// <summary>keccak256 of <see cref="EncodeForSigning"/>'s bytes, encoded into the thread's reusable writer (no arrays).</summary>
    public static Hash256 SigningHash(UnsignedTransaction fields)
    {
        var writer = RlpWriter.RentForThread();
        WriteForSigning(writer, fields);
        var hash = Keccak256.Hash(writer.WrittenSpan);
        RlpWriter.ReturnForThread(writer);
        return hash;
    }

    /// <summary>
    /// keccak256 of the signing payload built around <paramref name="signedFields"/>, the signed fields as they appear
    /// in the canonical encoding: type byte (typed), a list header, the fields, and for EIP-155 legacy chainId, 0, 0.
    /// Same digest as <see cref="SigningHash(UnsignedTransaction)"/>, without re-encoding any field.
    /// </summary>
    public static Hash256 SigningHash(TxType type, bool isReplayProtected, ulong chainId, ReadOnlySpan<byte> signedFields)
    {
        var writer = RlpWriter.RentForThread();
        if (type != TxType.Legacy) writer.WriteEncoded([(byte)type]);
        var list = writer.BeginList();
        writer.WriteEncoded(signedFields);
        if (type == TxType.Legacy && isReplayProtected) WriteEip155Suffix(writer, chainId);
        writer.EndList(list);
        var hash = Keccak256.Hash(writer.WrittenSpan);
        RlpWriter.ReturnForThread(writer);
        return hash;
    }

    /// <summary>EIP-155: a legacy transaction signs chainId, 0, 0 in place of v, r, s.</summary>
    private static void WriteEip155Suffix(RlpWriter writer, ulong chainId)
    {
        writer.WriteUInt64(chainId);
        writer.WriteUInt64(0);
        writer.WriteUInt64(0);
    }

    private static void WriteForSigning(RlpWriter writer, UnsignedTransaction fields)
    {
        if (fields.Type != TxType.Legacy) writer.WriteEncoded([(byte)fields.Type]);
        var list = writer.BeginList();
        WritePayloadFields(writer, fields);
        if (fields.Type == TxType.Legacy && fields.IsReplayProtected) WriteEip155Suffix(writer, fields.ChainId);
        // The list began after the type byte, so its header lands between the type byte and the payload.
        writer.EndList(list);
    }

    private static void WritePayloadFields(RlpWriter writer, UnsignedTransaction fields)
    {
        if (fields.Type != TxType.Legacy) writer.WriteUInt64(fields.ChainId);
        writer.WriteUInt64(fields.Nonce);
        if (fields.Type == TxType.DynamicFee)
        {
            WriteAmount(writer, fields.MaxPriorityFeePerGas);
            WriteAmount(writer, fields.MaxFeePerGas);
        }
        else
        {
            WriteAmount(writer, fields.GasPrice);
        }
        writer.WriteUInt64(fields.GasLimit);
        if (fields.To is { } to) writer.WriteBytes(to.Bytes);
        else writer.WriteBytes([]);
        WriteAmount(writer, fields.Value);
        writer.WriteBytes(fields.Data);
        if (fields.Type == TxType.Legacy) return;
        var accessList = writer.BeginList();
        foreach (var item in fields.AccessList)
        {
            var entry = writer.BeginList();
            writer.WriteBytes(item.Address.Bytes);
            var keys = writer.BeginList();
            foreach (var key in item.StorageKeys) writer.WriteBytes(key.Bytes);
            writer.EndList(keys);
            writer.EndList(entry);
        }
        writer.EndList(accessList);
    }

    private static void WriteAmount(RlpWriter writer, UInt256 amount) => writer.WriteBytes(amount.ToMinimalBigEndian());

    private static void WriteScalar(RlpWriter writer, ReadOnlySpan<byte> value32)
    {
        var first = value32.IndexOfAnyExcept((byte)0);
        writer.WriteBytes(first < 0 ? [] : value32[first..]);
    }

    private static int CountItems(RlpReader list)
    {
        // The reader is a struct passed by value: counting advances only this copy.
        var count = 0;
        while (list.HasMore)
        {
            list.ReadEncodedItem();
            count++;
        }
        return count;
    }

    /// <summary>
    /// A wei amount, read at Ethereum's full 256 bits so every Ethereum transaction decodes, hashes and re-encodes.
    /// OpenLedger money is UInt128 wei (SPEC §2); that limit is an admission rule (<see cref="TransactionRules"/>),
    /// not a property of the encoding.
    /// </summary>
    private static UInt256 ReadAmount(ref RlpReader fields, string what)
    {
        var bytes = fields.ReadBytes();
        if (bytes.Length > 0 && bytes[0] == 0) throw new TransactionDecodingException($"{what} has leading zero bytes (non-canonical)");
        if (bytes.Length > UInt256.ByteLength)
            throw new TransactionDecodingException($"{what} is {bytes.Length} bytes long; Ethereum amounts fit in 256 bits (32 bytes)");
        return UInt256.FromBigEndian(bytes);
    }

    private static Address? ReadRecipient(ref RlpReader fields)
    {
        var bytes = fields.ReadBytes();
        if (bytes.IsEmpty) return null;
        if (bytes.Length != Address.Length)
            throw new TransactionDecodingException($"recipient address must be 20 bytes (or empty for contract creation), got {bytes.Length}");
        return new Address(bytes);
    }

    private static IReadOnlyList<AccessListItem> ReadAccessList(ref RlpReader fields)
    {
        if (!fields.PeekIsList()) throw new TransactionDecodingException("access list must be an RLP list");
        var list = fields.ReadList();
        var items = new List<AccessListItem>();
        while (list.HasMore)
        {
            if (!list.PeekIsList()) throw new TransactionDecodingException($"access list entry {items.Count} must be a list [address, storageKeys]");
            var entry = list.ReadList();
            if (CountItems(entry) != 2)
                throw new TransactionDecodingException($"access list entry {items.Count} must have 2 fields [address, storageKeys], got {CountItems(entry)}");
            var address = new Address(entry.ReadBytes(Address.Length, "access list address"));
            if (!entry.PeekIsList()) throw new TransactionDecodingException($"access list entry {items.Count} storage keys must be a list");
            var keysReader = entry.ReadList();
            var keys = new List<Hash256>();
            while (keysReader.HasMore) keys.Add(new Hash256(keysReader.ReadBytes(Hash256.Length, "access list storage key")));
            items.Add(new AccessListItem(address, keys.ToArray()));
        }
        return items.ToArray();
    }

    private static ReadOnlySpan<byte> ReadSignatureScalar(ref RlpReader fields, string what)
    {
        var bytes = fields.ReadBytes();
        if (bytes.Length > 0 && bytes[0] == 0) throw new TransactionDecodingException($"{what} has leading zero bytes (non-canonical)");
        if (bytes.Length > 32) throw new TransactionDecodingException($"{what} does not fit in 256 bits");
        return bytes;
    }

    private static string Describe(TxType type) => type switch
    {
        TxType.Legacy => "legacy",
        TxType.AccessList => "EIP-2930 (type 1)",
        _ => "EIP-1559 (type 2)",
    };
}
