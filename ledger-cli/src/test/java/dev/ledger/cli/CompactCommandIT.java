package dev.ledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ledger.api.Ledger;
import dev.ledger.api.Outcome;
import dev.ledger.api.store.StoreSettings;
import dev.ledger.api.support.MutableClock;
import dev.ledger.api.support.OnEveryStore;
import dev.ledger.api.support.StoreKind;
import dev.ledger.api.support.Stores;
import dev.ledger.domain.command.Deposit;
import dev.ledger.domain.command.LedgerCommand;
import dev.ledger.domain.command.OpenAccount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ledger compact --before T} on H2 and PostgreSQL. The commands are placed in time by the seeding
 * ledger's clock, relative to now: the command line's ledger runs on the system clock.
 */
class CompactCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    /** Old ids 30 days back, young ones 8 days and 1 day back; the cut is the start of the day 10 days back. */
    private final Instant now = Instant.now();
    private final Instant old = now.minus(Duration.ofDays(30));
    private final LocalDate cutDay = LocalDate.ofInstant(now.minus(Duration.ofDays(10)), ZoneOffset.UTC);
    private final Instant cut = cutDay.atStartOfDay(ZoneOffset.UTC).toInstant();

    @OnEveryStore
    void removesTheIdsRecordedBeforeTAndKeepsTheYoungerOnesIdempotent(StoreKind kind) throws IOException {
        String[] db = seeded(kind);

        CliRun compact = CliRun.of(args(db, "compact", "--before", cutDay.toString()));

        assertThat(compact.exitCode()).as(compact.err()).isEqualTo(ExitCodes.DONE);
        assertThat(compact.err()).isEmpty();
        assertThat(compact.out().strip()).isEqualTo("removed 3 command-log records recorded before " + cut
                + "; ids recorded since then stay idempotent");
        CliRun again = CliRun.of(args(db, "compact", "--before", cut.toString(), "--json"));
        assertThat(again.exitCode()).as(again.err()).isEqualTo(ExitCodes.DONE);
        JsonNode document = JSON.readTree(again.out());
        assertThat(document.get("removed").asLong()).isZero();
        assertThat(document.get("before").asText()).isEqualTo(cut.toString());

        // The same commands sent again: the young ones are duplicates (or conflicts with other content), the
        // forgotten deposit is booked a second time.
        JsonNode applied = apply(db,
                "{\"id\":\"young-8d\",\"type\":\"Deposit\",\"account\":\"alice:FUTURES\",\"asset\":\"USDT\",\"amount\":\"10\"}",
                "{\"id\":\"young-1d\",\"type\":\"Deposit\",\"account\":\"alice:FUTURES\",\"asset\":\"USDT\",\"amount\":\"20\"}",
                "{\"id\":\"young-1d\",\"type\":\"Deposit\",\"account\":\"alice:FUTURES\",\"asset\":\"USDT\",\"amount\":\"21\"}",
                "{\"id\":\"old-deposit\",\"type\":\"Deposit\",\"account\":\"alice:FUTURES\",\"asset\":\"USDT\",\"amount\":\"100\"}");
        assertThat(applied.get("duplicates").asInt()).isEqualTo(2);
        assertThat(applied.get("applied").asInt()).isEqualTo(1);
        assertThat(applied.get("rejections")).singleElement().satisfies(rejection -> {
            assertThat(rejection.get("id").asText()).isEqualTo("young-1d");
            assertThat(rejection.get("code").asText()).isEqualTo("IDEMPOTENCY_CONFLICT");
        });
        assertThat(wallet(db)).isEqualByComparingTo("230.5");
    }

    @OnEveryStore
    void refusesACutInsideTheSevenDaysAndRemovesNothing(StoreKind kind) throws IOException {
        String[] db = seeded(kind);
        Instant sixDaysAgo = now.minus(Duration.ofDays(6));

        for (String tooRecent : new String[]{sixDaysAgo.toString(), LocalDate.ofInstant(now, ZoneOffset.UTC).toString(),
                "2999-01-01T00:00:00Z"}) {
            CliRun compact = CliRun.of(args(db, "compact", "--before", tooRecent));

            assertThat(compact.exitCode()).as(tooRecent).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(compact.out()).as(tooRecent).isEmpty();
            assertThat(compact.errLines()).as(tooRecent).singleElement().asString()
                    .startsWith("ledger compact: --before ")
                    .contains("last 7 days", "choose T at or before", "nothing was removed");
        }

        // The oldest id is still known: sent again, a duplicate.
        JsonNode applied = apply(db,
                "{\"id\":\"old-deposit\",\"type\":\"Deposit\",\"account\":\"alice:FUTURES\",\"asset\":\"USDT\",\"amount\":\"100\"}");
        assertThat(applied.get("duplicates").asInt()).isEqualTo(1);
        assertThat(wallet(db)).isEqualByComparingTo("130.5");
    }

    @Test
    void refusesAMalformedOrMissingTInOneLine() {
        String db = CliRun.freshDatabase("compact-bad-t");
        for (String bad : new String[]{"last-week", "2026-01-31T12:00:00", "2026-13-01", ""}) {
            CliRun compact = CliRun.of("compact", "--before", bad, "--db", db);

            assertThat(compact.exitCode()).as(bad).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(compact.errLines()).as(bad).singleElement().asString()
                    .startsWith("ledger compact: ").contains("--before", "ISO-8601", "2026-01-31T12:00:00Z");
        }
        CliRun missing = CliRun.of("compact", "--db", db);
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(missing.errLines()).singleElement().asString().contains("--before");
    }

    /**
     * A store with an account, three commands 30 days old (two deposits and the account's opening) and two
     * deposits younger than the cut (8 days and 1 day old). Returns the command line's store options.
     */
    private String[] seeded(StoreKind kind) {
        StoreSettings settings = Stores.fresh(kind);
        MutableClock clock = new MutableClock(old);
        try (Ledger ledger = Ledger.builder().store(settings).clock(clock).build()) {
            accepted(ledger, new OpenAccount("old-open", "alice:FUTURES"));
            accepted(ledger, deposit("old-deposit", "100"));
            clock.set(old.plusSeconds(60));
            accepted(ledger, deposit("old-deposit-2", "0.5"));
            clock.set(now.minus(Duration.ofDays(8)));
            accepted(ledger, deposit("young-8d", "10"));
            clock.set(now.minus(Duration.ofDays(1)));
            accepted(ledger, deposit("young-1d", "20"));
        }
        List<String> db = new ArrayList<>(List.of("--db", settings.jdbcUrl(), "--db-user", settings.user()));
        if (!settings.password().isEmpty()) {
            db.addAll(List.of("--db-password", settings.password()));
        }
        return db.toArray(String[]::new);
    }

    private JsonNode apply(String[] db, String... lines) throws IOException {
        Path file = Files.createTempFile(directory, "commands", ".jsonl");
        Files.writeString(file, String.join("\n", lines), StandardCharsets.UTF_8);
        CliRun apply = CliRun.of(args(db, "apply", file.toString(), "--json"));
        assertThat(apply.exitCode()).as(apply.err()).isEqualTo(ExitCodes.DONE);
        return JSON.readTree(apply.out());
    }

    private BigDecimal wallet(String[] db) throws IOException {
        CliRun balance = CliRun.of(args(db, "query", "balance", "alice:FUTURES", "--json"));
        assertThat(balance.exitCode()).as(balance.err()).isEqualTo(ExitCodes.DONE);
        return new BigDecimal(JSON.readTree(balance.out()).get("balances").get(0).get("wallet").asText());
    }

    private static String[] args(String[] db, String... command) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of(db));
        return all.toArray(String[]::new);
    }

    private static Deposit deposit(String id, String amount) {
        return new Deposit(id, "alice:FUTURES", "USDT", new BigDecimal(amount));
    }

    private static void accepted(Ledger ledger, LedgerCommand command) {
        assertThat(ledger.execute(command)).as(command.id()).isEqualTo(new Outcome.Accepted(command.id()));
    }
}
