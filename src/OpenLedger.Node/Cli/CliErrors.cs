using OpenLedger.Execution.Genesis;
using OpenLedger.Node.Config;
using OpenLedger.Storage;

namespace OpenLedger.Node.Cli;

/// <summary>Turns the errors a person can fix into one line on stderr and a non-zero exit code.</summary>
public static class CliErrors
{
    public static int Run(Func<int> action) => RunAsync(() => Task.FromResult(action())).GetAwaiter().GetResult();

    public static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (IsUserError(e))
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }

    public static bool IsUserError(Exception e) =>
        e is GenesisException or NodeConfigException or CliException or StorageException or FormatException
            or IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException
            or Grpc.Core.RpcException;
}
