namespace OpenLedger.Core.Transactions;

/// <summary>The bytes are not a canonically encoded transaction of a supported type; the message says what is wrong.</summary>
public sealed class TransactionDecodingException : FormatException
{
    public TransactionDecodingException(string message) : base(message)
    {
    }

    public TransactionDecodingException(string message, Exception inner) : base(message, inner)
    {
    }
}
