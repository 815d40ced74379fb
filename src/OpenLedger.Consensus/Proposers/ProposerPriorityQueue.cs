using OpenLedger.Core.Chain;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Proposers;

/// <summary>
/// CometBFT's weighted round-robin proposer selection, as an immutable value. One "increment" runs:
/// rescale priorities so max - min stays within 2 x total power (divide by ceil(diff / (2 x total))),
/// centre them on zero (subtract the floored average), then add each validator's power, elect the highest
/// priority (ties: the lower address) and subtract the total power from it. Arithmetic clips at int64 bounds.
/// <para>
/// A queue is the state for one height: <see cref="Proposer"/> proposes round 0, and round r's proposer is
/// the one elected after r further single increments (<see cref="ProposerForRound"/>), so it depends only on
/// (height, r), never on the order in which a node passed through rounds. <see cref="NextHeight"/> carries
/// the priorities to the next height: new validators start at -1.125 x total power, removed ones disappear,
/// then one increment elects the next height's round-0 proposer. The priorities are chain state: persist
/// <see cref="Encode"/> for each height (or replay from genesis) so every node derives the same proposers.
/// </para>
/// </summary>
public sealed class ProposerPriorityQueue
{
    private readonly Address[] _addresses;
    private readonly long[] _powers;
    private readonly long[] _priorities;
    private readonly long _totalPower;
    private readonly int _proposerIndex;

    private ProposerPriorityQueue(Address[] addresses, long[] powers, long[] priorities, int proposerIndex)
    {
        _addresses = addresses;
        _powers = powers;
        _priorities = priorities;
        _proposerIndex = proposerIndex;
        long total = 0;
        foreach (var p in powers) total = checked(total + p);
        if (total > ProposerPower.MaxTotal)
            throw new ArgumentException($"total proposer power {total} exceeds the limit {ProposerPower.MaxTotal}");
        _totalPower = total;
    }

    /// <summary>The proposer of round 0 at this queue's height.</summary>
    public Address Proposer => _addresses[_proposerIndex];

    public long TotalPower => _totalPower;

    public int Count => _addresses.Length;

    /// <summary>Validators in address order with their scaled power and current priority.</summary>
    public IEnumerable<(Address Address, long Power, long Priority)> Entries =>
        _addresses.Select((a, i) => (a, _powers[i], _priorities[i]));

    /// <summary>The queue of the first height: all priorities zero, then one increment (like CometBFT's NewValidatorSet).</summary>
    public static ProposerPriorityQueue Create(ValidatorSet validators) =>
        Create(validators.Validators.Select(v => (v.ConsensusAddress, ProposerPower.FromWei(v.Power))));

    /// <summary>As <see cref="Create(ValidatorSet)"/> from already scaled powers (any order; sorted by address).</summary>
    public static ProposerPriorityQueue Create(IEnumerable<(Address Address, long Power)> validators)
    {
        var sorted = validators.OrderBy(v => v.Address).ToArray();
        if (sorted.Length == 0) throw new ArgumentException("a proposer queue needs at least one validator");
        for (var i = 1; i < sorted.Length; i++)
            if (sorted[i].Address == sorted[i - 1].Address) throw new ArgumentException($"validator {sorted[i].Address} is listed twice");
        foreach (var v in sorted)
            if (v.Power <= 0) throw new ArgumentException($"validator {v.Address} has non-positive proposer power {v.Power}");
        var zero = new ProposerPriorityQueue(sorted.Select(v => v.Address).ToArray(), sorted.Select(v => v.Power).ToArray(), new long[sorted.Length], 0);
        return zero.Increment();
    }

    /// <summary>The queue after <paramref name="times"/> single increments (rescale, centre, elect each time).</summary>
    public ProposerPriorityQueue Increment(int times = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(times);
        var queue = this;
        for (var i = 0; i < times; i++) queue = queue.IncrementOnce();
        return queue;
    }

    /// <summary>The proposer of <paramref name="round"/> at this height.</summary>
    public Address ProposerForRound(int round) => round == 0 ? Proposer : Increment(round).Proposer;

    /// <summary>
    /// The next height's queue: priorities carried over for validators that stay (with their new power),
    /// -1.125 x new total for newcomers, then one increment.
    /// </summary>
    public ProposerPriorityQueue NextHeight(ValidatorSet next) =>
        NextHeight(next.Validators.Select(v => (v.ConsensusAddress, ProposerPower.FromWei(v.Power))));

