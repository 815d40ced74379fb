using System.CommandLine;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Encoding;
using OpenLedger.Execution.Modules.Governance;

namespace OpenLedger.Node.Cli.Modules;

/// <summary>
/// propose's paramChanges as "--param Name=value" (repeatable): the value is typed as the parameter's ABI type
/// (e.g. --param ChallengeWindowBlocks=30, --param ContributionBond=2OPEN, --param TierMinimumStake=1000OPEN,10000OPEN);
/// types with tuples (EmissionPhases) take the 0x-hex of abi.encode(value).
/// </summary>
public sealed class ParameterChangeInputs : ICustomInputs
{
    private readonly Option<string[]> _param = new("--param")
    {
        Description = "A parameter change Name=value (repeatable); `query gov parameterNames` lists names and types",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public IEnumerable<Option> Options => [_param];

    public bool Handles(string inputName) => inputName == "paramChanges";

    public IReadOnlyDictionary<string, object> Values(ParseResult parse)
    {
        var changes = (parse.GetValue(_param) ?? []).Select(Encode).Cast<object>().ToArray();
        return new Dictionary<string, object> { ["paramChanges"] = changes };
    }

    public static byte[] Encode(string change)
    {
        var equals = change.IndexOf('=');
        if (equals <= 0) throw new CliException($"--param '{change}' is not Name=value");
        var name = change[..equals].Trim();
        var text = change[(equals + 1)..];
        var definition = ParameterDefinition.Find(name)
            ?? throw new CliException($"--param: unknown parameter '{name}' (known: {string.Join(", ", ParameterDefinition.All.Select(d => d.Name))})");
        byte[] encoded;
        if (definition.Type.InnermostTuple() is not null)
        {
            if (!Hex.TryDecode(text.Trim(), out encoded, out var error))
                throw new CliException($"--param {name}: its type {definition.AbiTypeName} takes the 0x-hex of abi.encode(value): {error}");
        }
        else
        {
            encoded = AbiCodec.Encode([definition.Type], [AbiTextValue.Parse(definition.Type, text, "--param " + name)]);
        }
        return ParameterStore.EncodeChange(name, encoded);
    }
}
