namespace OpenLedger.State.Tests;

/// <summary>Entry point for child processes started by the storage tests; the test runner does not use it.</summary>
public static class Program
{
    public static int Main(string[] args) => 0;
}
