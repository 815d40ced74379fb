namespace OpenLedger.Core.Chain;

public enum VoteType : byte
{
    Prevote = 1,
    Precommit = 2,
}
