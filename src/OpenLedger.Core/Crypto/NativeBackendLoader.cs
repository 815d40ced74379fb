using System.Reflection;
using System.Runtime.InteropServices;

namespace OpenLedger.Core.Crypto;

/// <summary>
/// Loads the first of a native library's usual names that the system has, builds a backend on it and runs the
/// backend's self-test, saying why not when it cannot (so the caller can log it and fall back to managed code).
/// </summary>
public static class NativeBackendLoader
{
    public static bool TryCreate<T>(
        IEnumerable<string> libraryNames,
        Assembly requestingAssembly,
        Func<IntPtr, string, T> create,
        Func<T, bool> passesSelfTest,
        string selfTestName,
        string notFoundMessage,
        out T? backend,
        out string? failure) where T : class
    {
        backend = null;
        failure = null;
        foreach (var name in libraryNames)
        {
            if (!NativeLibrary.TryLoad(name, requestingAssembly, null, out var library)) continue;
            try
            {
                var candidate = create(library, name);
                if (!passesSelfTest(candidate))
                {
                    failure = $"{name} failed the {selfTestName} self-test";
                    return false;
                }
                backend = candidate;
                return true;
            }
            catch (Exception e) when (e is EntryPointNotFoundException or InvalidOperationException)
            {
                failure = $"{name} is unusable: {e.Message}";
                return false;
            }
        }
        failure = notFoundMessage;
        return false;
    }
}
