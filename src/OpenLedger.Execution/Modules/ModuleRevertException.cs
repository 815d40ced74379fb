namespace OpenLedger.Execution.Modules;

/// <summary>A module refused a call. The reason ends up ABI-encoded as Error(string) in the receipt.</summary>
public sealed class ModuleRevertException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}
