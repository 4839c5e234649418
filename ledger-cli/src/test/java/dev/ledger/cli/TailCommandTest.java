package dev.ledger.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class TailCommandTest {

    private static final Pattern POSITION = Pattern.compile("\"ledgerposition\":\"(\\d+)\"");
    private static final Pattern HASH = Pattern.compile("\"ledgerhash\":\"([0-9a-f]{64})\"");

    @TempDir
    Path directory;

    private String storeWithHistory() throws IOException {
        String db = CliRun.freshDatabase("tail");
        apply(db, "history.jsonl",
                "{\"id\":\"1\",\"type\":\"OpenAccount\",\"account\":\"alice:FUTURES\"}",
                "{\"id\":\"2\",\"type\":\"OpenAccount\",\"account\":\"alice:COPY\"}",
                "{\"id\":\"3\",\"type\":\"Deposit\",\"account\":\"alice:FUTURES\",\"asset\":\"USDT\",\"amount\":\"100\"}",
                "{\"id\":\"4\",\"type\":\"Transfer\",\"from\":\"alice:FUTURES\",\"to\":\"alice:COPY\",\"asset\":\"USDT\",\"amount\":\"40\"}",
                "{\"id\":\"5\",\"type\":\"OpenAccount\",\"account\":\"bob:FUTURES\"}",
                "{\"id\":\"6\",\"type\":\"ConfigureSymbol\",\"symbol\":\"BTCUSDT\",\"settleAsset\":\"USDT\",\"maintenanceMarginRate\":\"0.005\",\"maxLeverage\":100}");
        return db;
    }

    private void apply(String db, String file, String... lines) throws IOException {
        Path commands = directory.resolve(file);
        Files.writeString(commands, String.join("\n", lines), StandardCharsets.UTF_8);
        assertThat(CliRun.of("apply", commands.toString(), "--db", db).exitCode()).isEqualTo(ExitCodes.DONE);
    }

    /** The event lines of a CloudEvents export of the whole store (its trailer left out). */
    private List<String> exported(String db) throws IOException {
        Path out = directory.resolve("export-" + System.nanoTime() + ".jsonl");
        assertThat(CliRun.of("export", "--out", out.toString(), "--format", "cloudevents", "--db", db).exitCode())
                .isEqualTo(ExitCodes.DONE);
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        return lines.subList(0, lines.size() - 1);
    }

    private static long position(String line) {
        Matcher matcher = POSITION.matcher(line);
        assertThat(matcher.find()).as(line).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private static String hash(String line) {
        Matcher matcher = HASH.matcher(line);
        assertThat(matcher.find()).as(line).isTrue();
        return matcher.group(1);
    }

    private static String unchained(String line) {
        return line.replaceAll(",\"ledgerhash\":\"[0-9a-f]{64}\"", "").replaceAll(",\"ledgerprevhash\":\"[0-9a-f]{64}\"", "");
    }

    @Test
    void printsTheExportsCloudEventsLinesFromTheFirstEvent() throws IOException {
        String db = storeWithHistory();

        CliRun tail = CliRun.of("tail", "--db", db);

        assertThat(tail.exitCode()).isEqualTo(ExitCodes.DONE);
        assertThat(tail.err()).isEmpty();
        assertThat(tail.out().lines().toList()).hasSize(8).isEqualTo(exported(db));
    }

    @Test
    void fromAPositionStartsTheChainThereOrGoesOnWithTheOneGiven() throws IOException {
        String db = storeWithHistory();
        List<String> exported = exported(db);
        long from = position(exported.get(4));

        List<String> fresh = CliRun.of("tail", "--from", Long.toString(from), "--db", db).out().lines().toList();
        List<String> continued = CliRun.of("tail", "--from", Long.toString(from), "--prev-hash", hash(exported.get(3)),
                "--db", db).out().lines().toList();

        assertThat(fresh).extracting(TailCommandTest::unchained)
                .isEqualTo(exported.subList(4, exported.size()).stream().map(TailCommandTest::unchained).toList());
        assertThat(fresh.get(0)).contains("\"ledgerprevhash\":\"" + "0".repeat(64) + "\"");
        assertThat(continued).isEqualTo(exported.subList(4, exported.size()));
    }

    @Test
    void stopsAfterTheLimit() throws IOException {
        String db = storeWithHistory();

        CliRun tail = CliRun.of("tail", "--limit", "3", "--db", db);

        assertThat(tail.exitCode()).isEqualTo(ExitCodes.DONE);
        assertThat(tail.out().lines().toList()).isEqualTo(exported(db).subList(0, 3));
    }

    @Test
    void followingPrintsEventsCommittedAfterItStarted() throws Exception {
        String db = storeWithHistory();
        // 8 events now; a transfer adds 3: following until 11 lines can only end once the transfer is in.
        CompletableFuture<CliRun> following = CompletableFuture.supplyAsync(
                () -> CliRun.of("tail", "--follow", "--limit", "11", "--db", db));
        Thread.sleep(500);
        assertThat(following).isNotDone();

        apply(db, "more.jsonl",
                "{\"id\":\"7\",\"type\":\"Transfer\",\"from\":\"alice:FUTURES\",\"to\":\"alice:COPY\",\"asset\":\"USDT\",\"amount\":\"1\"}");

        CliRun tail = following.get(30, TimeUnit.SECONDS);
        assertThat(tail.exitCode()).isEqualTo(ExitCodes.DONE);
        assertThat(tail.out().lines().toList()).isEqualTo(exported(db));
        assertThat(tail.out().lines().toList().get(10)).contains("TransferSettled");
    }

    @Test
    void anEmptyStorePrintsNothing() {
        CliRun tail = CliRun.of("tail", "--db", CliRun.freshDatabase("tail-empty"));

        assertThat(tail.exitCode()).isEqualTo(ExitCodes.DONE);
        assertThat(tail.out()).isEmpty();
    }

    @Test
    void refusesBadOptionsWithExitTwoNamingThem() {
        String db = CliRun.freshDatabase("tail-bad");

        CliRun negative = CliRun.of("tail", "--from", "-1", "--db", db);
        CliRun badHash = CliRun.of("tail", "--from", "3", "--prev-hash", "xyz", "--db", db);
        CliRun zeroLimit = CliRun.of("tail", "--limit", "0", "--db", db);

        assertThat(negative.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(negative.err()).contains("--from");
        assertThat(badHash.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(badHash.err()).contains("--prev-hash");
        assertThat(zeroLimit.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(zeroLimit.err()).contains("--limit");
    }
}
