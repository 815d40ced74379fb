using OpenLedger.State.Tests.Support;

namespace OpenLedger.State.Tests;

/// <summary>
/// Entry point for the child processes the storage tests start (the test runner itself never calls it): a
/// second process is the only honest way to test the directory lock and a SIGKILL in the middle of writing.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: OpenLedger.State.Tests (hold-lock | crash-writer) <data-directory>");
            return 2;
        }
        return args[0] switch
        {
            "hold-lock" => StorageChildModes.HoldLock(args[1]),
            "crash-writer" => StorageChildModes.CrashWriter(args[1]),
            _ => 2,
        };
    }
}
