using OpenLedger.Core.Types;

namespace OpenLedger.Execution.State;

public sealed class InsufficientBalanceException(Address account, UInt128 balance, UInt128 required)
    : InvalidOperationException($"insufficient balance: {account} has {Wei.FormatOpen(balance)} OPEN, needs {Wei.FormatOpen(required)} OPEN")
{
    public Address Account { get; } = account;
    public UInt128 Balance { get; } = balance;
    public UInt128 Required { get; } = required;
}
