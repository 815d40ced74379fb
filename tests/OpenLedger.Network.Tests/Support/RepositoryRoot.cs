using System.Reflection;

namespace OpenLedger.Network.Tests.Support;

/// <summary>Finds the repository (the folder holding OpenLedger.sln) from the test binaries or the build-time source folder.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        string? sourceDirectory = typeof(RepositoryRoot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "SourceDirectory")?.Value;
        foreach (string? start in new[] { AppContext.BaseDirectory, sourceDirectory })
        {
            for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "OpenLedger.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"cannot find OpenLedger.sln above {AppContext.BaseDirectory} or {sourceDirectory}");
    }
}
