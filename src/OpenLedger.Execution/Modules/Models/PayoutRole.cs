namespace OpenLedger.Execution.Modules.Models;

/// <summary>Why an address is paid from an inference fee (uint8 in events).</summary>
public enum PayoutRole : byte
{
    ModelOwner = 0,
    /// <summary>A base model's owner, paid a royalty out of an adapter's model share.</summary>
    BaseModelRoyalty = 1,
    Contributor = 2,
}
