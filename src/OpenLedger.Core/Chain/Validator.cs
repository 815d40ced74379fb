using OpenLedger.Core.Types;

namespace OpenLedger.Core.Chain;

/// <summary>
/// A member of the active validator set. <see cref="ConsensusAddress"/> is derived from the consensus key
/// (it signs votes); <see cref="Operator"/> is the account that created the validator and receives its
/// rewards. Voting power is the bonded stake in wei.
/// </summary>
public sealed record Validator(Address ConsensusAddress, byte[] ConsensusPublicKey, Address Operator, UInt128 Power);
