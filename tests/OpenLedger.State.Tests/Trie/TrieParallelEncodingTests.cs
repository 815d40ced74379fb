using FsCheck.Xunit;
using OpenLedger.Core.Types;
using OpenLedger.State.Tests.Support;
using OpenLedger.State.Trie;
using Xunit;

namespace OpenLedger.State.Tests.Trie;

/// <summary>
/// A root computation over many changed subtries encodes them side by side; the root and the committed nodes must
/// be those of the one-change-at-a-time computation (which stays on one thread) and of the reference root.
/// </summary>
public class TrieParallelEncodingTests
{
    [Property(MaxTest = 25)]
    public void ManyChangesHashedAtOnce_GiveTheRootOfOneChangeAtATime(int seed)
    {
        var random = new Random(seed);
        var entries = new Dictionary<string, KeyValuePair<byte[], byte[]>>();
        var atOnceStore = new MemoryTrieNodeStore();
        var stepStore = new MemoryTrieNodeStore();
        var atOnceRoot = Hash256.EmptyTrieRoot;
        var stepRoot = Hash256.EmptyTrieRoot;

        for (var block = 0; block < 3; block++)
        {
            var atOnce = new PatriciaTrie(atOnceStore, atOnceRoot);
            var step = new PatriciaTrie(stepStore, stepRoot);
            var changes = 100 + random.Next(900);
            for (var i = 0; i < changes; i++)
            {
                // Mostly 32-byte keys (like a secure trie), some short ones so that branches carry values and
                // embedded nodes appear; some deletions of existing keys.
                if (entries.Count > 0 && random.Next(8) == 0)
                {
                    var victim = entries.Values.ElementAt(random.Next(entries.Count));
                    atOnce.Delete(victim.Key);
                    step.Delete(victim.Key);
                    entries.Remove(Convert.ToHexString(victim.Key));
                }
                else
                {
                    var key = RandomBytes(random, random.Next(10) == 0 ? 1 + random.Next(3) : 32);
                    var value = RandomBytes(random, 1 + random.Next(random.Next(4) == 0 ? 8 : 60));
                    atOnce.Set(key, value);
                    step.Set(key, value);
                    entries[Convert.ToHexString(key)] = new(key, value);
                }
                _ = step.RootHash;
            }
            atOnceRoot = atOnce.Commit(atOnceStore);
            stepRoot = step.Commit(stepStore);
            Assert.Equal(stepRoot, atOnceRoot);
            Assert.Equal(ReferenceTrieRoot.Compute(entries.Values), atOnceRoot);
        }

        var reopened = new PatriciaTrie(atOnceStore, atOnceRoot);
        foreach (var (key, value) in entries.Values) Assert.Equal(value, reopened.Get(key));
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
