using OpenLedger.Core.Encoding;
using OpenLedger.Core.Transactions;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.TxPool;
using OpenLedger.Network.Gossip;
using Serilog;

namespace OpenLedger.Node.Network;

/// <summary>
/// The validator of the transaction topic, run by the gossip router's batch worker
/// (<see cref="GossipRouter.SubscribeBatched"/>), never on a peer's receive loop or the consensus loop: whatever
/// has arrived is decoded, its senders recovered in parallel and admitted in arrival order
/// (<see cref="TransactionPool.AddBatch"/>; the shared sender cache means block validation does not recover them
/// again). A message on the transaction topic carries exactly one raw signed transaction (SPEC §7); one on the
/// batch topic carries many (<see cref="ValidateBatches"/>). Gossip validation is
/// admission: a transaction the pool accepts is delivered and forwarded; one no node would ever admit is
/// rejected (the sender's gossip score drops); one that only depends on state or pool contents is ignored.
/// </summary>
public sealed class TransactionGossipAdmission(Blockchain chain, TransactionPool pool, ILogger log, Action<IReadOnlyList<Transaction>>? admittedFromBatches = null)
{
    /// <summary>
    /// The validator of the batch topic (<see cref="TransactionBatch"/>): every member of every message is decoded
    /// (a message with a member that does not decode is rejected whole, none of it admitted), then all members are
    /// admitted together in arrival order. A message is rejected if any member is invalid everywhere (its author
    /// should not have signed it, a relay should not have forwarded it), accepted (delivered and forwarded) if any
    /// member was admitted, and ignored if all were already known or only stale here.
    /// </summary>
    public IReadOnlyList<ValidationResult> ValidateBatches(IReadOnlyList<GossipMessage> messages)
    {
        var results = new ValidationResult[messages.Count];
        var decoded = new List<Transaction>();
        var ranges = new (int Start, int Count)?[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            var start = decoded.Count;
            try
            {
                foreach (var raw in TransactionBatch.Decode(messages[i].Data)) decoded.Add(Transaction.Decode(raw.Span));
                ranges[i] = (start, decoded.Count - start);
            }
            catch (Exception e) when (e is RlpException or FormatException or ArgumentException or InvalidOperationException)
            {
                decoded.RemoveRange(start, decoded.Count - start);
                log.Debug("Rejected an undecodable transaction batch from {Peer}: {Reason}", messages[i].ReceivedFrom, e.Message);
                results[i] = ValidationResult.Reject;
            }
        }
        var rejections = decoded.Count == 0 ? [] : pool.AddBatch(decoded, chain.HeadAccounts);
        var admitted = new List<Transaction>();
        for (var i = 0; i < messages.Count; i++)
        {
            if (ranges[i] is not { } range) continue;
            var accepted = false;
            var invalid = false;
            for (var j = range.Start; j < range.Start + range.Count; j++)
            {
                if (rejections[j] is null)
                {
                    accepted = true;
                    admitted.Add(decoded[j]);
                }
                else if (IsInvalidEverywhere(rejections[j]!.Code))
                {
                    invalid = true;
                    log.Debug("Rejected a transaction batch from {Peer}: member {Tx} {Reason}", messages[i].ReceivedFrom, decoded[j].Hash, rejections[j]!.Message);
                }
            }
            results[i] = invalid ? ValidationResult.Reject : accepted ? ValidationResult.Accept : ValidationResult.Ignore;
        }
        if (admitted.Count > 0) admittedFromBatches?.Invoke(admitted);
        return results;
    }

    public IReadOnlyList<ValidationResult> Validate(IReadOnlyList<GossipMessage> messages)
    {
        var results = new ValidationResult[messages.Count];
        var decoded = new List<Transaction>(messages.Count);
        var indexes = new List<int>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            try
            {
                decoded.Add(Transaction.Decode(messages[i].Data));
                indexes.Add(i);
            }
            catch (Exception e) when (e is RlpException or FormatException or ArgumentException or InvalidOperationException)
            {
                log.Debug("Rejected an undecodable gossiped transaction from {Peer}: {Reason}", messages[i].ReceivedFrom, e.Message);
                results[i] = ValidationResult.Reject;
            }
        }
        var rejections = decoded.Count == 0 ? [] : pool.AddBatch(decoded, chain.HeadAccounts);
        for (var j = 0; j < decoded.Count; j++)
            results[indexes[j]] = Judge(decoded[j], rejections[j], messages[indexes[j]]);
        return results;
    }

    private ValidationResult Judge(Transaction tx, TxPoolRejection? rejection, GossipMessage message)
    {
        if (rejection is null) return ValidationResult.Accept;
        if (IsInvalidEverywhere(rejection.Code))
        {
            log.Debug("Rejected gossiped transaction {Tx} from {Peer}: {Reason}", tx.Hash, message.ReceivedFrom, rejection.Message);
            return ValidationResult.Reject;
        }
        // A valid transaction can still be stale or already known here: ignore rather than penalise the sender.
        log.Debug("Gossiped transaction {Tx} not admitted: {Reason}", tx.Hash, rejection.Message);
        return ValidationResult.Ignore;
    }

    /// <summary>
    /// Rejections that no node on this chain would ever admit (they do not depend on state, fees or pool
    /// contents): the relaying peer should not have forwarded such a transaction, so gossipsub penalises it.
    /// </summary>
    public static bool IsInvalidEverywhere(TxPoolRejectionCode code) => code is TxPoolRejectionCode.Malformed
        or TxPoolRejectionCode.WrongChainId or TxPoolRejectionCode.NotReplayProtected or TxPoolRejectionCode.InvalidSignature
        or TxPoolRejectionCode.Oversize or TxPoolRejectionCode.IntrinsicGasTooLow or TxPoolRejectionCode.TipAboveFeeCap
        or TxPoolRejectionCode.ContractCreationUnsupported or TxPoolRejectionCode.AmountAbove128Bits or TxPoolRejectionCode.SystemAccountSender;
}
