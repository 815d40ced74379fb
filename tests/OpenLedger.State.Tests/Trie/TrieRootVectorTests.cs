using System.Text.Json;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;
using OpenLedger.State.Tests.Support;
using OpenLedger.State.Trie;
using Xunit;

namespace OpenLedger.State.Tests.Trie;

/// <summary>tests/vectors/trie_roots.json: ops applied in order, then the final contents and root are checked.</summary>
public class TrieRootVectorTests
{
    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        using var doc = Vectors.Load("trie_roots.json");
        foreach (var testCase in doc.RootElement.EnumerateArray()) data.Add(testCase.GetProperty("name").GetString()!);
        return data;
    }

    [Fact]
    public void TheFileHasAllThirtyNineCases() => Assert.Equal(39, CaseNames().Count);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Case_GivesTheExpectedRootAndContents(string name)
    {
        using var doc = Vectors.Load("trie_roots.json");
        var testCase = doc.RootElement.EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var store = new MemoryTrieNodeStore();
        var trie = new TestTrie(testCase.GetProperty("secure").GetBoolean(), store);
        foreach (var op in testCase.GetProperty("ops").EnumerateArray())
        {
            var key = Hex.Decode(op.GetProperty("key").GetString()!);
            switch (op.GetProperty("op").GetString())
            {
                case "put":
                    trie.Set(key, Hex.Decode(op.GetProperty("value").GetString()!));
                    break;
                case "del":
                    trie.Delete(key);
                    break;
                default:
                    throw new InvalidDataException($"unknown op in {name}");
            }
        }
        var expectedRoot = Hash256.Parse(testCase.GetProperty("root").GetString()!);
        Assert.Equal(expectedRoot, trie.RootHash);

        var final = testCase.GetProperty("final").EnumerateObject().ToList();
        foreach (var entry in final)
            Assert.Equal(Hex.Decode(entry.Value.GetString()!), trie.Get(Hex.Decode(entry.Name)));

        // The committed nodes alone must be enough to read everything back at that root.
        Assert.Equal(expectedRoot, trie.Commit(store));
        var reopened = new TestTrie(testCase.GetProperty("secure").GetBoolean(), store, expectedRoot);
        foreach (var entry in final)
            Assert.Equal(Hex.Decode(entry.Value.GetString()!), reopened.Get(Hex.Decode(entry.Name)));
    }
}
