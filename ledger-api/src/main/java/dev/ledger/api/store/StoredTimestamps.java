package dev.ledger.api.store;

import org.axonframework.common.DateTimeUtils;

import java.time.Instant;
import java.time.LocalDate;

/**
 * An event's timestamp as the event table stores it: the text Axon's {@link DateTimeUtils#formatInstant} writes
 * ({@code 2026-12-08T02:45:13.123Z}, UTC, milliseconds cut off, not rounded), character for character, written
 * without a {@link java.time.format.DateTimeFormatter}. Axon's formatter took about a fifteenth of the writer's CPU
 * on PostgreSQL. Years outside 0000 to 9999, which the formatter writes with a sign, are left to it.
 */
final class StoredTimestamps {

    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z, in seconds since the epoch. */
    private static final long FIRST_SECOND = -62_167_219_200L;
    private static final long LAST_SECOND = 253_402_300_799L;
    private static final int SECONDS_PER_DAY = 86_400;

    /** The last timestamp written and its text: the events of a group mostly share a millisecond. */
    private static volatile Written last = new Written(Long.MIN_VALUE, "");

    private record Written(long epochMilli, String text) {
    }

    private StoredTimestamps() {
    }

    static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < FIRST_SECOND || seconds > LAST_SECOND) {
            return DateTimeUtils.formatInstant(instant);
        }
        int millis = instant.getNano() / 1_000_000;
        long epochMilli = seconds * 1_000 + millis;
        Written known = last;
        if (known.epochMilli() == epochMilli) {
            return known.text();
        }
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, SECONDS_PER_DAY));
        int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        char[] text = new char[24];
        digits(text, 0, date.getYear(), 4);
        text[4] = '-';
        digits(text, 5, date.getMonthValue(), 2);
        text[7] = '-';
        digits(text, 8, date.getDayOfMonth(), 2);
        text[10] = 'T';
        digits(text, 11, secondOfDay / 3_600, 2);
        text[13] = ':';
        digits(text, 14, secondOfDay / 60 % 60, 2);
        text[16] = ':';
        digits(text, 17, secondOfDay % 60, 2);
        text[19] = '.';
        digits(text, 20, millis, 3);
        text[23] = 'Z';
        String written = new String(text);
        last = new Written(epochMilli, written);
        return written;
    }

    /** Writes {@code value} (not negative) as exactly {@code width} decimal digits at {@code at}. */
    private static void digits(char[] text, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
