using OpenLedger.Core.Types;

namespace OpenLedger.Execution.Modules;

/// <summary>The set of system modules, in a fixed order (the order block hooks run in).</summary>
public sealed class ModuleRegistry
{
    private readonly List<ISystemModule> _modules = new();
    private readonly Dictionary<Address, ISystemModule> _byAddress = new();

    public ModuleRegistry(IEnumerable<ISystemModule> modules)
    {
        foreach (var module in modules)
        {
            if (!_byAddress.TryAdd(module.Address, module))
                throw new ArgumentException($"two modules claim {module.Address}");
            _modules.Add(module);
        }
    }

    public static ModuleRegistry Empty { get; } = new([]);

    public IReadOnlyList<ISystemModule> All => _modules;

    public bool TryGet(Address address, out ISystemModule module) => _byAddress.TryGetValue(address, out module!);

    public T Get<T>() where T : ISystemModule => _modules.OfType<T>().Single();

    public void BeginBlock(BlockHookContext context)
    {
        foreach (var module in _modules) module.BeginBlock(context);
    }

    public void EndBlock(BlockHookContext context)
    {
        foreach (var module in _modules) module.EndBlock(context);
    }
}
