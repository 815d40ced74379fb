using OpenLedger.Core.Types;

namespace OpenLedger.Core.Chain;

/// <summary>One validator's precommit inside a commit; absent validators are simply not listed.</summary>
public sealed record CommitSignature(Address Validator, byte[] Signature);
