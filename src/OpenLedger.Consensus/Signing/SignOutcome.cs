namespace OpenLedger.Consensus.Signing;

/// <summary>The result of asking <see cref="PrivValidator"/> to sign: the message, or why it refused.</summary>
public readonly record struct SignOutcome<T>(T? Message, string? Refusal) where T : class
{
    public bool Signed => Message is not null;
}
