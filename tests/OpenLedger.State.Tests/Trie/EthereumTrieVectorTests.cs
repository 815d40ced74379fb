using System.Text.Json;
using OpenLedger.Core.Types;
using OpenLedger.State.Tests.Support;
using OpenLedger.State.Trie;
using Xunit;

namespace OpenLedger.State.Tests.Trie;

/// <summary>The trie cases of github.com/ethereum/tests (TrieTests/), every case of every file.</summary>
public class EthereumTrieVectorTests
{
    private const string Folder = "ethereum-tests/TrieTests/";

    public static TheoryData<string, string> OrderedCases() => CaseNames("trietest.json", "trietest_secureTrie.json");

    public static TheoryData<string, string> AnyOrderCases() =>
        CaseNames("trieanyorder.json", "trieanyorder_secureTrie.json", "hex_encoded_securetrie_test.json");

    [Theory]
    [MemberData(nameof(OrderedCases))]
    public void OrderedOperations_GiveTheExpectedRoot(string file, string name)
    {
        using var doc = Vectors.Load(Folder + file);
        var testCase = doc.RootElement.GetProperty(name);
        var secure = file.Contains("secure", StringComparison.OrdinalIgnoreCase);
        var trie = new TestTrie(secure);
        var expectedContents = new Dictionary<string, byte[]>();
        foreach (var op in testCase.GetProperty("in").EnumerateArray())
        {
            var key = Vectors.DecodeTrieString(op[0])!;
            var value = Vectors.DecodeTrieString(op[1]);
            if (value is null)
            {
                trie.Delete(key);
                expectedContents.Remove(Convert.ToHexString(key));
            }
            else
            {
                trie.Set(key, value);
                expectedContents[Convert.ToHexString(key)] = value;
            }
        }

        Assert.Equal(Hash256.Parse(testCase.GetProperty("root").GetString()!), trie.RootHash);
        foreach (var (key, value) in expectedContents)
            Assert.Equal(value, trie.Get(Convert.FromHexString(key)));
    }

    [Theory]
    [MemberData(nameof(AnyOrderCases))]
    public void AnyOrderInsertions_GiveTheExpectedRootInEveryOrder(string file, string name)
    {
        using var doc = Vectors.Load(Folder + file);
        var testCase = doc.RootElement.GetProperty(name);
        var secure = file.Contains("secure", StringComparison.OrdinalIgnoreCase);
        var entries = testCase.GetProperty("in").EnumerateObject()
            .Select(p => (Key: DecodeKey(p.Name), Value: Vectors.DecodeTrieString(p.Value)!))
            .ToList();
        var expected = Hash256.Parse(testCase.GetProperty("root").GetString()!);

        var orders = new List<List<(byte[] Key, byte[] Value)>> { entries, Enumerable.Reverse(entries).ToList() };
        var random = new Random(entries.Count);
        for (var i = 0; i < 3; i++) orders.Add(entries.OrderBy(_ => random.Next()).ToList());
        foreach (var order in orders)
        {
            var trie = new TestTrie(secure);
            foreach (var (key, value) in order) trie.Set(key, value);
            Assert.Equal(expected, trie.RootHash);
            foreach (var (key, value) in entries) Assert.Equal(value, trie.Get(key));
        }
    }

    [Fact]
    public void NextAndPreviousKeys_FollowTheTrieKeyOrder()
    {
        using var doc = Vectors.Load(Folder + "trietestnextprev.json");
        var checkedCases = 0;
        foreach (var testCase in doc.RootElement.EnumerateObject())
        {
            var trie = new PatriciaTrie(new MemoryTrieNodeStore());
            foreach (var key in testCase.Value.GetProperty("in").EnumerateArray())
            {
                var bytes = Vectors.DecodeTrieString(key)!;
                trie.Set(bytes, bytes);
            }
            var keys = trie.Enumerate().Select(e => e.Key).ToList();
            foreach (var test in testCase.Value.GetProperty("tests").EnumerateArray())
            {
                var probe = Vectors.DecodeTrieString(test[0])!;
                var previous = keys.LastOrDefault(k => k.AsSpan().SequenceCompareTo(probe) < 0) ?? [];
                var next = keys.FirstOrDefault(k => k.AsSpan().SequenceCompareTo(probe) > 0) ?? [];
                Assert.Equal(Vectors.DecodeTrieString(test[1]), previous);
                Assert.Equal(Vectors.DecodeTrieString(test[2]), next);
                checkedCases++;
            }
        }
        Assert.True(checkedCases > 0);
    }

    // Object keys cannot be JSON null, so only the hex/string convention applies.
    private static byte[] DecodeKey(string name) =>
        name.StartsWith("0x", StringComparison.Ordinal) ? Convert.FromHexString(name[2..]) : System.Text.Encoding.UTF8.GetBytes(name);

    private static TheoryData<string, string> CaseNames(params string[] files)
    {
        var data = new TheoryData<string, string>();
        foreach (var file in files)
        {
            using var doc = Vectors.Load(Folder + file);
            foreach (var testCase in doc.RootElement.EnumerateObject()) data.Add(file, testCase.Name);
        }
        return data;
    }
}
