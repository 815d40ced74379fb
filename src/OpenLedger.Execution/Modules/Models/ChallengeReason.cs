namespace OpenLedger.Execution.Modules.Models;

/// <summary>The uint8 `reason` of challenge(); harmful output is slashed harder (SPEC §4.3).</summary>
public enum ChallengeReason : byte
{
    /// <summary>The output does not match the request or the registered artifact.</summary>
    IncorrectOutput = 0,
    /// <summary>The influence list misattributes the fee (wrong or inflated contributions).</summary>
    FalseAttribution = 1,
    /// <summary>The output is harmful: slashed HarmfulOutputSlashBps instead of ChallengeSlashBps.</summary>
    HarmfulOutput = 2,
}
