package dev.ledger.api.feed;

import org.axonframework.eventhandling.DomainEventMessage;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One event of the feed: where it stands in the store, what it is, whom it concerns, and its CloudEvents
 * line exactly as {@code ledger export --format cloudevents} renders it (given the same chain, see
 * {@link FeedCursor}).
 *
 * <p>Immutable, and safe to hand to other threads. {@link #payload()} deserializes the typed event on first
 * use (two threads asking at once may both deserialize it; they get equal values).
 */
public final class FeedEvent {

    private final long position;
    private final String eventId;
    private final String type;
    private final String payloadType;
    private final String revision;
    private final String aggregate;
    private final long sequence;
    private final List<String> accounts;
    private final Instant timestamp;
    private final String commandId;
    private final String payloadJson;
    private final String cloudEvent;
    private final String prevHash;
    private final String hash;
    private final DomainEventMessage<?> message;

    FeedEvent(long position, String eventId, String type, String payloadType, String revision, String aggregate,
              long sequence, List<String> accounts, Instant timestamp, String commandId, String payloadJson,
              String cloudEvent, String prevHash, String hash, DomainEventMessage<?> message) {
        this.position = position;
        this.eventId = eventId;
        this.type = type;
        this.payloadType = payloadType;
        this.revision = revision;
        this.aggregate = aggregate;
        this.sequence = sequence;
        this.accounts = List.copyOf(accounts);
        this.timestamp = timestamp;
        this.commandId = commandId;
        this.payloadJson = payloadJson;
        this.cloudEvent = cloudEvent;
        this.prevHash = prevHash;
        this.hash = hash;
        this.message = Objects.requireNonNull(message, "message");
    }

    /** The event's global position in the store (the line's {@code ledgerposition}). */
    public long position() {
        return position;
    }

    /** The event identifier, a UUID: the CloudEvents {@code id}, unique per event, the key to deduplicate on. */
    public String eventId() {
        return eventId;
    }

    /** The event type's simple name, e.g. {@code FundsDeposited}. */
    public String type() {
        return type;
    }

    /** The stored payload class, e.g. {@code dev.ledger.domain.event.FundsDeposited}. */
    public String payloadType() {
        return payloadType;
    }

    /** The stored payload revision ({@code @Revision}), e.g. {@code "1"}; null when none was stored. */
    public String revision() {
        return revision;
    }

    /** The event's stream: an account {@code USER:TYPE}, a leader's book {@code USER:LEADER}, or {@code MARKET}. */
    public String aggregate() {
        return aggregate;
    }

    /** The event's sequence number in its stream, from 0. */
    public long sequence() {
        return sequence;
    }

    /** The event's own account (the CloudEvents {@code subject}); null for market and leader-book events. */
    public String account() {
        return accounts.isEmpty() ? null : accounts.get(0);
    }

    /**
     * Every account the event concerns, its own first, then a transfer's or migration move's other account
     * (the line's {@code ledgeraccounts}); empty for market and leader-book events.
     */
    public List<String> accounts() {
        return accounts;
    }

    /**
     * The user whose stream this is: the part of {@link #aggregate()} before {@code ':'} (the account's user, or
     * the leader of a leader's book); null for the market's events.
     */
    public String user() {
        int colon = aggregate.indexOf(':');
        return colon < 0 ? null : aggregate.substring(0, colon);
    }

    /** When the event was stored (the line's {@code time}). */
    public Instant timestamp() {
        return timestamp;
    }

    /** The id of the command that caused the event (metadata {@code commandId}); null if none is stored. */
    public String commandId() {
        return commandId;
    }

    /** The payload as stored, in canonical JSON (the line's {@code data}); at the stored revision. */
    public String payloadJson() {
        return payloadJson;
    }

    /**
     * The payload as the domain's event record (e.g. {@code dev.ledger.domain.event.FundsDeposited}),
     * upcast to the current revision; deserialized on first use.
     */
    public Object payload() {
        return message.getPayload();
    }

    /** The CloudEvents 1.0 line (structured mode, canonical JSON, no line feed), as the export renders it. */
    public String cloudEvent() {
        return cloudEvent;
    }

    /** The line's {@code ledgerprevhash}: the hash of the line before it in the chain. */
    public String prevHash() {
        return prevHash;
    }

    /** The line's {@code ledgerhash}. */
    public String hash() {
        return hash;
    }

    /** The cursor right after this event: where a consumer that has handled it resumes. */
    public FeedCursor next() {
        return new FeedCursor(position + 1, hash);
    }

    @Override
    public String toString() {
        return "FeedEvent[" + position + " " + type + " " + aggregate + "#" + sequence + "]";
    }
}
