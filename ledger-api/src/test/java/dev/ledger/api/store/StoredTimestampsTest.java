package dev.ledger.api.store;

import org.axonframework.common.DateTimeUtils;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The stored text of a timestamp is Axon's, character for character, whatever the instant. */
class StoredTimestampsTest {

    @Test
    void writesWhatAxonsFormatterWritesAtTheEdgesOfEveryField() {
        List<Instant> instants = new ArrayList<>(List.of(
                Instant.EPOCH,
                Instant.ofEpochSecond(0, 999_999_999),
                Instant.ofEpochSecond(-1, 0),
                Instant.ofEpochSecond(-1, 999_999_999),
                Instant.parse("1969-12-31T23:59:59.999Z"),
                Instant.parse("2026-12-08T02:45:13.123456789Z"),
                Instant.parse("2024-02-29T23:59:59.001Z"),
                Instant.parse("2000-01-01T00:00:00Z"),
                Instant.parse("1900-03-01T12:00:00.5Z"),
                Instant.parse("0000-01-01T00:00:00Z"),
                Instant.parse("0001-06-15T08:09:10.011Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"),
                // Outside the four-digit years: the formatter writes a sign, and is used as it is.
                Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("-0001-12-31T23:59:59.999Z"),
                Instant.parse("+1000000-01-01T00:00:00Z")));
        SplittableRandom random = new SplittableRandom(20261208);
        for (int i = 0; i < 20_000; i++) {
            instants.add(Instant.ofEpochSecond(random.nextLong(-62_167_219_200L - 86_400, 253_402_300_800L + 86_400),
                    random.nextInt(1_000_000_000)));
        }
        for (Instant instant : instants) {
            assertThat(StoredTimestamps.format(instant)).as(instant.toString()).isEqualTo(DateTimeUtils.formatInstant(instant));
        }
    }

    @Test
    void theSameMillisecondTwiceAndThenAnotherGiveEachTheirOwnText() {
        Instant first = Instant.parse("2026-12-08T02:45:13.123100Z");
        Instant sameMillisecond = Instant.parse("2026-12-08T02:45:13.123900Z");
        Instant next = Instant.parse("2026-12-08T02:45:13.124Z");
        assertThat(StoredTimestamps.format(first)).isEqualTo("2026-12-08T02:45:13.123Z");
        assertThat(StoredTimestamps.format(sameMillisecond)).isEqualTo("2026-12-08T02:45:13.123Z");
        assertThat(StoredTimestamps.format(next)).isEqualTo("2026-12-08T02:45:13.124Z");
        assertThat(StoredTimestamps.format(first)).isEqualTo("2026-12-08T02:45:13.123Z");
    }
}
