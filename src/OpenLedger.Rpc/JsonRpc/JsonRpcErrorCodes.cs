namespace OpenLedger.Rpc.JsonRpc;

/// <summary>JSON-RPC 2.0 error codes plus the Ethereum ones (EIP-1474, go-ethereum).</summary>
public static class JsonRpcErrorCodes
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;
    /// <summary>go-ethereum's generic server error: rejected transactions, missing blocks, unavailable state.</summary>
    public const int ServerError = -32000;
    /// <summary>EIP-1474 "limit exceeded": a log query over too many blocks or with too many results.</summary>
    public const int LimitExceeded = -32005;
    /// <summary>go-ethereum's code for eth_call / eth_estimateGas reverts; data carries the revert bytes.</summary>
    public const int ExecutionReverted = 3;
}
