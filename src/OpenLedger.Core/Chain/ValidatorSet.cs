using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Chain;

/// <summary>
/// An ordered validator set (by consensus address). Its hash, committed in every header, covers each
/// member's consensus key, operator and power, so a light client can follow set changes.
/// </summary>
public sealed class ValidatorSet
{
    private readonly Dictionary<Address, Validator> _byAddress;

    public ValidatorSet(IEnumerable<Validator> validators)
    {
        Validators = validators.OrderBy(v => v.ConsensusAddress).ToArray();
        _byAddress = Validators.ToDictionary(v => v.ConsensusAddress);
        if (_byAddress.Count != Validators.Count) throw new ArgumentException("a validator set cannot list the same validator twice");
        TotalPower = 0;
        foreach (var v in Validators) TotalPower = checked(TotalPower + v.Power);
        Hash = Keccak256.Hash(Encode());
    }

    public IReadOnlyList<Validator> Validators { get; }

    public UInt128 TotalPower { get; }

    public Hash256 Hash { get; }

    public int Count => Validators.Count;

    public Validator? Find(Address consensusAddress) => _byAddress.GetValueOrDefault(consensusAddress);

    /// <summary>True when <paramref name="power"/> is more than two thirds of the total (the BFT quorum).</summary>
    public bool IsQuorum(UInt128 power) => power * 3 > TotalPower * 2;

    public byte[] Encode()
    {
        var writer = new RlpWriter(64 + Validators.Count * 128);
        var start = writer.BeginList();
        foreach (var v in Validators)
        {
            var one = writer.BeginList();
            writer.WriteBytes(v.ConsensusPublicKey);
            writer.WriteBytes(v.Operator.Bytes);
            writer.WriteUInt128(v.Power);
            writer.EndList(one);
        }
        writer.EndList(start);
        return writer.ToArray();
    }

    public static ValidatorSet Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        var list = reader.ReadList();
        var validators = new List<Validator>();
        while (list.HasMore)
        {
            var one = list.ReadList();
            var key = one.ReadBytes().ToArray();
            var op = new Address(one.ReadBytes(20, "operator"));
            var power = one.ReadUInt128("power");
            one.EnsureEnd("validator");
            validators.Add(new Validator(Address.FromPublicKey(key), key, op, power));
        }
        reader.EnsureEnd("validator set");
        return new ValidatorSet(validators);
    }
}
