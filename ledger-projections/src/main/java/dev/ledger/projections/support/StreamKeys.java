package dev.ledger.projections.support;

import dev.ledger.domain.value.AccountId;

/**
 * The first keys of read-model rows that an event stream's events touch, for {@link BufferedTable#prefetchedByStream}:
 * an account's events touch rows keyed by the account, or by its user. Streams that are not accounts (the market,
 * a leader's book) give {@code null}: nothing to read ahead.
 */
public final class StreamKeys {

    private StreamKeys() {
    }

    /** The account itself, when the stream is an account. */
    public static String account(String stream) {
        return AccountId.parseOrNull(stream) == null ? null : stream;
    }

    /** The account's user, when the stream is an account. */
    public static String user(String stream) {
        AccountId account = AccountId.parseOrNull(stream);
        return account == null ? null : account.user();
    }
}
