using System.Text.Json;
using OpenLedger.Core.Crypto;

namespace OpenLedger.Node.Cli;

/// <summary>
/// The plain key file of <c>keys new --out</c>: JSON {"address", "privateKey"}, created 0600 and never
/// overwritten. (Encrypted keystore v3 files are a separate format.)
/// </summary>
public static class KeyFile
{
    public static void Write(string path, PrivateKey key)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        FileStream stream;
        try
        {
            stream = new FileStream(path, options);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new CliException($"{path} already exists; refusing to overwrite a key file");
        }
        using (stream)
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("address", key.Address.ToChecksumString());
            json.WriteString("privateKey", key.ToHex());
            json.WriteEndObject();
        }
    }

    public static PrivateKey Read(string path)
    {
        if (!File.Exists(path)) throw new CliException($"key file {path} does not exist");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new CliException($"key file {path} is not JSON: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("privateKey", out var secret)
                || secret.ValueKind != JsonValueKind.String)
                throw new CliException($"key file {path} has no \"privateKey\" string");
            var key = PrivateKey.FromHex(secret.GetString()!);
            if (document.RootElement.TryGetProperty("address", out var address)
                && address.ValueKind == JsonValueKind.String
                && !string.Equals(address.GetString(), key.Address.ToChecksumString(), StringComparison.OrdinalIgnoreCase))
                throw new CliException($"key file {path} says address {address.GetString()} but its key belongs to {key.Address}");
            return key;
        }
    }
}
