using System.Text.Json;

namespace OpenLedger.Node.Tests.Support;

/// <summary>Loads the public test vectors copied (byte-exact) under tests/vectors.</summary>
public static class Vectors
{
    public static string PathOf(string relative) => Path.Combine(AppContext.BaseDirectory, "vectors", relative);

    public static JsonDocument Load(string relative) => JsonDocument.Parse(File.ReadAllText(PathOf(relative)));
}
