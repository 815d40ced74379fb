using OpenLedger.Core.Types;

namespace OpenLedger.Execution.Modules;

/// <summary>
/// A protocol feature at a reserved address (SPEC §4), called with Solidity ABI calldata. Implementations are
/// pure functions of (state, call): no clocks, I/O or randomness.
/// </summary>
public interface ISystemModule
{
    Address Address { get; }

    string Name { get; }

    /// <summary>
    /// Executes a call and returns ABI-encoded return data. Throw <see cref="ModuleRevertException"/> with a
    /// reason a person understands to revert; gas is charged through <see cref="ModuleCall.Gas"/>.
    /// </summary>
    byte[] Call(ModuleCall call);

    void BeginBlock(BlockHookContext context);

    void EndBlock(BlockHookContext context);
}
