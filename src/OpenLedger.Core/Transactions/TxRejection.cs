namespace OpenLedger.Core.Transactions;

/// <summary>An admission refusal: a machine-readable code and a message a wallet user can act on.</summary>
public sealed record TxRejection(TxRejectionCode Code, string Message)
{
    public override string ToString() => $"{Code}: {Message}";
}
