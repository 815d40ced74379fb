namespace OpenLedger.Network.Gossip;

/// <summary>What the application says about a gossiped message.</summary>
public enum ValidationResult
{
    /// <summary>Deliver locally and forward.</summary>
    Accept,

    /// <summary>Drop quietly (e.g. already known or not yet useful); the sender is not penalised.</summary>
    Ignore,

    /// <summary>Drop and penalise the peer that sent it (invalid content).</summary>
    Reject,
}
