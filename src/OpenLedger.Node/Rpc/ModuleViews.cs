using OpenLedger.Execution.Modules;
using OpenLedger.Execution.StateTrie;
using OpenLedger.Rpc.Backend;

namespace OpenLedger.Node.Rpc;

/// <summary>
/// Answers the gRPC QueryService's module queries from the modules' typed read APIs, as proto3 JSON.
/// A query for a module this chain does not run is an error the caller can act on, not an empty answer.
/// </summary>
public sealed class ModuleViews(ModuleRegistry modules)
{
    private readonly Dictionary<(string Module, string Query), Func<IReadOnlyDictionary<string, string>, TrieStateBackend, string?>> _queries = new();

    public void Register(string module, string query, Func<IReadOnlyDictionary<string, string>, TrieStateBackend, string?> handler) =>
        _queries[(module, query)] = handler;

    public string? Get(string module, string query, IReadOnlyDictionary<string, string> arguments, TrieStateBackend state)
    {
        if (_queries.TryGetValue((module, query), out var handler)) return handler(arguments, state);
        var enabled = string.Join(", ", modules.All.Select(m => m.Name));
        throw new NodeBackendException(BackendErrorKind.InvalidArgument,
            $"the {module} query '{query}' is not available on this node (modules enabled: {(enabled.Length == 0 ? "none" : enabled)})");
    }
}
