namespace OpenLedger.State.Trie;

/// <summary>The trie cannot be read: a node is missing from the store or its stored RLP is not a valid node.</summary>
public sealed class TrieException(string message, Exception? inner = null) : Exception(message, inner);
