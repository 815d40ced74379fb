using OpenLedger.Core.Chain;

namespace OpenLedger.Consensus.Signing;

/// <summary>The engine's name for <see cref="IVoteSignatureVerifier"/> (commits and evidence are checked with the same one).</summary>
public interface IVoteVerifier : IVoteSignatureVerifier;
