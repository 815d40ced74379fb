using Xunit;

namespace OpenLedger.Node.Tests.EndToEnd.Support;

/// <summary>
/// The economy end-to-end run starts its own devnet and waits for epoch boundaries; it runs alone, after the
/// parallel test classes, so its node is not starved of CPU on a 2-core machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EconomyDevnetCollection
{
    public const string Name = "economy devnet";
}
