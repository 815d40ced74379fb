using Xunit;

namespace OpenLedger.Node.Tests.Bft;

/// <summary>The multi-process devnet tests run one after the other: eight node processes at once overload a 2-core CI box.</summary>
[CollectionDefinition(Name)]
public sealed class BftDevnetCollection
{
    public const string Name = "bft devnets";
}