    public ProposerPriorityQueue NextHeight(IEnumerable<(Address Address, long Power)> next)
    {
        var sorted = next.OrderBy(v => v.Address).ToArray();
        if (sorted.Length == 0) throw new ArgumentException("the next validator set is empty");
        var unchanged = sorted.Length == _addresses.Length;
        for (var i = 0; unchanged && i < sorted.Length; i++)
            unchanged = sorted[i].Address == _addresses[i] && sorted[i].Power == _powers[i];
        if (unchanged) return Increment();

        long newTotal = 0;
        foreach (var v in sorted)
        {
            if (v.Power <= 0) throw new ArgumentException($"validator {v.Address} has non-positive proposer power {v.Power}");
            newTotal = checked(newTotal + v.Power);
        }
        var newcomerPriority = -(newTotal + (newTotal >> 3));
        var priorities = new long[sorted.Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            var existing = Array.BinarySearch(_addresses, sorted[i].Address);
            priorities[i] = existing >= 0 ? _priorities[existing] : newcomerPriority;
        }
        var updated = new ProposerPriorityQueue(sorted.Select(v => v.Address).ToArray(), sorted.Select(v => v.Power).ToArray(), priorities, 0);
        return updated.Increment();
    }

    private ProposerPriorityQueue IncrementOnce()
    {
        var priorities = (long[])_priorities.Clone();
        Rescale(priorities, 2 * _totalPower);
        Centre(priorities);
        var best = 0;
        for (var i = 0; i < priorities.Length; i++)
        {
            priorities[i] = AddClip(priorities[i], _powers[i]);
            // Addresses are sorted ascending, so keeping the first maximum resolves ties to the lower address.
            if (priorities[i] > priorities[best]) best = i;
        }
        priorities[best] = AddClip(priorities[best], -_totalPower);
        return new ProposerPriorityQueue(_addresses, _powers, priorities, best);
    }

    private static void Rescale(long[] priorities, long maxDiff)
    {
        if (maxDiff <= 0) return;
        var diff = (Int128)priorities.Max() - priorities.Min();
        if (diff <= maxDiff) return;
        var ratio = (long)((diff + maxDiff - 1) / maxDiff);
        for (var i = 0; i < priorities.Length; i++) priorities[i] /= ratio;
    }

    private static void Centre(long[] priorities)
    {
        Int128 sum = 0;
        foreach (var p in priorities) sum += p;
        // CometBFT divides with big.Int.Div, which floors for a positive divisor.
        var n = priorities.Length;
        var average = sum / n;
        if (sum % n < 0) average -= 1;
        for (var i = 0; i < priorities.Length; i++) priorities[i] = AddClip(priorities[i], -(long)average);
    }

    private static long AddClip(long a, long b)
    {
        var sum = (Int128)a + b;
        if (sum > long.MaxValue) return long.MaxValue;
        if (sum < long.MinValue) return long.MinValue;
        return (long)sum;
    }

    /// <summary>
    /// RLP [[address, power, zigzag(priority)]..., proposerIndex] for the node's state store; zigzag maps
    /// signed priorities onto RLP's unsigned integers (0, -1, 1, -2 ... to 0, 1, 2, 3 ...).
    /// </summary>
    public byte[] Encode()
    {
        var writer = new RlpWriter(16 + _addresses.Length * 48);
        var start = writer.BeginList();
        var entries = writer.BeginList();
        for (var i = 0; i < _addresses.Length; i++)
        {
            var one = writer.BeginList();
            writer.WriteBytes(_addresses[i].Bytes);
            writer.WriteUInt64((ulong)_powers[i]);
            writer.WriteUInt64((ulong)((_priorities[i] << 1) ^ (_priorities[i] >> 63)));
            writer.EndList(one);
        }
        writer.EndList(entries);
        writer.WriteUInt64((ulong)_proposerIndex);
        writer.EndList(start);
        return writer.ToArray();
    }

    public static ProposerPriorityQueue Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        var list = reader.ReadList();
        var entries = list.ReadList();
        var addresses = new List<Address>();
        var powers = new List<long>();
        var priorities = new List<long>();
        while (entries.HasMore)
        {
            var one = entries.ReadList();
            var address = new Address(one.ReadBytes(20, "validator address"));
            var power = one.ReadUInt64("proposer power");
            if (power == 0 || power > ProposerPower.MaxTotal) throw new RlpException($"invalid proposer queue: power {power} out of range");
            var zigzag = one.ReadUInt64("proposer priority");
            one.EnsureEnd("proposer queue entry");
            if (addresses.Count > 0 && addresses[^1].CompareTo(address) >= 0)
                throw new RlpException("invalid proposer queue: validators are not in strictly ascending address order");
            addresses.Add(address);
            powers.Add((long)power);
            priorities.Add((long)(zigzag >> 1) ^ -(long)(zigzag & 1));
        }
        var proposerIndex = list.ReadUInt64("proposer index");
        list.EnsureEnd("proposer queue");
        reader.EnsureEnd("proposer queue");
        if (addresses.Count == 0) throw new RlpException("invalid proposer queue: no validators");
        if (proposerIndex >= (ulong)addresses.Count) throw new RlpException("invalid proposer queue: proposer index out of range");
        return new ProposerPriorityQueue(addresses.ToArray(), powers.ToArray(), priorities.ToArray(), (int)proposerIndex);
    }
}
