namespace OpenLedger.Core.Abi;

/// <summary>The shape of an <see cref="AbiType"/>.</summary>
public enum AbiTypeKind
{
    /// <summary>uint&lt;M&gt;, M = 8..256 in steps of 8.</summary>
    UInt,
    /// <summary>int&lt;M&gt; (two's complement), M = 8..256 in steps of 8.</summary>
    Int,
    Address,
    Bool,
    /// <summary>bytes&lt;M&gt;, M = 1..32.</summary>
    FixedBytes,
    /// <summary>Dynamic-length bytes.</summary>
    Bytes,
    String,
    /// <summary>T[] (dynamic length).</summary>
    Array,
    /// <summary>T[k].</summary>
    FixedArray,
    /// <summary>(T1,T2,...).</summary>
    Tuple,
}
