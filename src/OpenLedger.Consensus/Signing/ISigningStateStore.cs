namespace OpenLedger.Consensus.Signing;

/// <summary>
/// Durable home of <see cref="LastSignState"/>. <see cref="Save"/> must not return before the state is on
/// disk (fsync): <see cref="PrivValidator"/> saves before it releases a signature, so a crash can never
/// forget a message that left the node.
/// </summary>
public interface ISigningStateStore
{
    LastSignState? Load();

    void Save(LastSignState state);
}
