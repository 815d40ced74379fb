using System.Text.Json;

namespace OpenLedger.Node.Cli;

/// <summary>
/// How commands talk to the terminal: results as one JSON object on stdout, failures as one
/// "error: &lt;reason&gt;" line on stderr with exit code 1, so scripts can rely on both.
/// </summary>
public static class CliOutput
{
    public const int Success = 0;
    public const int Failure = 1;

    private static readonly JsonWriterOptions Indented = new() { Indented = true };

    /// <summary>Runs a command body, turning expected failures into the one-line error contract.</summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is CliException or FormatException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return Error(e.Message);
        }
    }

    public static int Error(string reason)
    {
        // Keep the contract of exactly one line even when a message carries line breaks.
        Console.Error.WriteLine("error: " + reason.ReplaceLineEndings(" "));
        return Failure;
    }

    /// <summary>Writes one JSON object to stdout.</summary>
    public static void WriteJson(Action<Utf8JsonWriter> writeProperties)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Indented))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }
        Console.Out.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
