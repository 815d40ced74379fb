using System.CommandLine;
using OpenLedger.Core.Abi;

namespace OpenLedger.Node.Cli.Modules;

/// <summary>
/// The options of one module function (or of a group of overloads with one name): each ABI input becomes
/// "--kebab-name". Inputs every overload has are required; inputs only some overloads have are optional, and the
/// overload used is the one with the most inputs that were all given (review with or without --adversarial).
/// Commands may take over some inputs themselves (see <see cref="ICustomInputs"/>).
/// </summary>
public sealed class ModuleFunctionOptions
{
    private readonly ModuleDescriptor _module;
    private readonly IReadOnlyList<AbiFunction> _overloads;
    private readonly Dictionary<string, Option<string>> _options = new(StringComparer.Ordinal);
    private readonly ICustomInputs? _custom;

    public ModuleFunctionOptions(ModuleDescriptor module, IReadOnlyList<AbiFunction> overloads, ICustomInputs? custom)
    {
        _module = module;
        _overloads = overloads;
        _custom = custom;
        foreach (var function in overloads)
        {
            foreach (var input in function.Inputs)
            {
                if (_options.ContainsKey(input.Name) || custom?.Handles(input.Name) == true) continue;
                var required = overloads.All(f => f.Inputs.Any(i => i.Name == input.Name)) && input.Type.Kind != AbiTypeKind.Array;
                _options[input.Name] = new Option<string>("--" + AbiTextValue.Kebab(input.Name))
                {
                    Description = Describe(function.Name, input),
                    Required = required,
                };
            }
        }
    }

    public IEnumerable<Option> Options => _options.Values.Cast<Option>().Concat(_custom?.Options ?? []);

    public bool HasInput(string name) => _overloads.Any(f => f.Inputs.Any(i => i.Name == name));

    /// <summary>Chooses the overload and encodes the call from the parsed command line.</summary>
    public (AbiFunction Function, byte[] Calldata) Encode(ParseResult parse)
    {
        var given = _options.Where(o => parse.GetResult(o.Value) is { Implicit: false }).Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        var function = _overloads
            .Where(f => f.Inputs.All(i => given.Contains(i.Name) || i.Type.Kind == AbiTypeKind.Array || _custom?.Handles(i.Name) == true))
            .OrderByDescending(f => f.Inputs.Count)
            .FirstOrDefault()
            ?? throw new CliException($"missing options for {_overloads[0].Name}: give {string.Join(" or ", _overloads.Select(f => string.Join(" ", f.Inputs.Select(i => "--" + AbiTextValue.Kebab(i.Name)))))}");
        var extra = given.Where(name => function.Inputs.All(i => i.Name != name)).ToList();
        if (extra.Count > 0) throw new CliException($"{function.Signature} takes no {string.Join(", ", extra.Select(n => "--" + AbiTextValue.Kebab(n)))}");
        var custom = _custom?.Values(parse) ?? new Dictionary<string, object>();
        var args = new object[function.Inputs.Count];
        for (var i = 0; i < args.Length; i++)
        {
            var input = function.Inputs[i];
            if (custom.TryGetValue(input.Name, out var value))
            {
                args[i] = value;
                continue;
            }
            var text = parse.GetValue(_options[input.Name]) ?? "";
            args[i] = AbiTextValue.Parse(input.Type, text, "--" + AbiTextValue.Kebab(input.Name), _module.EnumOf(function.Name, input.Name), AbiTextValue.IsAmount(input));
        }
        try
        {
            return (function, function.EncodeCall(args));
        }
        catch (AbiException e)
        {
            throw new CliException($"cannot encode {function.Signature}: {e.Message}");
        }
    }

    private string Describe(string function, AbiParameter input)
    {
        var type = input.Type.ToString();
        if (_module.EnumOf(function, input.Name) is { } names)
            return $"{type}: {string.Join(" | ", Enum.GetNames(names).Select(AbiTextValue.Kebab))} or the number";
        return input.Type.Kind switch
        {
            _ when AbiTextValue.IsAmount(input) => $"{type}: integer, or an amount like 10000OPEN / 1.5OPEN",
            AbiTypeKind.Array => $"{type}: comma-separated list (default empty)",
            AbiTypeKind.FixedBytes or AbiTypeKind.Bytes => $"{type}: 0x-hex",
            _ => type,
        };
    }
}
