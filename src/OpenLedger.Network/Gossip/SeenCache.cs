namespace OpenLedger.Network.Gossip;

/// <summary>Message ids seen recently, with a time-to-live and a hard size cap. Not thread-safe.</summary>
internal sealed class SeenCache(TimeSpan ttl, int maxEntries)
{
    private readonly Dictionary<string, DateTimeOffset> _expiry = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, DateTimeOffset Expiry)> _order = new();

    public int Count => _expiry.Count;

    public bool Contains(byte[] id) => _expiry.ContainsKey(Convert.ToHexString(id));

    /// <summary>Adds the id; returns false when it was already present.</summary>
    public bool TryAdd(byte[] id, DateTimeOffset now)
    {
        string key = Convert.ToHexString(id);
        if (_expiry.ContainsKey(key)) return false;
        while (_expiry.Count >= maxEntries && _order.TryDequeue(out var oldest)) _expiry.Remove(oldest.Key);
        _expiry[key] = now + ttl;
        _order.Enqueue((key, now + ttl));
        return true;
    }

    public void Prune(DateTimeOffset now)
    {
        while (_order.TryPeek(out var oldest) && oldest.Expiry <= now)
        {
            _order.Dequeue();
            _expiry.Remove(oldest.Key);
        }
    }
}
