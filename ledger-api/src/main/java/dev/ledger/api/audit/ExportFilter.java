package dev.ledger.api.audit;

import dev.ledger.domain.value.AccountId;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Which events an export holds. Every part is optional and the parts combine with AND; with none,
 * every event of the store, market events included.
 *
 * <ul>
 *   <li>{@code account}: the event stream of that account (aggregate identifier equal to it). Every
 *   event that changes the account is in its stream, both transfer legs that move its money
 *   included ({@code TransferSent} and {@code TransferSettled} on the source, {@code TransferReceived}
 *   on the target).</li>
 *   <li>{@code user}: the streams of all of the user's accounts ({@code USER:*}); no market events.</li>
 *   <li>{@code from}, {@code to}: events stamped at or after {@code from} and strictly before {@code to}.</li>
 * </ul>
 */
public record ExportFilter(String account, String user, Instant from, Instant to) {

    private static final ExportFilter ALL = new ExportFilter(null, null, null, null);

    public ExportFilter {
        if (account != null) {
            account = AccountId.parse(account).toString();
        }
        if (user != null && !AccountId.isValidUser(user)) {
            throw new IllegalArgumentException("not a user name (" + AccountId.USER_PATTERN.pattern() + "): " + user);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("empty time range: from " + from + " is not before to " + to
                    + " (from is inclusive, to exclusive)");
        }
    }

    /** No filter: every event. */
    public static ExportFilter all() {
        return ALL;
    }

    /**
     * The filter from command-line text; each argument may be {@code null}. {@code from} and {@code to}
     * are ISO-8601 instants ({@code 2025-03-01T12:00:00Z}, {@code 2025-03-01T14:00:00+02:00}) or dates
     * ({@code 2025-03-01}, meaning its start in UTC). Fails with {@link IllegalArgumentException} naming
     * the bad option.
     */
    public static ExportFilter parse(String account, String user, String from, String to) {
        if (account != null && AccountId.parseOrNull(account) == null) {
            throw new IllegalArgumentException("--account: not an account name (USER:TYPE with TYPE one of "
                    + "FUTURES, COPY, ELITE, LEGACY): " + account);
        }
        if (user != null && !AccountId.isValidUser(user)) {
            throw new IllegalArgumentException("--user: not a user name (" + AccountId.USER_PATTERN.pattern() + "): " + user);
        }
        return new ExportFilter(account, user, parseOption("--from", from), parseOption("--to", to));
    }

    public ExportFilter withAccount(String account) {
        return new ExportFilter(account, user, from, to);
    }

    public ExportFilter withUser(String user) {
        return new ExportFilter(account, user, from, to);
    }

    public ExportFilter withFrom(Instant from) {
        return new ExportFilter(account, user, from, to);
    }

    public ExportFilter withTo(Instant to) {
        return new ExportFilter(account, user, from, to);
    }

    /** Whether an event stamped {@code timestamp} is inside the time range. */
    public boolean admits(Instant timestamp) {
        return (from == null || !timestamp.isBefore(from)) && (to == null || timestamp.isBefore(to));
    }

    boolean hasTimeRange() {
        return from != null || to != null;
    }

    /**
     * Parses an ISO-8601 instant with {@code Z} or an offset; {@code null} if it is not one. Stored
     * event timestamps vary in the length of their fraction, so they are compared as instants, never
     * as text.
     */
    static Instant parseInstantOrNull(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notZulu) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException notOffset) {
                return null;
            }
        }
    }

    private static Instant parseOption(String option, String text) {
        if (text == null) {
            return null;
        }
        Instant instant = parseInstantOrNull(text.trim());
        if (instant != null) {
            return instant;
        }
        try {
            return LocalDate.parse(text.trim()).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + ": not an ISO-8601 instant or date "
                    + "(e.g. 2025-03-01T12:00:00Z or 2025-03-01): " + text);
        }
    }
}
