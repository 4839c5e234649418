package dev.ledger.domain.value;

/** What happens to a copier's positions of a leader when the follow ends. */
public enum CloseMode {
    /** They keep mirroring the leader's reduces and closes until they are closed; nothing new opens. */
    WITH_LEADER,
    /** Nothing is mirrored any more; the copier closes them with reducing fills of its own. */
    MANUAL
}
