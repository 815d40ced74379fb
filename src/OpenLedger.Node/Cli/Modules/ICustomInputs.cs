using System.CommandLine;

namespace OpenLedger.Node.Cli.Modules;

/// <summary>Inputs a command reads from its own options instead of one option per ABI input.</summary>
public interface ICustomInputs
{
    IEnumerable<Option> Options { get; }

    bool Handles(string inputName);

    IReadOnlyDictionary<string, object> Values(ParseResult parse);
}
