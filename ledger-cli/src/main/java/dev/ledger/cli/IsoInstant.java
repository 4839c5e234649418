package dev.ledger.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Reads an {@code --at} value: an ISO-8601 instant with a zone offset ({@code 2026-01-31T12:00:00Z},
 * {@code 2026-01-31T13:00:00+01:00}), or a date ({@code 2026-01-31}), which stands for the start of that
 * day in UTC. A time without an offset is refused rather than guessed.
 */
final class IsoInstant implements ITypeConverter<Instant> {

    static final String FORM = "an ISO-8601 instant such as 2026-01-31T12:00:00Z (date, 'T', time, then Z or an offset "
            + "like +01:00) or a date such as 2026-01-31 (its start, 00:00 UTC)";

    @Override
    public Instant convert(String value) {
        String text = value.strip();
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notAnInstant) {
            try {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notADate) {
                throw new TypeConversionException("'" + value + "' is not " + FORM);
            }
        }
    }
}
