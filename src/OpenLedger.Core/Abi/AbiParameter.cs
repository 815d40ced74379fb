namespace OpenLedger.Core.Abi;

/// <summary>
/// A named function input/output or event field. <see cref="Indexed"/> only has meaning for events;
/// <see cref="InternalType"/> is the optional Solidity-side type name of the JSON ABI (e.g. "struct Call[]").
/// </summary>
public sealed record AbiParameter(string Name, AbiType Type, bool Indexed = false, string? InternalType = null)
{
    public AbiParameter(AbiType type) : this("", type)
    {
    }

    /// <summary>"type [indexed] [name]", the human-readable form.</summary>
    public override string ToString()
    {
        var text = Type.ToString();
        if (Indexed) text += " indexed";
        return Name.Length == 0 ? text : text + " " + Name;
    }
}
