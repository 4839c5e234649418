package dev.ledger.api.json;

/**
 * A text that is not a well-formed command: not JSON, not an object, an unknown type, a missing,
 * extra, repeated or null field, or a value that breaks a naming or Numbers rule. The message says
 * why and names the field; {@code cli.md} calls this {@code MALFORMED}.
 */
public final class MalformedCommandException extends Exception {

    public MalformedCommandException(String why) {
        // No stack trace: a malformed line is bad input, reported by its message alone.
        super(why, null, false, false);
    }
}
