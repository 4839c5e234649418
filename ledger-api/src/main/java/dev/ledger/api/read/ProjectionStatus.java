package dev.ledger.api.read;

/**
 * The state of one read model's processor: whether it runs here, whether this node holds its token,
 * the global index of the last event it processed (-1 before the first), and the error that stops it.
 */
public record ProjectionStatus(String name, boolean running, boolean claimed, long position, String error) {
}
