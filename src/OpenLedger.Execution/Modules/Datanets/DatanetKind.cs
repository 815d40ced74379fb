namespace OpenLedger.Execution.Modules.Datanets;

/// <summary>What a datanet collects (the uint8 `kind` of createDatanet).</summary>
public enum DatanetKind : byte
{
    Text = 0,
    Image = 1,
    Audio = 2,
}
