package dev.ledger.domain.event;

/** Keys of the metadata every ledger event carries besides its payload. */
public final class EventMetadata {

    /** The id of the command that caused the event (all events of one command share it). */
    public static final String COMMAND_ID = "commandId";

    private EventMetadata() {
    }
}
