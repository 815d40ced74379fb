namespace OpenLedger.Storage;

/// <summary>The database cannot be opened or used; the message says what to do about it.</summary>
public sealed class StorageException(string message, Exception? inner = null) : Exception(message, inner);
