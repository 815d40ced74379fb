using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Signing;

/// <summary>
/// The raw consensus key: signs any digest. It has no memory and no double-sign protection; the engine only
/// reaches it through <see cref="PrivValidator"/>, which adds both.
/// </summary>
public interface IVoteSigner
{
    /// <summary>The consensus address (derived from the consensus public key).</summary>
    Address Address { get; }

    /// <summary>A 65-byte r||s||recoveryId signature of <paramref name="digest"/>.</summary>
    byte[] Sign(Hash256 digest);
}
