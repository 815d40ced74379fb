namespace OpenLedger.Network.Gossip;

/// <summary>
/// The gossipsub message cache: messages of the last <c>historyLength</c> heartbeats, served to IWANT,
/// of which the last <c>historyGossip</c> are advertised in IHAVE. Not thread-safe (the router locks).
/// </summary>
internal sealed class MessageCache(int historyLength, int historyGossip)
{
    private readonly Dictionary<string, PubSubMessage> _messages = new(StringComparer.Ordinal);
    private readonly LinkedList<List<(string Key, byte[] Id, string Topic)>> _windows = new([new List<(string, byte[], string)>()]);

    public int Count => _messages.Count;

    public void Put(byte[] id, PubSubMessage message)
    {
        string key = Convert.ToHexString(id);
        if (!_messages.TryAdd(key, message)) return;
        _windows.First!.Value.Add((key, id, message.Topic));
    }

    public PubSubMessage? Get(byte[] id) => _messages.GetValueOrDefault(Convert.ToHexString(id));

    public List<byte[]> GossipIds(string topic)
    {
        var ids = new List<byte[]>();
        int window = 0;
        for (var node = _windows.First; node is not null && window < historyGossip; node = node.Next, window++)
            ids.AddRange(node.Value.Where(e => e.Topic == topic).Select(e => e.Id));
        return ids;
    }

    public void Shift()
    {
        if (_windows.Count >= historyLength)
        {
            foreach (var entry in _windows.Last!.Value) _messages.Remove(entry.Key);
            _windows.RemoveLast();
        }
        _windows.AddFirst([]);
    }
}
