using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Messages;

/// <summary>
/// A block as the consensus engine sees it: an identifier and opaque bytes. The engine never looks inside
/// the payload; the application checks that <see cref="Hash"/> really is the hash of <see cref="Payload"/>
/// when it answers a validation request, so a relay that swaps the payload only gets the proposal rejected.
/// </summary>
public sealed record ProposedBlock(Hash256 Hash, byte[] Payload);
